"""shared/numbering.py: typed counter scopes and the number formats (the counter itself: integration)."""
from __future__ import annotations

import pytest

from shared.numbering import (
    DOCUMENT_NUMBER,
    CounterScope,
    brokerage_invoice_number,
    contract_number,
    credit_note_number,
    debit_note_number,
    fy_short,
    invoice_number,
    partner_code,
    trade_number,
)


def test_counter_scope_names_one_counter_per_org_year_and_series():
    scope = CounterScope("org-1", "2025-26", "SC")
    assert scope.key == "org-1:2025-26:SC"
    same = CounterScope("org-1", "2025-26", "SC")
    assert scope == same and hash(scope) == hash(same)
    assert CounterScope("org-1", "2026-27", "SC").key != scope.key
    with pytest.raises(AttributeError):
        scope.series = "INV"  # type: ignore[misc]
    for bad in (("org/1", "2025-26", "SC"), ("org-1", "", "SC"), ("org-1", "2025-26", "S:C"), ("o", "f", 3)):
        with pytest.raises(ValueError):
            CounterScope(*bad)


def test_number_formats():
    assert fy_short("2025-26") == "2526"
    assert contract_number("2025-26", 42) == "SC/25-26/00042"
    assert invoice_number("2025-26", 42) == "INV/2526/00042"
    assert trade_number("2025-26", 123) == "TR-25-26-000123"
    assert credit_note_number("2025-26", 7) == "CN/2526/00007"
    assert debit_note_number("2025-26", 7) == "DN/2526/00007"
    assert brokerage_invoice_number("2025-26", 7) == "BRK/2526/00007"
    assert partner_code(123) == "BP-000123"


@pytest.mark.parametrize("make", [contract_number, invoice_number, trade_number, credit_note_number,
                                  debit_note_number, brokerage_invoice_number])
def test_every_document_number_fits_the_e_invoice_pattern_up_to_large_counts(make):
    for n in (1, 99_999, 999_999):
        number = make("2025-26", n)
        assert len(number) <= 16 and DOCUMENT_NUMBER.match(number), number


def test_a_number_too_long_for_gst_is_refused_not_truncated():
    with pytest.raises(ValueError):
        invoice_number("2025-26", 10**9)
    with pytest.raises(ValueError):
        brokerage_invoice_number("2025-26", 10**8)
