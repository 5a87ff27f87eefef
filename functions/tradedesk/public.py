"""What other groups may use of the trade desk (the only module of it they import): its domain events."""
from __future__ import annotations

from functions.tradedesk.events import (
    OfferAccepted,
    OfferCountered,
    OfferExpiring,
    OfferReceived,
    OfferRejected,
    TradeExpired,
    TradePosted,
)

__all__ = ["OfferAccepted", "OfferCountered", "OfferExpiring", "OfferReceived", "OfferRejected", "TradeExpired",
           "TradePosted"]
