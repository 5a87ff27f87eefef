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
    pass


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
