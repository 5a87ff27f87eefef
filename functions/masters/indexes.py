"""The composite indexes the masters queries need (declared in infra/terraform/firestore_indexes.json;
tests/unit/test_firestore_indexes.py fails when one is missing there).

- lists of live masters: `deletedAt == null` ordered by their name or code (store.list_page);
- station search: `searchKeys array-contains` and/or state / region equality, by nameLower;
- regions of a state by name; an organization's financial years newest first (optionally by status).

Equality-only queries (the active financial year; the closing counts over contracts, invoices,
commissions and disputes on orgId + financialYear + status) are served by Firestore's merge of
single-field indexes and need no entry; range queries on `versions/effectiveKey` use the automatic
single-field index.
"""
from __future__ import annotations

from itertools import combinations
from typing import Any

from shared.indexes import composite as _index


def _station_indexes() -> list[dict[str, Any]]:
    out = []
    for with_search in (False, True):
        for size in range(3):
            for equalities in combinations(("state", "region"), size):
                fields = [("searchKeys", "CONTAINS")] if with_search else []
                fields += [("deletedAt", "ASCENDING")] + [(name, "ASCENDING") for name in equalities]
                out.append(_index("stations", [*fields, ("nameLower", "ASCENDING")]))
    return out


INDEXES: list[dict[str, Any]] = [
    _index("organizations", [("deletedAt", "ASCENDING"), ("legalNameLower", "ASCENDING")]),
    _index("commodities", [("deletedAt", "ASCENDING"), ("nameLower", "ASCENDING")]),
    _index("commissionStructures", [("deletedAt", "ASCENDING"), ("nameLower", "ASCENDING")]),
    _index("gstRates", [("deletedAt", "ASCENDING"), ("code", "ASCENDING")]),
    _index("gstRates", [("deletedAt", "ASCENDING"), ("codeType", "ASCENDING"), ("code", "ASCENDING")]),
    *_station_indexes(),
    _index("regions", [("state", "ASCENDING"), ("nameLower", "ASCENDING")]),
    _index("financialYears", [("orgId", "ASCENDING"), ("startDate", "DESCENDING")]),
    _index("financialYears", [("orgId", "ASCENDING"), ("status", "ASCENDING"), ("startDate", "DESCENDING")]),
]
