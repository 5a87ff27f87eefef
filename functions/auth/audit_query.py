"""`GET /api/audit`: the append-only audit log for administrators, newest first, with cursor paging.

Filters (each optional, combinable): user, entity (+ entity id), action, time range on `at`. The
entries are shown as stored; they never held secrets (shared/audit.py strips them at write time).
"""
from __future__ import annotations

from typing import Any

from shared.audit import AUDIT_COLLECTION
from shared.db import collection
from shared.errors import field_error
from shared.http.pagination import page

STANDARD_FIELDS = ("at", "action", "entity", "entityId", "userId", "ip", "userAgent", "requestId", "changes")


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
        "changes": entry.get("changes") or {},
        "details": {k: v for k, v in entry.items() if k not in STANDARD_FIELDS},
    }


def search(query: Any) -> dict[str, Any]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    if query.from_ and query.to and query.from_ > query.to:
        raise field_error("from", "`from` must not be after `to`", rule="range")
    if query.entity_id and not query.entity:
        raise field_error("entityId", "Give `entity` together with `entityId`", rule="requires_entity")
    base = collection(AUDIT_COLLECTION)
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
