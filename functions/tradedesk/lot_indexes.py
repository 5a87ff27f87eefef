"""Composite indexes of the tested-lot queries (part of functions/tradedesk/indexes.py INDEXES).

- the lot list (lots.list_lots): equality on any of partnerId / status / commodityId, newest first;
- matching (matches.py, announcements): AVAILABLE lots of a commodity;
- the abandoned-upload sweep (lots.sweep_abandoned_reports): reports still PENDING_UPLOAD by upload expiry.
"""
from __future__ import annotations

from itertools import combinations
from typing import Any

from shared.indexes import composite as _index

_EQUALITY = ("partnerId", "status", "commodityId")

LOT_INDEXES: list[dict[str, Any]] = [
    _index("testedLots", [(field, "ASCENDING") for field in fields] + [("createdAt", "DESCENDING")])
    for size in range(1, len(_EQUALITY) + 1) for fields in combinations(_EQUALITY, size)
] + [_index("testedLots", [("commodityId", "ASCENDING"), ("status", "ASCENDING")]),
      _index("testedLots", [("report.status", "ASCENDING"), ("report.uploadExpiresAt", "ASCENDING")]),
      _index("trades", [("commodityId", "ASCENDING"), ("side", "ASCENDING"), ("status", "ASCENDING")]),
      _index("trades", [("orgId", "ASCENDING"), ("status", "ASCENDING")]),
      _index("offers", [("tradeId", "ASCENDING"), ("matchScore.total", "DESCENDING")])]
_DESK = ("status", "side", "commodityId")
LOT_INDEXES += [_index("trades", [("orgId", "ASCENDING")] + [(f, "ASCENDING") for f in fields]
                       + [("createdAt", "DESCENDING")])
                for size in range(len(_DESK) + 1) for fields in combinations(_DESK, size)]
