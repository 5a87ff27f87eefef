"""The partner status machine (DOMAIN.md "Business partners") on shared/statemachine.py: pure, no I/O.

DRAFT → SUBMITTED → UNDER_REVIEW → (CHANGES_REQUESTED → SUBMITTED) → ACTIVE or REJECTED;
ACTIVE → SUSPENDED → ACTIVE; any status except BLACKLISTED → BLACKLISTED (with a reason).
"""
from __future__ import annotations

from shared.statemachine import ANY, StateMachine

DRAFT = "DRAFT"
SUBMITTED = "SUBMITTED"
UNDER_REVIEW = "UNDER_REVIEW"
CHANGES_REQUESTED = "CHANGES_REQUESTED"
ACTIVE = "ACTIVE"
REJECTED = "REJECTED"
SUSPENDED = "SUSPENDED"
BLACKLISTED = "BLACKLISTED"

STATUSES = (DRAFT, SUBMITTED, UNDER_REVIEW, CHANGES_REQUESTED, ACTIVE, REJECTED, SUSPENDED, BLACKLISTED)
KINDS = ("BUYER", "SELLER", "TRADER", "SUB_BROKER", "TRANSPORTER", "CONTROLLER")

# Statuses in which the applicant (or the back office) may still edit the application.
EDITABLE = frozenset({DRAFT, CHANGES_REQUESTED})
# Statuses of an application still waiting for a decision.
PENDING_REVIEW = frozenset({SUBMITTED, UNDER_REVIEW})
# Partners that exist as business counterparties (have a code, users, KYC).
ONBOARDED = frozenset({ACTIVE, SUSPENDED})

MACHINE = StateMachine(
    "partner",
    {
        DRAFT: {SUBMITTED},
        SUBMITTED: {UNDER_REVIEW},
        UNDER_REVIEW: {CHANGES_REQUESTED, ACTIVE, REJECTED},
        CHANGES_REQUESTED: {SUBMITTED},
        ACTIVE: {SUSPENDED},
        SUSPENDED: {ACTIVE},
        REJECTED: set(),
    },
    from_any={BLACKLISTED},
    final={BLACKLISTED},
    needs_reason={(UNDER_REVIEW, REJECTED), (ACTIVE, SUSPENDED), (SUSPENDED, ACTIVE), (ANY, BLACKLISTED)},
)


def allowed_targets(status: str) -> frozenset[str]:
    return MACHINE.allowed(status)


def can_transition(current: str, target: str) -> bool:
    return MACHINE.can(current, target)


def transition(current: str, target: str, reason: str | None = None) -> str:
    """The new status, or 409 INVALID_TRANSITION / 422 REASON_REQUIRED."""
    return MACHINE.ensure(current, target, reason)


def path(current: str, target: str) -> list[str]:
    """The statuses to pass through from `current` to `target` where a decision skips a step.

    A reviewer may decide on a SUBMITTED application directly: that is SUBMITTED → UNDER_REVIEW →
    decision, each step checked by the machine.
    """
    if current == SUBMITTED and target in (ACTIVE, REJECTED, CHANGES_REQUESTED):
        return [UNDER_REVIEW, target]
    return [target]


def with_maker(data: dict, user_id: str | None) -> list[str]:
    """The application's makers after `user_id` changed it: everyone who created, changed (profile, PAN,
    GSTINs, bank account, branches) or submitted it; none of them may approve it (maker-checker).
    Changes once the partner is onboarded go through change requests, which have their own makers."""
    makers = set(data.get("makers") or ())
    if user_id and data.get("status") not in ONBOARDED:
        makers.add(user_id)
    return sorted(makers)


def makers_of(data: dict) -> set[str]:
    """Who may not approve the application (partners created before `makers` was recorded included)."""
    return (set(data.get("makers") or ()) | {data.get("createdBy"), data.get("submittedBy")}) - {None}

