"""Payments against invoices on the Firestore emulator: unique bank reference per mode, allocations
never above an invoice's balance, the invoice's status in the same transaction, under concurrency."""
from __future__ import annotations

from datetime import date

import pytest

from functions.contracts import payments
from functions.contracts.payments import Allocation
from shared.errors import ApiError
from shared.money import Money
from shared.uow import run_in_transaction
from tests.support.concurrency import run_together


def _invoice(invoice_id: str, total: str, buyer: str = "buyer-1", status: str = "UNPAID") -> None:
    from shared.db import collection

    paise = Money.of(total).paise
    collection("invoices").document(invoice_id).set({
        "orgId": "org-1", "buyerPartnerId": buyer, "status": status, "number": f"INV/2627/{invoice_id[-1]}",
        "totalPaise": paise, "paidPaise": 0, "balancePaise": paise, "dueDate": "2099-01-01", "version": 1})


def _read(name: str, doc_id: str) -> dict:
    from shared.db import collection

    return collection(name).document(doc_id).get().to_dict() or {}


def _pay(amount: str, reference: str, allocations: list[tuple[str, str]], mode: str = "NEFT") -> str:
    def work(uow):
        payment_id, _ = payments.record(
            uow, org_id="org-1", buyer_partner_id="buyer-1", amount=Money.of(amount), payment_day=date(2026, 12, 2),
            mode=mode, reference=reference, allocations=[Allocation(i, Money.of(a)) for i, a in allocations],
            actor_id="accounts-1")
        return payment_id

    return run_in_transaction(work, None)


def _attempt_all(calls: list) -> list[str]:
    """Each call's "OK:<its answer>", or its error code."""
    return run_together([lambda call=call: "OK:" + call() for call in calls], timeout=120)


def test_two_payments_settle_an_invoice_and_the_remainder_stays_on_the_payment(clean_db):
    _invoice("inv-1", "100000.10")
    _invoice("inv-2", "500.00")
    _pay("40000.05", "N336261202000001", [("inv-1", "40000.05")])
    invoice = _read("invoices", "inv-1")
    assert (invoice["status"], invoice["paidPaise"], invoice["balancePaise"]) == (
        "PARTIALLY_PAID", 4_000_005, 6_000_005)
    second = _pay("61000.05", "N336261202000002", [("inv-1", "60000.05")])
    invoice = _read("invoices", "inv-1")
    assert (invoice["status"], invoice["balancePaise"]) == ("PAID", 0)
    payment = _read("payments", second)
    assert (payment["allocatedPaise"], payment["unallocatedPaise"]) == (6_000_005, 100_000)

    run_in_transaction(lambda uow: payments.allocate(uow, second, [Allocation("inv-2", Money.of("500"))],
                                                     "accounts-1", ("org-1",)), None)
    assert _read("invoices", "inv-2")["status"] == "PAID"
    assert _read("payments", second)["unallocatedPaise"] == 50_000


def test_a_payment_above_the_balance_changes_nothing(clean_db):
    _invoice("inv-1", "100.00")
    with pytest.raises(ApiError) as caught:
        _pay("200.00", "N336261202000003", [("inv-1", "100.01")])
    assert caught.value.code == "ALLOCATION_EXCEEDS_BALANCE"
    assert _read("invoices", "inv-1")["balancePaise"] == 10_000
    assert _read("paymentReferences", "NEFT:N336261202000003") == {}


def test_another_buyers_invoice_is_not_found(clean_db):
    _invoice("inv-1", "100.00", buyer="buyer-2")
    with pytest.raises(ApiError) as caught:
        _pay("100.00", "N336261202000004", [("inv-1", "100.00")])
    assert caught.value.code == "INVOICE_NOT_FOUND"


def test_concurrent_payments_on_one_invoice_never_exceed_its_balance(clean_db):
    _invoice("inv-1", "1000.00")
    outcomes = _attempt_all([
        (lambda n=n: _pay("600.00", f"63361234567{n}", [("inv-1", "600.00")], mode="UPI")) for n in range(2)])
    assert len(outcomes) == 2
    assert sum(o.startswith("OK:") for o in outcomes) == 1, outcomes
    assert outcomes.count("ALLOCATION_EXCEEDS_BALANCE") == 1
    invoice = _read("invoices", "inv-1")
    assert (invoice["paidPaise"], invoice["balancePaise"], invoice["status"]) == (60_000, 40_000, "PARTIALLY_PAID")


def test_concurrent_payments_with_one_utr_record_one(clean_db):
    outcomes = _attempt_all([(lambda: _pay("250000.00", "HDFCR52026120200000001", [], mode="RTGS"))
                             for _ in range(4)])
    assert len(outcomes) == 4
    assert sum(o.startswith("OK:") for o in outcomes) == 1, outcomes
    assert outcomes.count("DUPLICATE_BANK_REFERENCE") == 3
    # The same reference under another mode is another payment.
    assert _pay("250000.00", "HDFCR520261202", [], mode="CASH")
