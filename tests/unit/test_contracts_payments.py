"""Pure rules of payments: bank references per mode, amounts, allocations, invoice status."""
from __future__ import annotations

import pytest

from functions.contracts.payments import (
    Allocation,
    check_allocations,
    check_amount,
    normalize_reference,
)
from shared.errors import Conflict, NotFound, Unprocessable
from shared.money import Money

INVOICE = {"orgId": "o1", "buyerPartnerId": "b1", "status": "UNPAID", "totalPaise": 10_000, "paidPaise": 0,
           "balancePaise": 10_000}


@pytest.mark.parametrize(("mode", "reference", "expected"), [
    ("RTGS", "hdfcr52026120200000001", "HDFCR52026120200000001"),
    ("NEFT", "N336 2612 0200 0001", "N336261202000001"),
    ("IMPS", "633612345678", "633612345678"),
    ("UPI", "633612345679", "633612345679"),
    ("CHEQUE", "004512", "004512"),
])
def test_references_are_normalized(mode: str, reference: str, expected: str) -> None:
    assert normalize_reference(mode, reference) == expected


@pytest.mark.parametrize(("mode", "reference"), [
    ("RTGS", "HDFCR5202612020000000"),     # 21 characters
    ("NEFT", "N3362612020000011"),         # 17
    ("IMPS", "63361234567A"),              # a letter
    ("UPI", "6336123456"),                 # 10 digits
    ("CHEQUE", "45"),
])
def test_wrong_references_are_422(mode: str, reference: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        normalize_reference(mode, reference)
    assert caught.value.code == "INVALID_BANK_REFERENCE"


def test_unknown_mode_is_422() -> None:
    with pytest.raises(Unprocessable) as caught:
        normalize_reference("BITCOIN", "1")
    assert caught.value.code == "INVALID_PAYMENT_MODE"


def test_rtgs_needs_two_lakh() -> None:
    with pytest.raises(Unprocessable) as caught:
        check_amount("RTGS", Money.of("199999.99"))
    assert caught.value.code == "RTGS_BELOW_MINIMUM"
    check_amount("RTGS", Money.of("200000"))
    check_amount("NEFT", Money.of("0.01"))
    with pytest.raises(Unprocessable):
        check_amount("NEFT", Money.of("0"))


def test_allocation_at_most_the_balance() -> None:
    check_allocations([Allocation("i1", Money.from_paise(10_000))], {"i1": INVOICE}, Money.from_paise(10_000),
                      "o1", "b1")
    with pytest.raises(Conflict) as caught:
        check_allocations([Allocation("i1", Money.from_paise(10_001))], {"i1": INVOICE},
                          Money.from_paise(20_000), "o1", "b1")
    assert caught.value.code == "ALLOCATION_EXCEEDS_BALANCE"


def test_allocations_at_most_the_payment() -> None:
    second = {**INVOICE}
    with pytest.raises(Conflict) as caught:
        check_allocations([Allocation("i1", Money.from_paise(6_000)), Allocation("i2", Money.from_paise(6_000))],
                          {"i1": INVOICE, "i2": second}, Money.from_paise(11_999), "o1", "b1")
    assert caught.value.code == "ALLOCATION_EXCEEDS_PAYMENT"


def test_negative_or_zero_allocation_is_422() -> None:
    for paise in (0, -1):
        with pytest.raises(Unprocessable):
            check_allocations([Allocation("i1", Money.from_paise(paise))], {"i1": INVOICE},
                              Money.from_paise(10_000), "o1", "b1")


def test_another_buyers_invoice_is_404() -> None:
    with pytest.raises(NotFound):
        check_allocations([Allocation("i1", Money.from_paise(1))], {"i1": INVOICE}, Money.from_paise(10), "o1", "b2")
    with pytest.raises(NotFound):
        check_allocations([Allocation("i1", Money.from_paise(1))], {"i1": None}, Money.from_paise(10), "o1", "b1")


def test_cancelled_invoice_takes_no_payment() -> None:
    with pytest.raises(Conflict) as caught:
        check_allocations([Allocation("i1", Money.from_paise(1))], {"i1": {**INVOICE, "status": "CANCELLED"}},
                          Money.from_paise(10), "o1", "b1")
    assert caught.value.code == "INVOICE_NOT_PAYABLE"
