"""What other groups may use of the trade desk (the only module of it they import): its domain events,
and `organization_trade_count(org_id)` (trade requests of an organization, for masters' refusal to
delete an organization in use)."""
from __future__ import annotations

from functions.tradedesk.events import (
    OfferAccepted,
    OfferCountered,
    OfferExpired,
    OfferExpiring,
    OfferReceived,
    OfferRejected,
    OfferWithdrawn,
    TradeCancelled,
    TradeExpired,
    TradePosted,
)
from functions.tradedesk.views import TRADES
from shared.db import collection

__all__ = ["OfferAccepted", "OfferCountered", "OfferExpired", "OfferExpiring", "OfferReceived", "OfferRejected",
           "OfferWithdrawn", "TradeCancelled", "TradeExpired", "TradePosted", "organization_trade_count"]


def organization_trade_count(org_id: str) -> int:
    """Trade requests of any status made in `org_id` (one count aggregation)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    result = collection(TRADES).where(filter=FieldFilter("orgId", "==", org_id)).count().get()
    return int(result[0][0].value) if result else 0
