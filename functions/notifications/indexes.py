"""The composite indexes the notifications queries need (declared in infra/terraform/firestore_indexes.json;
tests/unit/test_firestore_indexes.py fails when one is missing there).

- a user's notifications: unread first then newest (`read` ASC, `createdAt` DESC), which also serves the
  unread-only list (`read` == false, newest first);
- the administrators' dead letters: newest attempt first, filtered by state and/or channel.
Every other query (users by partnerId / organizationIds / kind, password and session date ranges,
unread count, read-all) uses single-field indexes, which Firestore creates by itself.
"""
from __future__ import annotations

from typing import Any

from shared.indexes import composite as _index

INDEXES: list[dict[str, Any]] = [
    _index("notifications", [("read", "ASCENDING"), ("createdAt", "DESCENDING")]),
    _index("deliveryFailures", [("state", "ASCENDING"), ("lastAttemptAt", "DESCENDING")]),
    _index("deliveryFailures", [("channel", "ASCENDING"), ("lastAttemptAt", "DESCENDING")]),
    _index("deliveryFailures", [("state", "ASCENDING"), ("channel", "ASCENDING"), ("lastAttemptAt", "DESCENDING")]),
]
