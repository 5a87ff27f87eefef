"""The trade desk's state tables (DOMAIN.md "Trade desk"): pure data.

Expiry touches only open states: EXPIRED is reachable only from POSTED/NEGOTIATING/PARTIALLY_FILLED
requests and PENDING/COUNTERED offers, never from a closed one; closed states have no way out. The
tables are written in the shape of the kernel's agreed `shared.statemachine.StateMachine(name,
transitions, final=...)`, which wraps them once it is on main (`machine(...)` below).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.statemachine import StateMachine

# trade requests
DRAFT, POSTED, NEGOTIATING, PARTIALLY_FILLED, AGREED, CANCELLED, EXPIRED = (
    "DRAFT", "POSTED", "NEGOTIATING", "PARTIALLY_FILLED", "AGREED", "CANCELLED", "EXPIRED")
TRADE_OPEN = frozenset({POSTED, NEGOTIATING, PARTIALLY_FILLED})        # offers may be made, expiry applies
TRADE_FINAL = frozenset({AGREED, CANCELLED, EXPIRED})
TRADE_TRANSITIONS: Mapping[str, frozenset[str]] = {
    DRAFT: frozenset({POSTED, CANCELLED}),
    POSTED: frozenset({NEGOTIATING, PARTIALLY_FILLED, AGREED, CANCELLED, EXPIRED}),
    NEGOTIATING: frozenset({PARTIALLY_FILLED, AGREED, CANCELLED, EXPIRED}),
    PARTIALLY_FILLED: frozenset({AGREED, CANCELLED, EXPIRED}),
}

# offers (a counter keeps the offer COUNTERED: COUNTERED -> COUNTERED is a new version, not a new state)
PENDING, COUNTERED, ACCEPTED, REJECTED, WITHDRAWN = "PENDING", "COUNTERED", "ACCEPTED", "REJECTED", "WITHDRAWN"
OFFER_LIVE = frozenset({PENDING, COUNTERED})
OFFER_FINAL = frozenset({ACCEPTED, REJECTED, WITHDRAWN, EXPIRED})
OFFER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    PENDING: frozenset({COUNTERED, ACCEPTED, REJECTED, WITHDRAWN, EXPIRED}),
    COUNTERED: frozenset({COUNTERED, ACCEPTED, REJECTED, WITHDRAWN, EXPIRED}),
}

# tested lots: RESERVED while an accepted offer holds all that is left, back to AVAILABLE if released
AVAILABLE, RESERVED, SOLD = "AVAILABLE", "RESERVED", "SOLD"
LOT_FINAL = frozenset({SOLD, EXPIRED})
LOT_TRANSITIONS: Mapping[str, frozenset[str]] = {
    AVAILABLE: frozenset({RESERVED, SOLD, EXPIRED}),
    RESERVED: frozenset({AVAILABLE, SOLD}),
}

TABLES: dict[str, tuple[Mapping[str, frozenset[str]], frozenset[str]]] = {
    "trade request": (TRADE_TRANSITIONS, TRADE_FINAL),
    "offer": (OFFER_TRANSITIONS, OFFER_FINAL),
    "tested lot": (LOT_TRANSITIONS, LOT_FINAL),
}


def allowed(name: str, current: str) -> frozenset[str]:
    """The states `current` may move to in table `name` (none from a final or unknown state)."""
    transitions, _final = TABLES[name]
    return transitions.get(current, frozenset())


def machine(name: str) -> Any:
    """The kernel's StateMachine over table `name` (imported on use: the kernel module lands separately)."""
    transitions, final = TABLES[name]
    return StateMachine(name, transitions, final=final)
