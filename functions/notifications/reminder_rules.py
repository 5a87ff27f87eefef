"""When reminders are due: password expiry milestones and session-end warnings. Pure, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shared.auth.guard import session_limits
from shared.clock import INDIA

PASSWORD_MAX_AGE = timedelta(days=90)
PASSWORD_MILESTONES = (14, 7, 1)          # days before expiry
MAX_MILESTONE = 30                        # the furthest reminder an organization's policy may ask for
SESSION_WARNING = timedelta(minutes=5)    # how long before a session's end the warning goes out


@dataclass(frozen=True)
class ExpiryPolicy:
    """The parts of an organization's password policy (`settings/{orgId}.passwordPolicy`) reminders need."""
    nist_mode: bool = False
    milestones: tuple[int, ...] = PASSWORD_MILESTONES

    @classmethod
    def from_settings(cls, raw: dict[str, Any] | None) -> ExpiryPolicy:
        raw = raw if isinstance(raw, dict) else {}
        days = raw.get("expiryReminderDays") or raw.get("reminderDays")
        try:
            wanted = {int(day) for day in days or ()}
            milestones = tuple(sorted((day for day in wanted if 0 < day <= MAX_MILESTONE), reverse=True))
        except (TypeError, ValueError):
            milestones = ()
        return cls(nist_mode=bool(raw.get("nistMode")), milestones=milestones or PASSWORD_MILESTONES)


def password_expires_at(user: dict[str, Any], policy: ExpiryPolicy) -> datetime | None:
    """When the user's password expires (None: never). Under the NIST policy passwords do not expire;
    otherwise identity's `passwordExpiresAt` wins, else 90 days after `passwordChangedAt`."""
    if policy.nist_mode or user.get("mustChangePassword"):
        return None
    if "passwordExpiresAt" in user:
        return user["passwordExpiresAt"]
    changed = user.get("passwordChangedAt")
    return changed + PASSWORD_MAX_AGE if isinstance(changed, datetime) else None


def password_milestone(expires_at: datetime, today: date, milestones: tuple[int, ...] = PASSWORD_MILESTONES
                       ) -> tuple[int, int] | None:
    """(milestone, days left) of the latest milestone reached by `today`, or None (none yet, or expired).

    When the daily job missed days only the latest milestone is reported: a "14 days left" message sent
    6 days before expiry would be wrong.
    """
    days_left = (expires_at.astimezone(INDIA).date() - today).days
    if days_left < 0:
        return None
    reached = [milestone for milestone in milestones if days_left <= milestone]
    if not reached:
        return None
    return min(reached), days_left


def session_warnings(session: dict[str, Any], now: datetime) -> list[tuple[str, datetime]]:
    """[(reason, end)] for a session whose idle or absolute end is less than 5 minutes away."""
    if session.get("revokedAt") is not None:
        return []
    created, active = session.get("createdAt"), session.get("lastActivityAt")
    if not isinstance(created, datetime) or not isinstance(active, datetime):
        return []
    idle, absolute = session_limits(session)          # the organization's sessionPolicy, as started
    absolute_end = created + absolute
    idle_end = active + idle
    warnings = []
    if absolute_end - SESSION_WARNING <= now < absolute_end:
        warnings.append(("absolute", absolute_end))
    # When the absolute end comes first, the idle end never arrives: one warning is enough.
    if idle_end - SESSION_WARNING <= now < idle_end and idle_end < absolute_end:
        warnings.append(("idle", idle_end))
    return warnings
