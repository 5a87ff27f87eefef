"""Composite Firestore indexes: how groups declare the ones their queries need.

Each group lists its indexes in `functions/<group>/indexes.py` (`INDEXES`), built with `composite`;
the platform's own are `PLATFORM_INDEXES` below. tests/unit/test_firestore_indexes.py fails when one
of them is missing from infra/terraform/firestore_indexes.json, which Terraform deploys.
"""
from __future__ import annotations

from typing import Any

CONTAINS = "CONTAINS"     # an array-contains field, in place of an order


def composite(group: str, fields: list[tuple[str, str]], scope: str = "COLLECTION") -> dict[str, Any]:
    """An index in the Firebase index-file format: [(field path, "ASCENDING"|"DESCENDING"|CONTAINS)]."""
    return {"collectionGroup": group, "queryScope": scope,
            "fields": [{"fieldPath": path, "arrayConfig": how} if how == CONTAINS else {"fieldPath": path, "order": how}
                       for path, how in fields]}


def index_key(index: dict[str, Any]) -> tuple:
    """A comparable form of an index: (group, scope, ((field, order or arrayConfig), ...))."""
    return (index["collectionGroup"], index.get("queryScope", "COLLECTION"),
            tuple((field["fieldPath"], field.get("order") or field.get("arrayConfig")) for field in index["fields"]))


PLATFORM_INDEXES: list[dict[str, Any]] = [
    # the outbox relay: unsent events, oldest first (shared/events/relay.relay_pending)
    composite("outbox", [("status", "ASCENDING"), ("occurredAt", "ASCENDING")]),
    # the timer sweep: timers not seen fired, by fire time (shared/timer_firing.sweep)
    composite("outbox", [("kind", "ASCENDING"), ("status", "ASCENDING"), ("fireAt", "ASCENDING")]),
    # the upload sweeps: objects of abandoned uploads left undeleted by a crash (shared/upload_sweep.sweep)
    composite("abandonedUploads", [("kind", "ASCENDING"), ("abandonedAt", "ASCENDING")]),
]
