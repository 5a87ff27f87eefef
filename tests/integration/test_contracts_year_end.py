"""Year end: closing a financial year with an active contract, an unpaid invoice and due brokerage
carries them into the next year through `on_financial_year` (FinancialYearClosed delivered by Pub/Sub,
twice, as at-least-once delivery may); a reopen brings them back."""
from __future__ import annotations

import pytest

from shared import fiscal
from shared.db import collection
from tests.support.contracts import ACCOUNTS, ORG, active_contract, staff
from tests.support.masters import admin_token
from tests.support.notifications import Tap, push


@pytest.fixture
def tap(contract_parties):
    tap = Tap("domain-events")
    yield tap
    tap.close()


def _deliver(api, tap, event_type: str, times: int = 2) -> None:
    messages = [m for m in tap.pull(1, settle=0.3) if m.attributes.get("type") == event_type]
    assert len(messages) == 1, [m.attributes.get("type") for m in messages]
    for _ in range(times):
        answer = push(api, "on_financial_year", messages[0])
        assert answer.status_code == 200, answer.get_data(as_text=True)


def _audits(contract_id: str, action: str) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = collection("auditLog").where(filter=FieldFilter("entityId", "==", contract_id))
    return sum(1 for entry in query.stream() if entry.to_dict().get("action") == action)


def test_closing_a_year_carries_its_open_business_forward_and_a_reopen_brings_it_back(api, contract_parties, tap):
    code = contract_parties["fy"]
    contract = active_contract(api)
    accounts, _ = staff(ACCOUNTS)
    issued = api.post("/api/invoices", json={"contractId": contract["id"], "quantity": {"value": 2, "unit": "BALE"}},
                      token=accounts)
    assert issued.status_code == 201, issued.get_json()
    invoice_id = issued.get_json()["id"]
    admin = admin_token(organization_ids=(ORG,))
    following = fiscal.next_code(code)
    created = api.post("/api/financial-years", json={"organizationId": ORG, "code": following, "activate": True},
                       token=admin)
    assert created.status_code == 201, created.get_json()
    tap.pull(20, settle=0.3)                                   # the events so far are not this test's
    closed = api.post(f"/api/financial-years/{ORG}_{code}/close", token=admin)
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["carryForward"]["unpaidInvoices"] == 1
    _deliver(api, tap, "FinancialYearClosed")

    stored = collection("contracts").document(contract["id"]).get().to_dict()
    assert (stored["status"], stored["carriedForwardFrom"]) == ("CARRIED_FORWARD", code)
    for party in ("buyer-1", "seller-1"):           # the parties' realtime documents follow
        view = collection("partnerViews").document(party).collection("contracts").document(contract["id"]).get()
        assert view.to_dict()["status"] == "CARRIED_FORWARD"
    assert api.get(f"/api/contracts/{contract['id']}", token=staff()[0]).get_json()["status"] == "CARRIED_FORWARD"
    mark = collection("invoices").document(invoice_id).get().to_dict()["carriedForward"]
    assert (mark["fromFinancialYear"], mark["toFinancialYear"]) == (code, following)
    commissions = [c.to_dict() for c in collection("commissions").stream()
                   if c.to_dict().get("contractId") == contract["id"]]
    assert len(commissions) == 2
    assert all(c["carriedForward"]["fromFinancialYear"] == code for c in commissions)
    assert _audits(contract["id"], "contract.carry_forward") == 1      # the redelivery changed nothing

    reopened = api.post(f"/api/financial-years/{ORG}_{code}/reopen", json={"reason": "late purchase bill"},
                        token=admin)
    assert reopened.status_code == 200, reopened.get_json()
    _deliver(api, tap, "FinancialYearReopened")
    stored = collection("contracts").document(contract["id"]).get().to_dict()
    assert (stored["status"], stored["carriedForwardFrom"]) == ("ACTIVE", None)
    assert collection("invoices").document(invoice_id).get().to_dict()["carriedForward"] is None
    assert _audits(contract["id"], "contract.carry_forward.undo") == 1


def test_only_the_closed_years_open_records_of_that_organization_move(api, contract_parties):
    from functions.contracts import carry_forward

    code = contract_parties["fy"]

    def put(name: str, doc_id: str, org: str, year: str, status: str) -> None:
        collection(name).document(doc_id).set({"orgId": org, "financialYear": year, "status": status, "version": 1})

    put("contracts", "c-active", ORG, code, "ACTIVE")
    put("contracts", "c-done", ORG, code, "COMPLETED")
    put("contracts", "c-older", ORG, "2024-25", "ACTIVE")
    put("contracts", "c-other", "other-org", code, "ACTIVE")
    collection("contracts").document("c-disputed").set({"orgId": ORG, "financialYear": code, "status": "DISPUTED",
                                                        "statusBeforeDispute": "ACTIVE", "version": 1})
    put("invoices", "i-paid", ORG, code, "PAID")
    put("invoices", "i-overdue", ORG, code, "OVERDUE")
    put("disputes", "d-open", ORG, code, "UNDER_REVIEW")
    put("disputes", "d-resolved", ORG, code, "RESOLVED")
    counts = carry_forward.carry_forward(ORG, code)
    assert counts == {"contracts": 2, "invoices": 1, "commissions": 0, "disputes": 1}
    status = {s.id: (s.to_dict()["status"], s.to_dict().get("statusBeforeDispute"))
              for s in collection("contracts").stream()}
    assert status == {"c-active": ("CARRIED_FORWARD", None), "c-done": ("COMPLETED", None),
                      "c-older": ("ACTIVE", None), "c-other": ("ACTIVE", None),
                      "c-disputed": ("DISPUTED", "CARRIED_FORWARD")}
    marked = {s.id for name in ("invoices", "disputes") for s in collection(name).stream()
              if s.to_dict().get("carriedForward")}
    assert marked == {"i-overdue", "d-open"}
    assert carry_forward.carry_forward(ORG, code) == {"contracts": 0, "invoices": 0, "commissions": 0,
                                                      "disputes": 0}
