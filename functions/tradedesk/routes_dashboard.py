"""GET /api/dashboard/trades-summary: mapping only, counting in functions/tradedesk/dashboard.py."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from functions.tradedesk import dashboard
from functions.tradedesk.routes_common import router
from shared.http import ApiRequest
from shared.models import ApiModel, DocId, PageQuery


class SummaryQuery(ApiModel):
    org_id: DocId | None = None


class OrgSummary(ApiModel):
    model_config = ConfigDict(**{**ApiModel.model_config, "extra": "ignore"})
    org_id: str
    counts: dict[str, int]
    total: int


class TradesSummary(ApiModel):
    items: list[OrgSummary]


TradeStatus = Literal["DRAFT", "POSTED", "NEGOTIATING", "PARTIALLY_FILLED", "AGREED", "CANCELLED", "EXPIRED"]


class DeskQuery(PageQuery):
    org_id: DocId | None = None
    status: TradeStatus | None = None
    side: Literal["BUY", "SELL"] | None = None
    commodity_id: DocId | None = None


class DeskTrade(ApiModel):
    model_config = ConfigDict(**{**ApiModel.model_config, "extra": "ignore"})
    id: str
    number: str | None = None
    org_id: str | None = None
    side: str | None = None
    status: str | None = None
    commodity_id: str | None = None
    owner_partner_id: str | None = None
    open_kg: str | None = None
    offers_count: int
    best_match_score: float | None = None
    created_at: str | None = None


class DeskTradePage(ApiModel):
    items: list[DeskTrade]
    next_page_token: str | None = None


def _back_office(req: ApiRequest) -> None:
    if not req.user.is_back_office:
        from shared.errors import Forbidden

        raise Forbidden("FORBIDDEN", "The desk dashboard is for back-office users")


@router.get("/api/dashboard/trades", permission="trades:read", query=DeskQuery, response=DeskTradePage,
            tags=("dashboard",))
def desk_trades(req: ApiRequest) -> DeskTradePage:
    """The back office's trade requests, newest first, with offers count and best match score."""
    from shared import clock

    _back_office(req)
    items, token = dashboard.desk_trades(req.user, req.query)
    return DeskTradePage(items=[{**item, "createdAt": clock.iso(item.get("createdAt")),
                                 "bestMatchScore": None if item.get("bestMatchScore") is None
                                 else float(item["bestMatchScore"])} for item in items], next_page_token=token)


@router.get("/api/dashboard/trades-summary", permission="trades:read", query=SummaryQuery, response=TradesSummary,
            tags=("dashboard",))
def trades_summary(req: ApiRequest) -> TradesSummary:
    """Trade requests by status per organization of the caller (aggregation counts, no scans)."""
    _back_office(req)
    return TradesSummary(items=dashboard.summary(req.user, req.query.org_id))
