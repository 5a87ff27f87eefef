"""`GET /api/audit`: the append-only audit log for administrators, newest first, with cursor paging.

Filters (each optional, combinable): user, entity (+ entity id), action, time range on `at`. The
entries are shown as stored; they never held secrets (shared/audit.py strips them at write time).
Scope: only entries of the caller's organizations, and those of no organization (shared/audit.py,
`orgIds`); a query may name at most 30 values in array-contains-any, so a caller of more than 29
organizations sees those of its first 29 (sorted).
"""
from __future__ import annotations

from typing import Any

from shared.audit import AUDIT_COLLECTION, PLATFORM
from shared.db import collection
from shared.errors import field_error
from shared.http.pagination import page

STANDARD_FIELDS = ("at", "action", "entity", "entityId", "userId", "ip", "userAgent", "requestId", "changes",
                   "orgIds")
MAX_SCOPE_VALUES = 30          # Firestore's limit for array-contains-any


def entry_view(entry_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry_id,
        "at": entry.get("at"),
        "action": entry.get("action", ""),
        "entity": entry.get("entity", ""),
        "entityId": entry.get("entityId"),
        "userId": entry.get("userId"),
        "ip": entry.get("ip"),
        "userAgent": entry.get("userAgent"),
        "requestId": entry.get("requestId"),
        "orgIds": entry.get("orgIds") or [PLATFORM],
        "changes": entry.get("changes") or {},
        "details": {k: v for k, v in entry.items() if k not in STANDARD_FIELDS},
    }


def scope_of(organization_ids: Any) -> list[str]:
    """The orgIds values a caller of these organizations may see."""
    return [*sorted(organization_ids)[:MAX_SCOPE_VALUES - 1], PLATFORM]


def search(query: Any, organization_ids: Any) -> dict[str, Any]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    if query.from_ and query.to and query.from_ > query.to:
        raise field_error("from", "`from` must not be after `to`", rule="range")
    if query.entity_id and not query.entity:
        raise field_error("entityId", "Give `entity` together with `entityId`", rule="requires_entity")
    base = collection(AUDIT_COLLECTION).where(filter=FieldFilter("orgIds", "array_contains_any",
                                                                 scope_of(organization_ids)))
    for field, value in (("userId", query.user_id), ("entity", query.entity), ("entityId", query.entity_id),
                         ("action", query.action)):
        if value:
            base = base.where(filter=FieldFilter(field, "==", value))
    if query.from_:
        base = base.where(filter=FieldFilter("at", ">=", query.from_))
    if query.to:
        base = base.where(filter=FieldFilter("at", "<=", query.to))
    snapshots, next_token = page(base, [("at", "DESCENDING")], query.page_size, query.page_token)
    return {"items": [entry_view(s.id, s.to_dict() or {}) for s in snapshots], "nextPageToken": next_token}
