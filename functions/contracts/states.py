"""The sales contract's lifecycle (DOMAIN.md "Contracts and settlement"): pure, no I/O.

DRAFT → PENDING_APPROVAL → ACTIVE → COMPLETED; DRAFT or PENDING_APPROVAL or ACTIVE → CANCELLED (with a
reason); ACTIVE or COMPLETED → DISPUTED while a dispute is open, and back to the state it had before
(`statusBeforeDispute`); a contract still open at year end → CARRIED_FORWARD (and on to ACTIVE in the
next year). A submitted contract sent back for changes returns to DRAFT.
"""
from __future__ import annotations

from shared.statemachine import StateMachine

DRAFT, PENDING_APPROVAL, ACTIVE, COMPLETED = "DRAFT", "PENDING_APPROVAL", "ACTIVE", "COMPLETED"
CANCELLED, DISPUTED, CARRIED_FORWARD = "CANCELLED", "DISPUTED", "CARRIED_FORWARD"
STATUSES = (DRAFT, PENDING_APPROVAL, ACTIVE, COMPLETED, CANCELLED, DISPUTED, CARRIED_FORWARD)

CONTRACT = StateMachine(
    "contract",
    {
        DRAFT: {PENDING_APPROVAL, CANCELLED},
        PENDING_APPROVAL: {ACTIVE, DRAFT, CANCELLED},
        ACTIVE: {COMPLETED, CANCELLED, DISPUTED, CARRIED_FORWARD},
        COMPLETED: {DISPUTED},
        DISPUTED: {ACTIVE, COMPLETED, CARRIED_FORWARD},
        CARRIED_FORWARD: {ACTIVE, DISPUTED, COMPLETED},
    },
    needs_reason=frozenset({("*", CANCELLED)}),
    final=frozenset({CANCELLED}),
)

# Amendments change a contract in force: an ACTIVE one (or one carried into the next year).
AMENDABLE = frozenset({ACTIVE, CARRIED_FORWARD})
