"""Transition tables for aggregates (partner, trade request, offer, contract, invoice...): pure, no I/O.

    OFFER = StateMachine("offer", {"PENDING": {"COUNTERED", "ACCEPTED", "REJECTED", "EXPIRED"}, ...},
                         needs_reason=frozenset({("*", "CANCELLED")}), from_any=frozenset({"CANCELLED"}),
                         final=frozenset({"ACCEPTED"}))
    status = OFFER.ensure(current, "ACCEPTED")          # 409 INVALID_TRANSITION naming the allowed targets

`from_any` targets can be reached from every state except themselves and the `final` states; a
`needs_reason` pair `(from, to)` (or `("*", to)`) makes that move refuse a blank reason with 422.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from shared.errors import Conflict, Unprocessable

ANY = "*"


class StateMachine:
    def __init__(self, name: str, transitions: Mapping[str, Iterable[str]], *,
                 needs_reason: Iterable[tuple[str, str]] = frozenset(), from_any: Iterable[str] = frozenset(),
                 final: Iterable[str] = frozenset()) -> None:
        self.name = name
        self._table: dict[str, frozenset[str]] = {state: frozenset(targets) for state, targets in transitions.items()}
        self.from_any = frozenset(from_any)
        self.final = frozenset(final)
        self.needs_reason = frozenset(needs_reason)
        states = set(self._table) | self.from_any | self.final
        for targets in self._table.values():
            states |= targets
        self.states = frozenset(states)
        for source, target in self.needs_reason:
            if (source != ANY and source not in self.states) or target not in self.states:
                raise ValueError(f"{name}: needs_reason names an unknown state in {(source, target)}")
        for state in self.final:
            if self._table.get(state):
                raise ValueError(f"{name}: final state {state} has transitions")

    def allowed(self, current: str) -> frozenset[str]:
        """Every state `current` may move to (none from an unknown or final state)."""
        if current not in self.states or current in self.final:
            return frozenset()
        return self._table.get(current, frozenset()) | (self.from_any - {current})

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed(current)

    def reason_required(self, current: str, target: str) -> bool:
        return (current, target) in self.needs_reason or (ANY, target) in self.needs_reason

    def ensure(self, current: str, target: str, reason: str | None = None) -> str:
        """`target` when the move is allowed; else 409 INVALID_TRANSITION (details.allowed, sorted) or,
        when it needs a reason and has none, 422 REASON_REQUIRED."""
        if not self.can(current, target):
            raise Conflict("INVALID_TRANSITION", f"A {self.name} cannot go from {current} to {target}",
                           {"from": current, "to": target, "allowed": sorted(self.allowed(current))})
        if self.reason_required(current, target) and not (reason or "").strip():
            raise Unprocessable("REASON_REQUIRED", f"Moving a {self.name} to {target} needs a reason",
                                {"fields": [{"field": "reason", "message": "A reason is required",
                                             "rule": "required"}]})
        return target

    def __repr__(self) -> str:
        return f"StateMachine({self.name!r}, {len(self.states)} states)"
