"""KYC dates and reminder milestones: pure computations, no I/O.

A KYC verification is due again 12 months later. Reminders go out at 30, 15, 7 and 1 days before the
due date and once a week while overdue (the first the day after the due date). Each milestone is sent
at most once: the partner keeps the ids of the milestones already handled. When the daily job missed
days, only the most recent milestone reached is sent; the older ones it passed are marked handled
without a message (a "due in 30 days" mail sent 10 days before the due date would be wrong).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

KYC_VALIDITY_MONTHS = 12
REMINDER_DAYS_BEFORE = (30, 15, 7, 1)
OVERDUE_EVERY_DAYS = 7
DUE_SOON, OVERDUE = "KycDueSoon", "KycOverdue"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (29 Feb → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date_after(verified_on: date) -> date:
    return add_months(verified_on, KYC_VALIDITY_MONTHS)


@dataclass(frozen=True)
class Milestone:
    id: str              # stable per due date: "2026-05-01:before-30", "2026-05-01:overdue-3"
    event_type: str      # KycDueSoon or KycOverdue
    fires_on: date
    days_until_due: int  # negative once overdue

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_until_due)


def milestones_reached(due: date, today: date) -> list[Milestone]:
    """Every milestone of `due` whose date is on or before `today`, oldest first."""
    reached: list[Milestone] = []
    for days in REMINDER_DAYS_BEFORE:
        fires = due - timedelta(days=days)
        if fires <= today:
            reached.append(Milestone(f"{due.isoformat()}:before-{days}", DUE_SOON, fires, days))
    if today > due:
        weeks = (today - due - timedelta(days=1)).days // OVERDUE_EVERY_DAYS
        for week in range(weeks + 1):
            fires = due + timedelta(days=1 + week * OVERDUE_EVERY_DAYS)
            reached.append(Milestone(f"{due.isoformat()}:overdue-{week + 1}", OVERDUE, fires,
                                     -(fires - due).days))
    return sorted(reached, key=lambda m: m.fires_on)


@dataclass(frozen=True)
class ReminderPlan:
    send: Milestone | None          # the one reminder to send now, if any
    mark_handled: tuple[str, ...]   # milestone ids to record (the sent one and those it supersedes)


def plan_reminders(due: date | None, today: date, handled: set[str] | frozenset[str] | list[str]) -> ReminderPlan:
    """What the daily job does for one partner today, given the milestone ids already handled."""
    if due is None:
        return ReminderPlan(None, ())
    done = set(handled)
    pending = [m for m in milestones_reached(due, today) if m.id not in done]
    if not pending:
        return ReminderPlan(None, ())
    return ReminderPlan(pending[-1], tuple(m.id for m in pending))


def days_overdue(due: date | None, today: date) -> int:
    if due is None:
        return 0
    return max(0, (today - due).days)
