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
