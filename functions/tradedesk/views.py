"""Realtime per-partner documents for the web client's listeners (infra/firestore.rules).

`partnerViews/{partnerId}/trades/{tradeId}` and `partnerViews/{partnerId}/offers/{offerId}` hold
exactly what that partner may see (functions/tradedesk/anonymity.py): the raw trades/offers documents
name both parties and no client reads them. `view_documents` is pure; the services write its result in
the same unit of work as the change it mirrors, so a listener never sees a state the API would not show.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from functions.tradedesk.anonymity import Viewer, offer_for, trade_for

VIEWS = "partnerViews"
TRADES, OFFERS = "trades", "offers"


def view_path(partner_id: str, kind: str, doc_id: str) -> str:
    return f"{VIEWS}/{partner_id}/{kind}/{doc_id}"


def view_documents(trade: Mapping[str, Any], offers: Iterable[Mapping[str, Any]] = (),
                   *, market_partner_ids: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """{document path: content} for every partner that may see `trade` or one of `offers`.

    The owner gets the request and every offer on it; each offer maker gets its own offer and the
    request as a counterparty sees it (revealed once its offer is accepted); `market_partner_ids`
    (counterparties told of the request, e.g. by TradePosted) get the anonymous request.
    """
    trade_id = str(trade["id"])
    owner = trade.get("ownerPartnerId")
    documents: dict[str, dict[str, Any]] = {}
    if owner:
        documents[view_path(owner, TRADES, trade_id)] = trade_for(Viewer(owner), trade)
    for partner_id in market_partner_ids:
        if partner_id != owner:
            documents[view_path(partner_id, TRADES, trade_id)] = trade_for(Viewer(partner_id), trade)
    for offer in offers:
        offer_id = str(offer["id"])
        maker = offer.get("makerPartnerId")
        if owner:
            documents[view_path(owner, OFFERS, offer_id)] = offer_for(Viewer(owner), offer)
        if maker:
            documents[view_path(maker, OFFERS, offer_id)] = offer_for(Viewer(maker), offer)
            documents[view_path(maker, TRADES, trade_id)] = trade_for(
                Viewer(maker), trade, revealed=offer.get("status") == "ACCEPTED")
    return documents
