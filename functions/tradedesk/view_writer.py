"""The `on_trade_event` consumer: writes the realtime per-partner views (functions/tradedesk/views.py) from
the trade desk's events, and hands TradeRequestPosted to the announcement (functions/tradedesk/announce.py).

Pub/Sub delivers at least once and in any order, so the event only says WHICH request changed: each
delivery re-reads the request, its offers (at most MAX_OFFERS) and its market audience
(`tradeAudiences/{tradeId}`, the counterparties told of it by TradePosted) in one transaction, and writes
the view documents of the current state. Two guards keep an older delivery from overwriting a newer
state: the reads and writes are one transaction (a change committed meanwhile aborts and retries it),
and a view document whose stored `version` (the source document's) is higher than the one about to be
written is left alone. A view that would not change is not rewritten (a counter on one offer rewrites
that offer's two views and the request's, not every offer's). The `processedEvents` marker is written in
the same transaction, so a redelivery does nothing.

Views that should no longer exist: the market views of a request that is no longer open (AGREED,
CANCELLED, EXPIRED) are deleted, so the market listeners see it leave, as it leaves the market list of
the API; the owner's and every offer maker's views stay (their own history, with the final state).
"""
from __future__ import annotations

import logging
from typing import Any

from functions.tradedesk import states
from functions.tradedesk.acceptance import OFFERS, trade_ref
from functions.tradedesk.views import TRADES, view_documents, view_path
from shared.db import client, collection
from shared.events.consumer import DomainEvent, consume_once, decode
from shared.logging import get_logger, log

CONSUMER = "tradedesk-views"
AUDIENCES = "tradeAudiences"
# A request's offers read per event: one live offer per counterparty, plus the closed ones. Each offer
# writes at most 3 views, so 100 offers and a 50-partner audience stay inside a transaction's 500 writes.
MAX_OFFERS = 100
# The trade desk's events that change what a party of a request sees (each names the request).
VIEW_EVENTS = frozenset({"TradeRequestPosted", "TradeCancelled", "TradeExpired", "OfferReceived", "OfferCountered",
                         "OfferAccepted", "OfferRejected", "OfferWithdrawn", "OfferExpired", "OfferExpiring"})
logger = get_logger("tradedesk.views")


def audience_ref(trade_id: str) -> Any:
    return collection(AUDIENCES).document(trade_id)


def refresh(uow: Any, trade_id: str, *, audience: list[str] | None = None) -> dict[str, int]:
    """Queue in `uow` the view writes that bring every view of `trade_id` to the current state.

    `audience`: the market partners to write (the announcement passes the ones it is about to record);
    by default the recorded audience. All reads come first (Firestore transactions read before writing).
    """
    from google.cloud.firestore_v1.base_query import FieldFilter

    snapshot = uow.get(trade_ref(trade_id))
    if not snapshot.exists:
        return {"written": 0, "deleted": 0, "kept": 0}
    trade = {"id": trade_id, **(snapshot.to_dict() or {})}
    if trade.get("status") == states.DRAFT:
        return {"written": 0, "deleted": 0, "kept": 0}
    offers = [{"id": s.id, **(s.to_dict() or {})} for s in uow.query(
        collection(OFFERS).where(filter=FieldFilter("tradeId", "==", trade_id)).limit(MAX_OFFERS))]
    if audience is None:
        recorded = uow.get(audience_ref(trade_id))
        audience = list((recorded.to_dict() or {}).get("partnerIds") or []) if recorded.exists else []
    market = audience if trade.get("status") in states.TRADE_OPEN else []
    wanted = view_documents(trade, offers, market_partner_ids=market)
    gone = [path for path in {view_path(p, TRADES, trade_id) for p in audience} if path not in wanted]
    db = client()
    existing = uow.get_all([db.document(path) for path in [*wanted, *gone]])
    counts = {"written": 0, "deleted": 0, "kept": 0}
    for path, content in wanted.items():
        current = existing.get(path)
        stored = (current.to_dict() or {}) if current is not None and current.exists else None
        if stored is not None and (stored == content
                                   or int(stored.get("version") or 0) > int(content.get("version") or 0)):
            counts["kept"] += 1          # unchanged, or already showing a newer state than this read
            continue
        uow.set(db.document(path), content)
        counts["written"] += 1
    for path in gone:
        current = existing.get(path)
        if current is not None and current.exists:
            uow.delete(db.document(path))
            counts["deleted"] += 1
    return counts


def write_views(event: DomainEvent) -> bool:
    trade_id = event.data.get("tradeId")
    if not trade_id:
        return False
    counts: dict[str, int] = {}

    def work(uow: Any) -> None:
        counts.update(refresh(uow, str(trade_id)))

    acted = consume_once(CONSUMER, event, work)
    log(logger, logging.INFO, "trade views", eventId=event.event_id, type=event.type, tradeId=trade_id,
        acted=acted, **counts)
    return acted


def handle(cloud_event: Any) -> bool:
    """The event function's body: the views of the event's request, and the announcement of a posted one."""
    event = decode(cloud_event)
    if event.type not in VIEW_EVENTS:
        return False
    if event.type == "TradeRequestPosted":
        from functions.tradedesk.announce import announce

        announce(event)
    return write_views(event)
