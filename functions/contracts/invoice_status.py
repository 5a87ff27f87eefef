"""An invoice's status from what is owed on it (DOMAIN.md "Contracts and settlement"): pure, no I/O.

UNPAID → PARTIALLY_PAID → PAID; OVERDUE once the due date has passed with a balance; CANCELLED (with
a reason, only before any payment). Every change of paid, total or balance (a payment, a credit or
debit note, the daily overdue job) asks `next_status`, which goes through the INVOICE machine:

- nothing owed (balance 0) → PAID;
- past the due date with a balance → OVERDUE: a part payment on an overdue invoice leaves it OVERDUE
  (its balance is still late; ERPNext's rule too), otherwise the next job run would flip it back;
- else PARTIALLY_PAID when something is paid, UNPAID when nothing is.

A debit note on a PAID invoice raises its balance, so it reopens: PAID → PARTIALLY_PAID (or OVERDUE
past its due date, UNPAID when nothing was paid because a credit note had settled it). CANCELLED is
the only final state.
"""
from __future__ import annotations

from datetime import date

from shared.statemachine import StateMachine

UNPAID, PARTIALLY_PAID, PAID, OVERDUE, CANCELLED = "UNPAID", "PARTIALLY_PAID", "PAID", "OVERDUE", "CANCELLED"
OPEN = frozenset({UNPAID, PARTIALLY_PAID, OVERDUE})        # a balance is owed: payable, ages, can turn overdue

INVOICE = StateMachine(
    "invoice",
    {
        UNPAID: {PARTIALLY_PAID, PAID, OVERDUE, CANCELLED},
        PARTIALLY_PAID: {PAID, OVERDUE},
        OVERDUE: {PARTIALLY_PAID, PAID},
        PAID: {PARTIALLY_PAID, OVERDUE, UNPAID},
    },
    needs_reason=frozenset({("*", CANCELLED)}),
    final=frozenset({CANCELLED}),
)


def target_status(total_paise: int, paid_paise: int, due: date | None, today: date) -> str:
    """What the invoice should be, from its amounts and due date alone."""
    if paid_paise >= total_paise:
        return PAID
    if due is not None and due < today:
        return OVERDUE
    return PARTIALLY_PAID if paid_paise > 0 else UNPAID


def next_status(current: str, total_paise: int, paid_paise: int, due: str | date | None, today: date) -> str:
    """The status after a change of amounts: `current` when it stays, else a move the machine allows
    (409 INVALID_TRANSITION otherwise, e.g. on a CANCELLED invoice)."""
    due_day = date.fromisoformat(due) if isinstance(due, str) and due else None if isinstance(due, str) else due
    target = target_status(total_paise, paid_paise, due_day, today)
    return current if target == current else INVOICE.ensure(current, target)
