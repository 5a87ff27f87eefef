"""An invoice's status from its amounts and due date, through the invoice state machine."""
from __future__ import annotations

from datetime import date

import pytest

from functions.contracts.invoice_status import INVOICE, next_status, target_status
from shared.errors import Conflict

TODAY = date(2026, 12, 2)
PAST, FUTURE = "2026-12-01", "2026-12-02"   # the due date itself is not yet overdue


def test_status_follows_paid_total_and_due_date() -> None:
    assert next_status("UNPAID", 100, 0, FUTURE, TODAY) == "UNPAID"
    assert next_status("UNPAID", 100, 1, FUTURE, TODAY) == "PARTIALLY_PAID"
    assert next_status("UNPAID", 100, 100, FUTURE, TODAY) == "PAID"
    assert next_status("UNPAID", 100, 0, PAST, TODAY) == "OVERDUE"
    assert next_status("PARTIALLY_PAID", 100, 50, PAST, TODAY) == "OVERDUE"
    assert target_status(100, 0, None, TODAY) == "UNPAID"


def test_payments_on_an_overdue_invoice() -> None:
    # a part payment leaves the still-late balance OVERDUE; settling it makes it PAID
    assert next_status("OVERDUE", 100, 50, PAST, TODAY) == "OVERDUE"
    assert next_status("OVERDUE", 100, 100, PAST, TODAY) == "PAID"
    assert next_status("OVERDUE", 100, 50, FUTURE, TODAY) == "PARTIALLY_PAID"


def test_a_debit_note_reopens_a_paid_invoice_through_the_machine() -> None:
    assert next_status("PAID", 120, 100, FUTURE, TODAY) == "PARTIALLY_PAID"
    assert next_status("PAID", 120, 100, PAST, TODAY) == "OVERDUE"
    assert next_status("PAID", 20, 0, FUTURE, TODAY) == "UNPAID"   # a credit note had settled it


def test_a_cancelled_invoice_moves_nowhere() -> None:
    with pytest.raises(Conflict) as caught:
        next_status("CANCELLED", 100, 0, FUTURE, TODAY)
    assert caught.value.code == "INVALID_TRANSITION"
    assert INVOICE.allowed("PAID") == {"PARTIALLY_PAID", "OVERDUE", "UNPAID"}
    assert not INVOICE.can("PARTIALLY_PAID", "CANCELLED")
