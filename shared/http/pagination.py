"""Cursor paging over Firestore queries: `pageSize` (1-100) and an opaque `pageToken`.

The token holds the ordering values of the last item and its id, so the next page starts right after
it with `start_after`; nothing is skipped or scanned with offsets.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from shared.errors import BadRequest


def encode_token(values: list[Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return {"$t": value.isoformat()}
        return value

    raw = json.dumps([plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> list[Any]:
    def typed(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"$t"}:
            return datetime.fromisoformat(value["$t"])
        return value

    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list):
            raise ValueError("not a list")
        return [typed(v) for v in values]
    except (ValueError, TypeError) as error:
        raise BadRequest("INVALID_PAGE_TOKEN", "pageToken is not a token this API issued") from error


def page(query: Any, order: list[tuple[str, str]], page_size: int, token: str | None
         ) -> tuple[list[Any], str | None]:
    """Run `query` ordered by `order` ([(field, "ASCENDING"|"DESCENDING")]) plus document id.

    Returns the snapshots of one page and the token of the next page (None on the last page).
    Reads at most page_size + 1 documents.
    """
    from google.cloud.firestore_v1.field_path import FieldPath

    for field_name, direction in order:
        query = query.order_by(field_name, direction=direction)
    last_direction = order[-1][1] if order else "ASCENDING"
    query = query.order_by(FieldPath.document_id(), direction=last_direction)
    if token:
        values = decode_token(token)
        if len(values) != len(order) + 1:
            raise BadRequest("INVALID_PAGE_TOKEN", "pageToken does not fit this list")
        cursor = {name: value for (name, _), value in zip(order, values[:-1], strict=True)}
        cursor[FieldPath.document_id()] = query._parent.document(values[-1])
        query = query.start_after(cursor)
    snapshots = list(query.limit(page_size + 1).stream())
    items = snapshots[:page_size]
    next_token = None
    if len(snapshots) > page_size:
        last = items[-1]
        next_token = encode_token([_field(last, name) for name, _ in order] + [last.id])
    return items, next_token


def _field(snapshot: Any, name: str) -> Any:
    value: Any = snapshot.to_dict() or {}
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
