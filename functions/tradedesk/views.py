"""Realtime per-partner documents for the web client's listeners (infra/firestore.rules).

`partnerViews/{partnerId}/trades/{tradeId}` and `partnerViews/{partnerId}/offers/{offerId}` hold
exactly what that partner may see: the same projection the API answers (trades.present / offers.present
over functions/tradedesk/anonymity.py), so a listener never sees more than a GET would show. The raw
trades/offers documents name both parties and no client reads them. `view_documents` is pure; the
`on_trade_event` consumer (functions/tradedesk/view_writer.py) writes its result from the current
documents whenever an event of the request arrives.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from functions.tradedesk.anonymity import Viewer

VIEWS = "partnerViews"
TRADES, OFFERS = "trades", "offers"
ACCEPTED = "ACCEPTED"


def view_path(partner_id: str, kind: str, doc_id: str) -> str:
    return f"{VIEWS}/{partner_id}/{kind}/{doc_id}"


def view_documents(trade: Mapping[str, Any], offers: Iterable[Mapping[str, Any]] = (),
                   *, market_partner_ids: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """{document path: content} for every partner that may see `trade` or one of `offers`.

    The owner gets the request and every offer on it; each offer maker gets its own offers and the
    request as a counterparty sees it (revealed once one of its offers is accepted); `market_partner_ids`
    (counterparties told of the request, e.g. by TradePosted) get the anonymous request.
    """
    from functions.tradedesk.offers import present as present_offer
    from functions.tradedesk.trades import present as present_trade

    trade_id = str(trade["id"])
    owner = trade.get("ownerPartnerId")
    offers = list(offers)
    documents: dict[str, dict[str, Any]] = {}
    if owner:
        documents[view_path(owner, TRADES, trade_id)] = present_trade(Viewer(owner), dict(trade))
    for partner_id in market_partner_ids:
        if partner_id and partner_id != owner:
            documents[view_path(partner_id, TRADES, trade_id)] = present_trade(Viewer(partner_id), dict(trade))
    # A maker sees the request revealed when any of its offers on it was accepted (whatever the order).
    revealed = {str(o.get("makerPartnerId")) for o in offers if o.get("status") == ACCEPTED}
    for offer in offers:
        offer_id = str(offer["id"])
        maker = offer.get("makerPartnerId")
        if owner:
            documents[view_path(owner, OFFERS, offer_id)] = present_offer(Viewer(owner), dict(offer))
        if maker and maker != owner:
            documents[view_path(maker, OFFERS, offer_id)] = present_offer(Viewer(maker), dict(offer))
            documents[view_path(maker, TRADES, trade_id)] = present_trade(
                Viewer(maker), dict(trade), revealed=maker in revealed)
    return documents
