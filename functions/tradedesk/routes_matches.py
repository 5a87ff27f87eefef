"""GET /api/trades/{tradeId}/matches: mapping only, ranking in functions/tradedesk/matches.py."""
from __future__ import annotations

from functions.tradedesk import matches
from functions.tradedesk.lot_models import MatchList
from functions.tradedesk.routes_common import router
from shared.http import ApiRequest


@router.get("/api/trades/{tradeId}/matches", permission="trades:read", response=MatchList, tags=("trades",))
def trade_matches(req: ApiRequest, tradeId: str) -> MatchList:
    """Tested lots and live availabilities that fit a BUY request, best match first (anonymous handles)."""
    return MatchList(items=matches.matches_for(req.user, tradeId))
