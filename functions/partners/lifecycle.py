"""The partner status machine (DOMAIN.md "Business partners"): pure, no I/O.

DRAFT → SUBMITTED → UNDER_REVIEW → (CHANGES_REQUESTED → SUBMITTED) → ACTIVE or REJECTED;
ACTIVE → SUSPENDED → ACTIVE; any status except BLACKLISTED → BLACKLISTED (with a reason).
"""
from __future__ import annotations

from datetime import date

from shared.errors import Conflict, Unprocessable
from shared.partners_guard import KYC_SUSPENSION_DAYS, refusal  # noqa: F401 - the KYC job reads it here

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

_ALLOWED: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SUBMITTED}),
    SUBMITTED: frozenset({UNDER_REVIEW}),
    UNDER_REVIEW: frozenset({CHANGES_REQUESTED, ACTIVE, REJECTED}),
    CHANGES_REQUESTED: frozenset({SUBMITTED}),
    ACTIVE: frozenset({SUSPENDED}),
    SUSPENDED: frozenset({ACTIVE}),
    REJECTED: frozenset(),
    BLACKLISTED: frozenset(),
}
# Transitions that must carry a human reason.
_REASON_REQUIRED = frozenset({(UNDER_REVIEW, REJECTED), (ACTIVE, SUSPENDED), (SUSPENDED, ACTIVE)})


def allowed_targets(status: str) -> frozenset[str]:
    targets = set(_ALLOWED.get(status, frozenset()))
    if status in _ALLOWED and status != BLACKLISTED:
        targets.add(BLACKLISTED)
    return frozenset(targets)


def can_transition(current: str, target: str) -> bool:
    return target in allowed_targets(current)


def transition(current: str, target: str, reason: str | None = None) -> str:
    """The new status, or 409 INVALID_TRANSITION / 422 REASON_REQUIRED."""
    if not can_transition(current, target):
        raise Conflict("INVALID_TRANSITION", f"A partner cannot go from {current} to {target}",
                       {"from": current, "to": target, "allowed": sorted(allowed_targets(current))})
    needs_reason = target == BLACKLISTED or (current, target) in _REASON_REQUIRED
    if needs_reason and not (reason or "").strip():
        raise Unprocessable("REASON_REQUIRED", f"Moving a partner to {target} needs a reason",
                            {"fields": [{"field": "reason", "message": "A reason is required", "rule": "required"}]})
    return target


def path(current: str, target: str) -> list[str]:
    """The statuses to pass through from `current` to `target` where a decision skips a step.

    A reviewer may decide on a SUBMITTED application directly: that is SUBMITTED → UNDER_REVIEW →
    decision, each step checked by the machine.
    """
    if current == SUBMITTED and target in (ACTIVE, REJECTED, CHANGES_REQUESTED):
        return [UNDER_REVIEW, target]
    return [target]


def trade_refusal(status: str, kyc_due: date | None, today: date) -> str | None:
    """Why a partner may not trade (a code), or None: only ACTIVE partners whose KYC is less than
    KYC_SUSPENSION_DAYS past due (the rule shared/partners_guard.py enforces for every group)."""
    return refusal(status, kyc_due, today)


def can_trade(status: str, kyc_due: date | None, today: date) -> bool:
    return trade_refusal(status, kyc_due, today) is None
