"""Payments through the HTTP API on the emulators: an invoice of an ACTIVE contract settled by two
payments, a duplicate UTR 409, an allocation above the balance 409, a partner sees only its own."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.contracts import (
    APPROVER,
    MANAGER,
    ORG,
    contract_body,
    partner_token,
    staff,
)

ACCOUNTS = frozenset({"invoices:read", "invoices:manage", "payments:manage", "contracts:read"})


@pytest.fixture
def invoice(api, contract_parties):
    maker, _ = staff(MANAGER)
    checker, _ = staff(APPROVER)
    contract = api.post("/api/contracts", json=contract_body(), token=maker).get_json()
    api.post(f"/api/contracts/{contract['id']}/submit", token=maker)
    assert api.post(f"/api/contracts/{contract['id']}/approve", token=checker).status_code == 200
    accounts, _ = staff(ACCOUNTS)
    issued = api.post("/api/invoices", json={"contractId": contract["id"], "quantity": {"value": 2, "unit": "BALE"}},
                      token=accounts)
    assert issued.status_code == 201, issued.get_json()
    return {"invoice": issued.get_json(), "token": accounts}


def _payment(amount: str, reference: str, allocations: list, mode: str = "NEFT") -> dict:
    return {"orgId": ORG, "buyerPartnerId": "buyer-1", "amount": float(amount), "paymentDate": "2026-12-02",
            "mode": mode, "reference": reference, "allocations": allocations}


def test_two_payments_settle_an_invoice(api, invoice):
    total = Decimal(str(invoice["invoice"]["total"]))
    first = (total / 3).quantize(Decimal("0.01"))
    rest = total - first
    token, invoice_id = invoice["token"], invoice["invoice"]["id"]
    one = api.post("/api/payments", json=_payment(str(first), "N336261202000001",
                                                  [{"invoiceId": invoice_id, "amount": float(first)}]), token=token)
    assert one.status_code == 201, one.get_json()
    after = api.get(f"/api/invoices/{invoice_id}", token=token).get_json()
    assert (after["status"], Decimal(str(after["balance"]))) == ("PARTIALLY_PAID", rest)

    two = api.post("/api/payments", json=_payment(str(rest + 10), "N336261202000002", []), token=token)
    assert two.status_code == 201, two.get_json()
    assert Decimal(str(two.get_json()["unallocated"])) == rest + 10
    over = api.post(f"/api/payments/{two.get_json()['id']}/allocations",
                    json={"allocations": [{"invoiceId": invoice_id, "amount": float(rest + 10)}]}, token=token)
    assert (over.status_code, over.get_json()["code"]) == (409, "ALLOCATION_EXCEEDS_BALANCE")
    done = api.post(f"/api/payments/{two.get_json()['id']}/allocations",
                    json={"allocations": [{"invoiceId": invoice_id, "amount": float(rest)}]}, token=token)
    assert done.status_code == 200, done.get_json()
    assert Decimal(str(done.get_json()["unallocated"])) == Decimal("10.00")
    paid = api.get(f"/api/invoices/{invoice_id}", token=token).get_json()
    assert (paid["status"], Decimal(str(paid["balance"]))) == ("PAID", Decimal("0.00"))

    duplicate = api.post("/api/payments", json=_payment("5", "n336 2612 0200 0001", []), token=token)
    assert (duplicate.status_code, duplicate.get_json()["code"]) == (409, "DUPLICATE_BANK_REFERENCE")

    payment_id = one.get_json()["id"]
    assert api.get(f"/api/payments/{payment_id}", token=partner_token("buyer-1")).status_code == 200
    assert api.get(f"/api/payments/{payment_id}", token=partner_token("other-1")).status_code == 404


def test_bad_reference_is_422(api, invoice):
    bad = api.post("/api/payments", json=_payment("5", "12345", [], mode="UPI"), token=invoice["token"])
    assert (bad.status_code, bad.get_json()["code"]) == (422, "INVALID_BANK_REFERENCE")


def test_aging_buckets_by_invoice_age_and_scope(api, invoice):
    from datetime import timedelta

    from shared import clock
    from shared.db import collection

    token, issued = invoice["token"], invoice["invoice"]
    # an invoice of 45 days ago (moving the clock would expire the test sessions)
    collection("invoices").document(issued["id"]).update(
        {"invoiceDate": (clock.today_india() - timedelta(days=45)).isoformat()})
    answer = api.get(f"/api/invoices/aging?orgId={ORG}", token=token)
    assert answer.status_code == 200, answer.get_json()
    [row] = answer.get_json()["items"]
    assert row["buyerPartnerId"] == "buyer-1"
    assert Decimal(str(row["buckets"]["31-60"])) == Decimal(str(issued["total"]))
    assert Decimal(str(row["buckets"]["0-30"])) == Decimal("0")
    assert row["invoices"] == 1
    mine = api.get("/api/invoices/aging", token=partner_token("buyer-1")).get_json()["items"]
    assert [r["buyerPartnerId"] for r in mine] == ["buyer-1"]
    assert api.get("/api/invoices/aging", token=partner_token("other-1")).get_json()["items"] == []


def test_credit_and_debit_notes_cite_the_invoice_in_their_own_series(api, invoice):
    token, issued = invoice["token"], invoice["invoice"]
    url = f"/api/invoices/{issued['id']}/notes"
    credit = api.post(url, json={"kind": "CREDIT", "taxableValue": 100.10, "reason": "quality claim: micronaire"},
                      token=token)
    assert credit.status_code == 201, credit.get_json()
    note = credit.get_json()
    assert note["number"].startswith("CN/") and note["number"].endswith("/00001")
    assert (note["invoiceNumber"], note["invoiceDate"]) == (issued["number"], issued["invoiceDate"])
    tax = Decimal(str(note["cgst"])) + Decimal(str(note["sgst"])) + Decimal(str(note["igst"]))
    assert Decimal(str(note["total"])) == Decimal("100.10") + tax
    after = api.get(f"/api/invoices/{issued['id']}", token=token).get_json()
    assert Decimal(str(after["balance"])) == Decimal(str(issued["balance"])) - Decimal(str(note["total"]))

    debit = api.post(url, json={"kind": "DEBIT", "taxableValue": 10, "reason": "weight short-billed"}, token=token)
    assert debit.status_code == 201, debit.get_json()
    assert debit.get_json()["number"].startswith("DN/") and debit.get_json()["number"].endswith("/00001")

    late = api.post(url, json={"kind": "CREDIT", "taxableValue": 1, "reason": "too late",
                               "noteDate": f"{int(issued['financialYear'][:4]) + 1}-12-01"}, token=token)
    assert (late.status_code, late.get_json()["code"]) == (409, "CREDIT_NOTE_DEADLINE")
    too_much = api.post(url, json={"kind": "CREDIT", "taxableValue": float(issued["total"]) * 2,
                                   "reason": "more than owed"}, token=token)
    assert (too_much.status_code, too_much.get_json()["code"]) == (409, "NOTE_EXCEEDS_BALANCE")
    assert api.post(url, json={"kind": "CREDIT", "taxableValue": 1, "reason": "partner"},
                    token=partner_token("buyer-1")).status_code == 403


def test_the_buyer_is_told_a_payment_was_received(api, invoice):
    from shared.db import collection
    from tests.support.notifications import Tap, push, seed_user

    seed_user("buyer-user", partnerId="buyer-1", name="Asha Rao", email="asha@example.com")
    tap = Tap("domain-events")
    try:
        paid = api.post("/api/payments", json=_payment("1000.50", "633612345678", [], mode="UPI"),
                        token=invoice["token"]).get_json()
        [message] = [m for m in tap.pull(1, settle=0.3) if m.attributes.get("type") == "PaymentReceived"]
    finally:
        tap.close()
    assert push(api, "on_domain_event", message).status_code == 200
    [notice] = [d.to_dict() for d in collection("users").document("buyer-user").collection("notifications").stream()]
    assert notice["title"] == "Payment of Rs 1000.50 received"
    assert notice["link"] == {"entity": "payment", "id": paid["id"]}
