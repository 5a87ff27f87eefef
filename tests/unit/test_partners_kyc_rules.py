from datetime import date, timedelta

from functions.partners.kyc_rules import (
    DUE_SOON,
    OVERDUE,
    add_months,
    days_overdue,
    due_date_after,
    milestones_reached,
    plan_reminders,
)

DUE = date(2026, 6, 30)


def test_due_twelve_months_after_verification_clamped_to_month_end():
    assert due_date_after(date(2025, 6, 30)) == date(2026, 6, 30)
    assert due_date_after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)


def test_reminders_fire_30_15_7_and_1_days_before_then_weekly():
    fired = {}
    handled: set[str] = set()
    day = DUE - timedelta(days=40)
    while day <= DUE + timedelta(days=22):
        plan = plan_reminders(DUE, day, handled)
        if plan.send:
            fired[(day - DUE).days] = (plan.send.event_type, plan.send.days_until_due)
        handled |= set(plan.mark_handled)
        day += timedelta(days=1)
    assert fired == {
        -30: (DUE_SOON, 30), -15: (DUE_SOON, 15), -7: (DUE_SOON, 7), -1: (DUE_SOON, 1),
        1: (OVERDUE, -1), 8: (OVERDUE, -8), 15: (OVERDUE, -15), 22: (OVERDUE, -22),
    }


def test_running_twice_the_same_day_sends_nothing_the_second_time():
    today = DUE - timedelta(days=15)
    first = plan_reminders(DUE, today, set())
    assert first.send is not None and first.send.id == f"{DUE}:before-15"
    second = plan_reminders(DUE, today, set(first.mark_handled))
    assert second.send is None and second.mark_handled == ()


def test_a_missed_day_is_caught_up_once_with_the_latest_milestone():
    # the job did not run on D-30 (nor since): on D-29 the 30-day reminder still goes out
    plan = plan_reminders(DUE, DUE - timedelta(days=29), set())
    assert plan.send.id == f"{DUE}:before-30"
    # down from D-30 to D-6: only the 7-day reminder, the 30 and 15 are marked superseded
    plan = plan_reminders(DUE, DUE - timedelta(days=6), set())
    assert plan.send.id == f"{DUE}:before-7"
    assert set(plan.mark_handled) == {f"{DUE}:before-30", f"{DUE}:before-15", f"{DUE}:before-7"}
    again = plan_reminders(DUE, DUE - timedelta(days=5), set(plan.mark_handled))
    assert again.send is None


def test_overdue_milestones_count_weeks_and_days():
    reached = milestones_reached(DUE, DUE + timedelta(days=31))
    overdue = [m for m in reached if m.event_type == OVERDUE]
    assert [m.days_overdue for m in overdue] == [1, 8, 15, 22, 29]
    assert days_overdue(DUE, DUE + timedelta(days=31)) == 31
    assert days_overdue(DUE, DUE) == 0
    assert days_overdue(None, DUE) == 0


def test_no_due_date_no_reminders():
    assert plan_reminders(None, DUE, set()).send is None
    assert plan_reminders(DUE, DUE - timedelta(days=31), set()).send is None
