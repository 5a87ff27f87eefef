"""A dispute's lifecycle and what it does to its contract (DOMAIN.md "Contracts and settlement"): pure, no I/O.

OPEN → UNDER_REVIEW (assigned to a dispute manager) → RESOLVED (with a resolution and maybe an amount
adjustment); OPEN or UNDER_REVIEW → CLOSED (no action, by the back office, with a reason); OPEN or
UNDER_REVIEW → WITHDRAWN (by the party that raised it, or the back office on its behalf; a reason is
optional). RESOLVED, CLOSED and WITHDRAWN are final. Assigning an UNDER_REVIEW dispute again hands it to
another manager and keeps its status.

What an ended dispute still takes (`ensure_accepts`): nothing once CLOSED or WITHDRAWN, the record is
frozen; once RESOLVED, only the back office's INTERNAL comments (follow-up of the note issued, an
arbitration reference: notes the parties never see and that change nothing agreed), while SHARED comments
and evidence are refused. Every refusal is 409 DISPUTE_CLOSED naming the status.

The contract shows DISPUTED while any of its disputes is open: the first open dispute moves an ACTIVE,
COMPLETED or CARRIED_FORWARD contract to DISPUTED and records `statusBeforeDispute`; further ones leave
both alone. When the last open dispute is resolved or closed, the contract returns to
`statusBeforeDispute`. The contract keeps the ids of its open disputes (`openDisputeIds`), read and
written in each dispute's transaction, so two disputes ending at once cannot both believe the other is
still open.
"""
from __future__ import annotations

from dataclasses import dataclass

from functions.contracts import states
from shared.errors import Conflict
from shared.statemachine import StateMachine

OPEN, UNDER_REVIEW, RESOLVED, CLOSED, WITHDRAWN = "OPEN", "UNDER_REVIEW", "RESOLVED", "CLOSED", "WITHDRAWN"
STATUSES = (OPEN, UNDER_REVIEW, RESOLVED, CLOSED, WITHDRAWN)
OPEN_STATUSES = frozenset({OPEN, UNDER_REVIEW})

QUALITY, QUANTITY, PAYMENT, DELIVERY = "QUALITY", "QUANTITY", "PAYMENT", "DELIVERY"
TYPES = (QUALITY, QUANTITY, PAYMENT, DELIVERY)

INTERNAL, SHARED = "INTERNAL", "SHARED"

DISPUTE = StateMachine(
    "dispute",
    {
        OPEN: {UNDER_REVIEW, CLOSED, WITHDRAWN},
        UNDER_REVIEW: {RESOLVED, CLOSED, WITHDRAWN},
    },
    needs_reason=frozenset({("*", CLOSED), ("*", RESOLVED)}),
    final=frozenset({RESOLVED, CLOSED, WITHDRAWN}),
)

# A contract that is in force (or done) can be disputed; a draft, a pending or a cancelled one cannot.
DISPUTABLE = frozenset({states.ACTIVE, states.COMPLETED, states.CARRIED_FORWARD, states.DISPUTED})


def ensure_accepts(status: str, what: str, internal: bool = False) -> None:
    """409 DISPUTE_CLOSED unless a dispute in `status` still takes `what` ("comments" or "evidence"): an open
    one takes everything; a RESOLVED one only INTERNAL comments (`internal`); a CLOSED or WITHDRAWN one
    nothing."""
    if status in OPEN_STATUSES or (status == RESOLVED and internal):
        return
    if status == RESOLVED:
        message = f"This dispute is {status}: it takes no more {what} (only the back office's internal comments)"
    else:
        message = f"This dispute is {status}: it takes no more {what}"
    raise Conflict("DISPUTE_CLOSED", message, {"status": status})


def after_assign(status: str) -> str:
    """The dispute's status once assigned: OPEN → UNDER_REVIEW; an UNDER_REVIEW one stays (reassigned);
    409 INVALID_TRANSITION from RESOLVED or CLOSED."""
    if status == UNDER_REVIEW:
        return UNDER_REVIEW
    return DISPUTE.ensure(status, UNDER_REVIEW)


@dataclass(frozen=True)
class ContractChange:
    """What a dispute does to its contract: the contract's new status, its statusBeforeDispute and its
    open disputes' ids (status None: the contract's status does not change)."""

    status: str | None
    status_before_dispute: str | None
    open_dispute_ids: tuple[str, ...]


def on_raise(contract_status: str, status_before: str | None, open_ids: tuple[str, ...] | list[str],
             dispute_id: str) -> ContractChange:
    """A new open dispute: the contract becomes DISPUTED (the first one records the status it had);
    409 CONTRACT_NOT_DISPUTABLE for a draft, pending or cancelled contract."""
    if contract_status not in DISPUTABLE:
        raise Conflict("CONTRACT_NOT_DISPUTABLE", f"A {contract_status} contract cannot be disputed",
                       {"status": contract_status, "allowed": sorted(DISPUTABLE)})
    ids = (*[i for i in open_ids if i != dispute_id], dispute_id)
    if contract_status == states.DISPUTED:
        return ContractChange(None, status_before, ids)
    return ContractChange(states.CONTRACT.ensure(contract_status, states.DISPUTED), contract_status, ids)


def on_settle(contract_status: str, status_before: str | None, open_ids: tuple[str, ...] | list[str],
              dispute_id: str) -> ContractChange:
    """A dispute resolved, closed or withdrawn: with no other open dispute, a DISPUTED contract returns to the status
    it had before (ACTIVE when that was never recorded); otherwise it stays DISPUTED."""
    ids = tuple(i for i in open_ids if i != dispute_id)
    if ids or contract_status != states.DISPUTED:
        return ContractChange(None, status_before, ids)
    back = status_before if status_before and states.CONTRACT.can(states.DISPUTED, status_before) else states.ACTIVE
    return ContractChange(back, None, ids)
