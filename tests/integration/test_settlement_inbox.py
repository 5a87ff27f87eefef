"""Settlement events reach the partner's inbox end to end: the contract's approval (CommissionDue) and the
daily overdue job (InvoiceOverdue) publish to the Pub/Sub emulator, whose push subscription delivers them
to the gateway's fan-out as in the local stack, which writes `users/{uid}/notifications`."""
from __future__ import annotations

import time
from datetime import timedelta

from shared import clock
from shared.db import collection
from tests.support.contracts import ACCOUNTS, active_contract, run_job, staff
from tests.support.notifications import seed_user, served_gateway_with_push


def _events(kind: str) -> dict[str, dict]:
    return {s.id: s.to_dict()["data"] for s in collection("outbox").stream() if s.to_dict()["type"] == kind}


def _inbox_until(user_id: str, wanted: set[str], timeout: float = 30) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while True:
        inbox = {s.id: s.to_dict() for s in collection("users").document(user_id).collection("notifications").stream()}
        if wanted <= set(inbox) or time.monotonic() > deadline:
            return inbox
        time.sleep(0.2)


def test_commission_due_and_invoice_overdue_reach_the_buyers_inbox(api, contract_parties):
    seed_user("meena", partnerId="buyer-1", name="Meena Shah")
    seed_user("ravi", partnerId="seller-1", name="Ravi Patel")
    with served_gateway_with_push():
        contract = active_contract(api)
        token, _ = staff(ACCOUNTS)
        day = (clock.today_india() - timedelta(days=20)).isoformat()       # 15-day terms: 5 days late
        issued = api.post("/api/invoices", json={"contractId": contract["id"], "invoiceDate": day,
                                                 "quantity": {"value": 2, "unit": "BALE"}}, token=token)
        assert issued.status_code == 201, issued.get_json()
        assert run_job(api, "invoice-overdue")["markedOverdue"] == 1

        due = {data["partnerId"]: event_id for event_id, data in _events("CommissionDue").items()}
        [overdue] = _events("InvoiceOverdue")
        buyer_inbox = _inbox_until("meena", {due["buyer-1"], overdue})
        seller_inbox = _inbox_until("ravi", {due["seller-1"]})

    assert buyer_inbox[due["buyer-1"]]["title"] == (
        f"Brokerage of Rs {_events('CommissionDue')[due['buyer-1']]['amount']} due on contract {contract['number']}")
    assert buyer_inbox[overdue]["title"] == f"Invoice {issued.get_json()['number']} is overdue"
    assert buyer_inbox[overdue]["read"] is False
    # each side hears of its own brokerage only; the seller is not the one who owes the invoice
    assert due["buyer-1"] not in seller_inbox and overdue not in seller_inbox
    assert due["seller-1"] in seller_inbox and due["seller-1"] not in buyer_inbox
