"""The composite indexes the trade desk's queries need (declared in infra/terraform/firestore_indexes.json;
tests/unit/test_firestore_indexes.py fails when one is missing there).

- the live offers of a request (acceptance rejecting the rest, request expiry): tradeId == and status in;
- the expiry sweep: live offers / open requests by status with validUntil passed.
"""
from __future__ import annotations

from typing import Any

from functions.tradedesk.lot_indexes import LOT_INDEXES
from shared.indexes import composite as _index

INDEXES: list[dict[str, Any]] = [
    _index("offers", [("tradeId", "ASCENDING"), ("status", "ASCENDING")]),
    _index("offers", [("status", "ASCENDING"), ("validUntil", "ASCENDING")]),
    _index("trades", [("status", "ASCENDING"), ("validUntil", "ASCENDING")]),
]
INDEXES += LOT_INDEXES
