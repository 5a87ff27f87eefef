"""The composite indexes the partners queries need (declared in infra/terraform/firestore_indexes.json;
tests/unit/test_firestore_indexes.py fails when one is missing there).

- search (queries.search): equality on any of status / kind / address.stateCode, ordered by createdAt
  (newest first), or by nameLower / code for a prefix search;
- KYC due list and the KYC job: status IN (ACTIVE, SUSPENDED) and kyc.dueDate <= horizon;
- per-partner lists: documents and certifications (not deleted), change requests by status;
- collection-group: change requests by status for the back office, verified certifications by expiry,
  documents still PENDING_UPLOAD by upload expiry (the abandoned-upload sweep, documents.sweep_abandoned_uploads).
"""
from __future__ import annotations

from itertools import combinations
from typing import Any

from shared.indexes import composite as _index

_EQUALITY = ("status", "kind", "address.stateCode")
_SEARCH_ORDERS = (("createdAt", "DESCENDING"), ("nameLower", "ASCENDING"), ("code", "ASCENDING"))


def _search_indexes() -> list[dict[str, Any]]:
    out = []
    for size in range(1, len(_EQUALITY) + 1):
        for equalities in combinations(_EQUALITY, size):
            for order in _SEARCH_ORDERS:
                out.append(_index("partners", [(field, "ASCENDING") for field in equalities] + [order]))
    return out


INDEXES: list[dict[str, Any]] = [
    *_search_indexes(),
    _index("partners", [("status", "ASCENDING"), ("kyc.dueDate", "ASCENDING")]),
    _index("documents", [("deletedAt", "ASCENDING"), ("createdAt", "DESCENDING")]),
    _index("certifications", [("deletedAt", "ASCENDING"), ("expiryDate", "ASCENDING")]),
    _index("changeRequests", [("status", "ASCENDING"), ("createdAt", "DESCENDING")]),
    _index("changeRequests", [("status", "ASCENDING"), ("createdAt", "DESCENDING")], "COLLECTION_GROUP"),
    _index("certifications", [("status", "ASCENDING"), ("expiryDate", "ASCENDING")], "COLLECTION_GROUP"),
    _index("documents", [("status", "ASCENDING"), ("uploadExpiresAt", "ASCENDING")], "COLLECTION_GROUP"),
]
