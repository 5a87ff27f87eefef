"""The daily overdue job through the jobs function on the emulators: past-due invoices with a balance
become OVERDUE once (InvoiceOverdue once each; a second run changes nothing), payments on an OVERDUE
invoice, and a debit note reopening a PAID invoice through the invoice state machine."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from shared import clock
from shared.db import collection
from tests.support.contracts import ACCOUNTS, ORG, active_contract, run_job, staff

TWO_BALES = {"value": 2, "unit": "BALE"}


def _issue(api, token, contract_id, days_ago=0):
    """An invoice dated `days_ago` (payment terms 15 days: due 15 days after)."""
    day = (clock.today_india() - timedelta(days=days_ago)).isoformat()
    issued = api.post("/api/invoices", json={"contractId": contract_id, "quantity": TWO_BALES, "invoiceDate": day},
                      token=token)
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()


def _pay(api, token, invoice_id, amount, reference):
    body = {"orgId": ORG, "buyerPartnerId": "buyer-1", "amount": float(amount),
            "paymentDate": clock.today_india().isoformat(), "mode": "NEFT", "reference": reference,
            "allocations": [{"invoiceId": invoice_id, "amount": float(amount)}]}
    paid = api.post("/api/payments", json=body, token=token)
    assert paid.status_code == 201, paid.get_json()


def _invoice(api, token, invoice_id):
    return api.get(f"/api/invoices/{invoice_id}", token=token).get_json()


def _overdue_events():
    return sorted(s.to_dict()["data"]["invoiceId"] for s in collection("outbox").stream()
                  if s.to_dict()["type"] == "InvoiceOverdue")


def test_the_job_marks_past_due_invoices_overdue_once(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    contract = active_contract(api)
    late = _issue(api, token, contract["id"], days_ago=20)
    late_part_paid = _issue(api, token, contract["id"], days_ago=20)
    due_today = _issue(api, token, contract["id"], days_ago=15)        # due today: not yet late
    late_paid = _issue(api, token, contract["id"], days_ago=20)
    late_cancelled = _issue(api, token, contract["id"], days_ago=20)
    _pay(api, token, late_part_paid["id"], "100.00", "N336261202000101")
    _pay(api, token, late_paid["id"], late_paid["total"], "N336261202000102")
    assert api.post(f"/api/invoices/{late_cancelled['id']}/cancel", json={"reason": "Duplicate"},
                    token=token).status_code == 200
    # a payment recorded on a late invoice already knows it is late (the job has not run yet)
    assert _invoice(api, token, late_part_paid["id"])["status"] == "OVERDUE"
    collection("invoices").document(late_part_paid["id"]).update({"status": "PARTIALLY_PAID"})

    first = run_job(api, "invoice-overdue")
    assert first == {"markedOverdue": 2, "skipped": 0, "more": False}
    statuses = {i: _invoice(api, token, i)["status"] for i in
                (late["id"], late_part_paid["id"], due_today["id"], late_paid["id"], late_cancelled["id"])}
    assert statuses == {late["id"]: "OVERDUE", late_part_paid["id"]: "OVERDUE", due_today["id"]: "UNPAID",
                        late_paid["id"]: "PAID", late_cancelled["id"]: "CANCELLED"}
    assert _overdue_events() == sorted([late["id"], late_part_paid["id"]])
    [event] = [s.to_dict()["data"] for s in collection("outbox").stream()
               if s.to_dict()["type"] == "InvoiceOverdue" and s.to_dict()["data"]["invoiceId"] == late["id"]]
    assert (event["invoiceNumber"], event["dueDate"], Decimal(event["balance"])) == (
        late["number"], late["dueDate"], Decimal(str(late["total"])))
    versions = {i: _invoice(api, token, i)["version"] for i in (late["id"], late_part_paid["id"])}

    second = run_job(api, "invoice-overdue")
    assert second == {"markedOverdue": 0, "skipped": 0, "more": False}
    assert {i: _invoice(api, token, i)["version"] for i in versions} == versions
    assert _overdue_events() == sorted([late["id"], late_part_paid["id"]])


def test_payments_on_an_overdue_invoice_keep_it_overdue_until_paid(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    contract = active_contract(api)
    invoice = _issue(api, token, contract["id"], days_ago=30)
    assert run_job(api, "invoice-overdue")["markedOverdue"] == 1
    total = Decimal(str(invoice["total"]))
    _pay(api, token, invoice["id"], "1000.00", "N336261202000201")
    part = _invoice(api, token, invoice["id"])
    assert (part["status"], Decimal(str(part["balance"])), Decimal(str(part["paid"]))) == (
        "OVERDUE", total - Decimal("1000.00"), Decimal("1000.00"))
    _pay(api, token, invoice["id"], total - Decimal("1000.00"), "N336261202000202")
    settled = _invoice(api, token, invoice["id"])
    assert (settled["status"], Decimal(str(settled["balance"]))) == ("PAID", Decimal("0.00"))
    assert run_job(api, "invoice-overdue")["markedOverdue"] == 0


def test_a_debit_note_reopens_a_paid_invoice_through_its_state_machine(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    contract = active_contract(api)
    current = _issue(api, token, contract["id"])
    late = _issue(api, token, contract["id"], days_ago=30)
    for invoice, reference in ((current, "N336261202000301"), (late, "N336261202000302")):
        _pay(api, token, invoice["id"], invoice["total"], reference)
        assert _invoice(api, token, invoice["id"])["status"] == "PAID"

    debit = api.post(f"/api/invoices/{current['id']}/notes", token=token,
                     json={"kind": "DEBIT", "taxableValue": 100, "reason": "weight short-billed"})
    assert debit.status_code == 201, debit.get_json()
    reopened = _invoice(api, token, current["id"])
    assert (reopened["status"], Decimal(str(reopened["balance"]))) == ("PARTIALLY_PAID",
                                                                       Decimal(str(debit.get_json()["total"])))
    assert Decimal(str(reopened["total"])) == Decimal(str(current["total"])) + Decimal(str(debit.get_json()["total"]))
    late_debit = api.post(f"/api/invoices/{late['id']}/notes", token=token,
                          json={"kind": "DEBIT", "taxableValue": 50, "reason": "rate difference"})
    assert late_debit.status_code == 201
    assert _invoice(api, token, late["id"])["status"] == "OVERDUE"
    # the reopened balance is payable again and settles it
    _pay(api, token, current["id"], debit.get_json()["total"], "N336261202000303")
    assert _invoice(api, token, current["id"])["status"] == "PAID"
    [entry] = [s.to_dict() for s in collection("auditLog").stream()
               if s.to_dict().get("action") == "invoice.debit_note" and s.to_dict().get("entityId") == current["id"]]
    assert entry["changes"]["status"] == {"before": "PAID", "after": "PARTIALLY_PAID"}
