"""GET /api/dashboard/trades-summary: mapping only, counting in functions/tradedesk/dashboard.py."""
from __future__ import annotations

from pydantic import ConfigDict

from functions.tradedesk import dashboard
from functions.tradedesk.routes_common import router
from shared.http import ApiRequest
from shared.models import ApiModel, DocId


class SummaryQuery(ApiModel):
    org_id: DocId | None = None


class OrgSummary(ApiModel):
    model_config = ConfigDict(**{**ApiModel.model_config, "extra": "ignore"})
    org_id: str
    counts: dict[str, int]
    total: int


class TradesSummary(ApiModel):
    items: list[OrgSummary]


@router.get("/api/dashboard/trades-summary", permission="trades:read", query=SummaryQuery, response=TradesSummary,
            tags=("dashboard",))
def trades_summary(req: ApiRequest) -> TradesSummary:
    """Trade requests by status per organization of the caller (aggregation counts, no scans)."""
    if not req.user.is_back_office:
        from shared.errors import Forbidden

        raise Forbidden("FORBIDDEN", "The desk dashboard is for back-office users")
    return TradesSummary(items=dashboard.summary(req.user, req.query.org_id))
