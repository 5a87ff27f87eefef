"""The domain events the trade desk emits (exported through functions.tradedesk.public).

`recipientPartnerId` names the partner told about it (the other party of the negotiation)."""
from __future__ import annotations

from shared.events.model import DomainEventModel


class _TradeEvent(DomainEventModel):
    producer = "tradedesk"
    trade_id: str
    recipient_partner_id: str
    trade_number: str | None = None


class _OfferEvent(_TradeEvent):
    offer_id: str
    offer_number: str | None = None


class TradePosted(_TradeEvent):
    """A posted request matches the recipient's tested lots or availabilities (functions/tradedesk/announce.py
    emits one per matching counterparty; the notification names no identity of the request's owner)."""


class TradeRequestPosted(DomainEventModel):
    """The owner posted its request (DRAFT -> POSTED). Not a notification: the trade desk's own consumer
    (`on_trade_event`) announces it to the matching counterparties (TradePosted) and writes the views."""

    producer = "tradedesk"
    trade_id: str
    trade_number: str | None = None


class TradeExpired(_TradeEvent):
    pass


class OfferReceived(_OfferEvent):
    pass


class OfferAccepted(_OfferEvent):
    org_id: str | None = None
    contract_id: str | None = None


class OfferCountered(_OfferEvent):
    pass


class OfferRejected(_OfferEvent):
    pass


class OfferExpiring(_OfferEvent):
    pass


class OfferWithdrawn(_OfferEvent):
    """The maker took back a live offer: told to the request's owner."""


class OfferExpired(_OfferEvent):
    """A live offer lapsed: its own validity ended (VALIDITY_ENDED, told to the party waiting for an
    answer) or its request expired (REQUEST_EXPIRED, told to the maker)."""

    reason: str | None = None


class TradeCancelled(DomainEventModel):
    """The owner cancelled its request. One event per live offer it closed (that offer becomes REJECTED
    with REQUEST_CANCELLED; `recipientPartnerId` is its maker, `offerId` the offer), so each maker is told
    in a fan-out of its own; one event naming no recipient when no offer was live (the views only)."""

    producer = "tradedesk"
    trade_id: str
    trade_number: str | None = None
    recipient_partner_id: str | None = None
    offer_id: str | None = None
