"""The back-office desk's counts (GET /api/dashboard/trades-summary).

Counts of trade requests by status per organization, each one Firestore aggregation query
(`count()`: billed as one read per 1,000 counted, never a scan), run only for the organizations the
caller works for (or the one it names).
"""
from __future__ import annotations

from typing import Any

from functions.tradedesk import states
from shared.errors import NotFound

STATUSES = (states.DRAFT, states.POSTED, states.NEGOTIATING, states.PARTIALLY_FILLED, states.AGREED,
            states.CANCELLED, states.EXPIRED)


def count(org_id: str, status: str) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    query = (collection("trades").where(filter=FieldFilter("orgId", "==", org_id))
             .where(filter=FieldFilter("status", "==", status)))
    result = query.count(alias="n").get()
    return int(result[0][0].value) if result and result[0] else 0


def summary(user: Any, org_id: str | None) -> list[dict[str, Any]]:
    """[{orgId, counts {status: n}, total}] for the caller's organizations (404 for another one)."""
    orgs = list(user.organization_ids)
    if org_id is not None:
        if org_id not in orgs:
            raise NotFound("ORGANIZATION_NOT_FOUND", "No such organization")
        orgs = [org_id]
    out = []
    for org in sorted(orgs):
        counts = {status: count(org, status) for status in STATUSES}
        out.append({"orgId": org, "counts": counts, "total": sum(counts.values())})
    return out


DESK_FILTERS = ("status", "side", "commodityId")


def desk_trades(user: Any, query: Any) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the caller's organizations' requests, newest first, each with its offers count (a
    count() aggregation) and best match score (the top `matchScore.total` of its offers: one read)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection
    from shared.http.pagination import page

    orgs = sorted(user.organization_ids)
    if query.org_id is not None:
        if query.org_id not in orgs:
            raise NotFound("ORGANIZATION_NOT_FOUND", "No such organization")
        orgs = [query.org_id]
    if not orgs:
        return [], None
    base: Any = collection("trades").where(filter=FieldFilter("orgId", "in", orgs[:30]))
    for name, value in (("status", query.status), ("side", query.side), ("commodityId", query.commodity_id)):
        if value is not None:
            base = base.where(filter=FieldFilter(name, "==", value))
    snapshots, token = page(base, [("createdAt", "DESCENDING")], query.page_size, query.page_token)
    items = []
    for snapshot in snapshots:
        trade = {"id": snapshot.id, **(snapshot.to_dict() or {})}
        offers = collection("offers").where(filter=FieldFilter("tradeId", "==", snapshot.id))
        counted = offers.count(alias="n").get()
        best = list(offers.order_by("matchScore.total", direction="DESCENDING").limit(1).stream())
        score = ((best[0].to_dict() or {}).get("matchScore") or {}).get("total") if best else None
        items.append({**trade, "offersCount": int(counted[0][0].value) if counted and counted[0] else 0,
                      "bestMatchScore": score})
    return items, token
