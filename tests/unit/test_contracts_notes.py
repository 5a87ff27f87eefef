"""Credit note deadline and the GST split of a note (pure)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from functions.contracts.notes import credit_deadline, tax_split
from shared.money import Money


def test_credit_note_deadline_is_30_november_after_the_year() -> None:
    assert credit_deadline("2025-26") == date(2026, 11, 30)


def test_note_split_half_up_to_the_paisa() -> None:
    # 5% of 100.10 is 5.005: IGST 5.01; CGST and SGST 2.5025 each -> 2.50 each
    cgst, sgst, igst = tax_split(Money.of("100.10"), Decimal("5"), "INTER_STATE")
    assert (cgst.paise, sgst.paise, igst.paise) == (0, 0, 501)
    cgst, sgst, igst = tax_split(Money.of("100.30"), Decimal("5"), "INTRA_STATE")
    assert (cgst.paise, sgst.paise, igst.paise) == (251, 251, 0)
