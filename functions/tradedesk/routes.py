"""HTTP routes of the `tradedesk` function: mapping only, rules live in the services.

Routes serve partner users (for their own partner) and back-office sales (on a partner's behalf); the
services check the row scope (404 for a request or offer the caller may not see) and every answer goes
through the anonymity projections (functions/tradedesk/anonymity.py).
"""
from __future__ import annotations

from typing import Any

import functions.tradedesk.routes_dashboard  # noqa: F401 - registers its routes on `router`
import functions.tradedesk.routes_lots  # noqa: F401 - registers its routes on `router`
import functions.tradedesk.routes_matches  # noqa: F401 - registers its routes on `router`
from functions.tradedesk.models import (
    AnswerIn,
    CancelIn,
    CounterIn,
    FromMessageIn,
    FromMessageOut,
    HistoryOut,
    OfferIn,
    OfferOut,
    OfferPage,
    OffersQuery,
    ParseRequest,
    ParseResponse,
    TradeFields,
    TradeIn,
    TradeOut,
    TradePage,
    TradeQuery,
    WithdrawIn,
)
from functions.tradedesk.routes_common import router
from shared.http import ApiRequest, ApiResponse
from shared.http.etag import etag

TAGS = ("trade desk",)
TRADE_ERRORS = {409: ("PARTNER_CANNOT_TRADE", "TRADE_CLOSED", "INVALID_TRANSITION", "TRADE_NOT_EDITABLE"),
                422: ("PARAMETERS_OUT_OF_RANGE", "SIDE_NOT_ALLOWED", "MISSING_FIELDS", "PARTNER_REQUIRED",
                      "ORGANIZATION_REQUIRED")}
OFFER_ERRORS = {409: ("DUPLICATE_OFFER", "SELF_TRADE", "NOT_YOUR_TURN", "STALE_VERSION", "OFFER_EXPIRED",
                      "OFFER_CLOSED", "QUANTITY_EXCEEDS_OPEN", "TRADE_CLOSED", "PARTNER_CANNOT_TRADE"),
                422: ("CERTIFICATE_MISMATCH", "PARAMETERS_OUT_OF_RANGE", "SIDE_NOT_ALLOWED", "PARTNER_REQUIRED")}


def _with_etag(view: dict[str, Any], status: int = 200) -> ApiResponse:
    return ApiResponse(view, status, {"ETag": etag(int(view.get("version") or 1))})


@router.post("/api/nlp/parse", permission="nlp:parse", body=ParseRequest, response=ParseResponse)
def parse_chat_message(req: ApiRequest) -> ParseResponse:
    """Parse a chat message into a draft trade, resolved against the masters."""
    from functions.tradedesk.nlp_service import parse

    return parse(req.body.text)


@router.post("/api/trades", permission="trades:create", body=TradeIn, response=TradeOut, status=201,
             idempotent=True, tags=TAGS, errors=TRADE_ERRORS)
def create_trade(req: ApiRequest) -> ApiResponse:
    """Create a DRAFT trade request (a buyer's requirement or a seller's availability)."""
    from functions.tradedesk import trades
    from functions.tradedesk.parties import viewer_of

    trade = trades.create(req.user, trades.fields_of(req.body), req.body.side, req.body.partner_id,
                          req.body.org_id, req.actor)
    return _with_etag(trades.present(viewer_of(req.user), trade), 201)


@router.post("/api/trades/from-message", permission="trades:create", body=FromMessageIn, response=FromMessageOut,
             status=201, idempotent=True, tags=TAGS, errors=TRADE_ERRORS)
def create_trade_from_message(req: ApiRequest) -> ApiResponse:
    """A DRAFT request built from a chat message, with the required fields still missing before posting."""
    from functions.tradedesk import trades
    from functions.tradedesk.from_message import create_from_message
    from functions.tradedesk.parties import viewer_of

    trade, missing = create_from_message(req.user, req.body.text, req.body.partner_id, req.body.org_id, req.actor)
    return ApiResponse({"trade": trades.present(viewer_of(req.user), trade), "missing": missing}, 201,
                       {"ETag": etag(int(trade.get("version") or 1))})


@router.get("/api/trades", permission="trades:read", query=TradeQuery, response=TradePage, tags=TAGS)
def list_trades(req: ApiRequest) -> dict[str, Any]:
    """Own requests (scope=mine) or the market of posted requests of the other side (scope=market)."""
    from functions.tradedesk import trades

    items, token = trades.list_trades(req.user, req.query)
    return {"items": items, "nextPageToken": token}


@router.get("/api/trades/{tradeId}", permission="trades:read", response=TradeOut, tags=TAGS)
def get_trade(req: ApiRequest, tradeId: str) -> ApiResponse:
    """One trade request, as the caller may see it."""
    from functions.tradedesk import trades

    return _with_etag(trades.get(req.user, tradeId))


@router.patch("/api/trades/{tradeId}", permission="trades:create", body=TradeFields, response=TradeOut, tags=TAGS,
              errors=TRADE_ERRORS)
def update_trade(req: ApiRequest, tradeId: str) -> ApiResponse:
    """Edit a DRAFT request (honours If-Match)."""
    from functions.tradedesk import trades
    from functions.tradedesk.parties import viewer_of

    trade = trades.update(req.user, tradeId, trades.fields_of(req.body), req.if_match, req.actor)
    return _with_etag(trades.present(viewer_of(req.user), trade))


@router.post("/api/trades/{tradeId}/post", permission="trades:create", response=TradeOut, tags=TAGS,
             errors=TRADE_ERRORS)
def post_trade(req: ApiRequest, tradeId: str) -> ApiResponse:
    """Post a complete DRAFT to the market (honours If-Match); it expires after its validity."""
    from functions.tradedesk import trades
    from functions.tradedesk.parties import viewer_of

    return _with_etag(trades.present(viewer_of(req.user), trades.post(req.user, tradeId, req.if_match, req.actor)))


@router.post("/api/trades/{tradeId}/cancel", permission="trades:create", body=CancelIn, response=TradeOut,
             tags=TAGS, errors=TRADE_ERRORS)
def cancel_trade(req: ApiRequest, tradeId: str) -> ApiResponse:
    """Cancel a request; its live offers are rejected (honours If-Match)."""
    from functions.tradedesk import trades
    from functions.tradedesk.parties import viewer_of

    trade = trades.cancel(req.user, tradeId, req.body.reason, req.if_match, req.actor)
    return _with_etag(trades.present(viewer_of(req.user), trade))


@router.get("/api/trades/{tradeId}/offers", permission="trades:read", query=OffersQuery, response=OfferPage,
            tags=TAGS)
def list_trade_offers(req: ApiRequest, tradeId: str) -> dict[str, Any]:
    """The offers on a request: all of them for its owner, one's own for a counterparty."""
    from functions.tradedesk import offers

    items, token = offers.of_trade(req.user, tradeId, req.query.page_size, req.query.page_token)
    return {"items": items, "nextPageToken": token}


def _offer_answer(req: ApiRequest, offer: dict[str, Any], status: int = 200) -> ApiResponse:
    from functions.tradedesk import offers
    from functions.tradedesk.parties import viewer_of

    return _with_etag(offers.present(viewer_of(req.user), offer), status)


@router.post("/api/offers", permission="trades:create", body=OfferIn, response=OfferOut, status=201,
             idempotent=True, tags=TAGS, errors=OFFER_ERRORS)
def create_offer(req: ApiRequest) -> ApiResponse:
    """Make an offer on a posted request (one live offer per counterparty)."""
    from functions.tradedesk import offers

    return _offer_answer(req, offers.create(req.user, req.body, req.actor), 201)


@router.get("/api/offers/{offerId}", permission="trades:read", response=OfferOut, tags=TAGS)
def get_offer(req: ApiRequest, offerId: str) -> ApiResponse:
    """One offer, as the caller may see it."""
    from functions.tradedesk import offers

    return _with_etag(offers.get(req.user, offerId))


@router.post("/api/offers/{offerId}/counter", permission="trades:negotiate", body=CounterIn, response=OfferOut,
             tags=TAGS, errors=OFFER_ERRORS)
def counter_offer(req: ApiRequest, offerId: str) -> ApiResponse:
    """Counter the version named (price, quantity, validity, message); the turn passes."""
    from functions.tradedesk import offers

    return _offer_answer(req, offers.counter(req.user, offerId, req.body, req.actor))


@router.post("/api/offers/{offerId}/accept", permission="trades:negotiate", body=AnswerIn, response=OfferOut,
             tags=TAGS, errors=OFFER_ERRORS)
def accept_offer(req: ApiRequest, offerId: str) -> ApiResponse:
    """Accept the version named: one transaction that fills the request and writes the draft contract."""
    from functions.tradedesk import offers

    return _offer_answer(req, offers.accept(req.user, offerId, req.body, req.actor))


@router.post("/api/offers/{offerId}/reject", permission="trades:negotiate", body=AnswerIn, response=OfferOut,
             tags=TAGS, errors=OFFER_ERRORS)
def reject_offer(req: ApiRequest, offerId: str) -> ApiResponse:
    """Turn down the version named (the party whose turn it is)."""
    from functions.tradedesk import offers

    return _offer_answer(req, offers.reject(req.user, offerId, req.body, req.actor))


@router.post("/api/offers/{offerId}/withdraw", permission="trades:negotiate", body=WithdrawIn, response=OfferOut,
             tags=TAGS, errors=OFFER_ERRORS)
def withdraw_offer(req: ApiRequest, offerId: str) -> ApiResponse:
    """The maker takes back a live offer."""
    from functions.tradedesk import offers

    return _offer_answer(req, offers.withdraw(req.user, offerId, req.body, req.actor))


@router.get("/api/negotiations/{offerId}/history", permission="trades:read", response=HistoryOut, tags=TAGS)
def negotiation_history(req: ApiRequest, offerId: str) -> dict[str, Any]:
    """Every version of an offer's terms and which party made it."""
    from functions.tradedesk import offers

    return {"offerId": offerId, "versions": offers.history(req.user, offerId)}
