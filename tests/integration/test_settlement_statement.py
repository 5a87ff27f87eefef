"""A partner's statement of account and the payments list through the HTTP API on the emulators:
opening balance, lines in date order with the running balance, cancelled invoices left out, scope (a
partner only its own: 404 otherwise); payments filtered and paged by cursor, scoped."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from shared import clock
from tests.support.contracts import ACCOUNTS, ORG, active_contract, partner_token, staff

TWO_BALES = {"value": 2, "unit": "BALE"}


def _day(days_ago):
    return (clock.today_india() - timedelta(days=days_ago)).isoformat()


def _invoice(api, token, contract_id, days_ago):
    issued = api.post("/api/invoices", json={"contractId": contract_id, "quantity": TWO_BALES,
                                             "invoiceDate": _day(days_ago)}, token=token)
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()


def _payment(api, token, amount, reference, days_ago=0, mode="NEFT", allocations=(), buyer="buyer-1"):
    body = {"orgId": ORG, "buyerPartnerId": buyer, "amount": float(amount), "paymentDate": _day(days_ago),
            "mode": mode, "reference": reference, "allocations": list(allocations)}
    paid = api.post("/api/payments", json=body, token=token)
    assert paid.status_code == 201, paid.get_json()
    return paid.get_json()


def _note(api, token, invoice_id, kind, taxable, days_ago):
    note = api.post(f"/api/invoices/{invoice_id}/notes", token=token,
                    json={"kind": kind, "taxableValue": taxable, "reason": "weight claim", "noteDate": _day(days_ago)})
    assert note.status_code == 201, note.get_json()
    return note.get_json()


def _d(value):
    return Decimal(str(value))


def test_statement_has_opening_balance_lines_and_running_balance(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    contract = active_contract(api)
    old = _invoice(api, token, contract["id"], 40)               # before the range: in the opening balance
    paid = _payment(api, token, "1000.00", "N336261202000401", days_ago=20,
                    allocations=[{"invoiceId": old["id"], "amount": 1000.0}])
    credit = _note(api, token, old["id"], "CREDIT", 100, 15)
    recent = _invoice(api, token, contract["id"], 10)
    cancelled = _invoice(api, token, contract["id"], 5)
    assert api.post(f"/api/invoices/{cancelled['id']}/cancel", json={"reason": "Duplicate"},
                    token=token).status_code == 200
    debit = _note(api, token, recent["id"], "DEBIT", 50, 3)
    advance = _payment(api, token, "500.00", "633612345601", mode="UPI")
    before_range = _invoice(api, token, contract["id"], 31)
    _payment(api, token, "200.00", "N336261202000402", days_ago=35)

    answer = api.get(f"/api/invoices/statement?partnerId=buyer-1&orgId={ORG}&from={_day(30)}", token=token)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    opening = _d(old["total"]) + _d(before_range["total"]) - Decimal("200.00")
    assert (_d(body["openingBalance"]), body["from"], body["to"]) == (opening, _day(30), _day(0))
    assert [(line["kind"], line["id"]) for line in body["lines"]] == [
        ("PAYMENT", paid["id"]), ("CREDIT_NOTE", credit["id"]), ("INVOICE", recent["id"]),
        ("DEBIT_NOTE", debit["id"]), ("PAYMENT", advance["id"])]
    expected, balance = [], opening
    for change in (-Decimal("1000.00"), -_d(credit["total"]), _d(recent["total"]), _d(debit["total"]),
                   -Decimal("500.00")):
        balance += change
        expected.append(balance)
    assert [_d(line["balance"]) for line in body["lines"]] == expected
    assert _d(body["closingBalance"]) == expected[-1]
    assert _d(body["totalDebits"]) == _d(recent["total"]) + _d(debit["total"])
    assert _d(body["totalCredits"]) == Decimal("1500.00") + _d(credit["total"])
    invoice_line = body["lines"][2]
    assert (invoice_line["number"], invoice_line["status"]) == (recent["number"], "UNPAID")
    assert body["lines"][1]["invoiceNumber"] == old["number"]

    # the partner sees the same statement of its own, and nobody else's
    mine = api.get(f"/api/invoices/statement?from={_day(30)}", token=partner_token("buyer-1")).get_json()
    assert _d(mine["closingBalance"]) == expected[-1] and len(mine["lines"]) == 5
    assert api.get("/api/invoices/statement?partnerId=buyer-1",
                   token=partner_token("other-1")).status_code == 404
    empty = api.get("/api/invoices/statement", token=partner_token("other-1")).get_json()
    assert (empty["lines"], _d(empty["closingBalance"])) == ([], Decimal("0"))


def test_statement_refusals(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    missing = api.get("/api/invoices/statement", token=token)
    assert (missing.status_code, missing.get_json()["code"]) == (422, "VALIDATION_FAILED")
    backwards = api.get(f"/api/invoices/statement?partnerId=buyer-1&from={_day(0)}&to={_day(5)}", token=token)
    assert (backwards.status_code, backwards.get_json()["code"]) == (422, "VALIDATION_FAILED")
    elsewhere, _ = staff(ACCOUNTS, org="rnrl-other")
    hidden = api.get(f"/api/invoices/statement?partnerId=buyer-1&orgId={ORG}", token=elsewhere)
    assert (hidden.status_code, hidden.get_json()["code"]) == (404, "ORGANIZATION_NOT_FOUND")


def test_payments_list_filters_pages_and_scope(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    contract = active_contract(api)
    invoice = _invoice(api, token, contract["id"], 0)
    allocated = _payment(api, token, "100.00", "N336261202000501",
                         allocations=[{"invoiceId": invoice["id"], "amount": 100.0}])
    upi = _payment(api, token, "50.00", "633612345602", mode="UPI")
    other = _payment(api, token, "75.00", "N336261202000502", buyer="other-1")

    def ids(url, as_=token):
        answer = api.get(url, token=as_)
        assert answer.status_code == 200, answer.get_json()
        return [item["id"] for item in answer.get_json()["items"]]

    assert ids("/api/payments") == [other["id"], upi["id"], allocated["id"]]        # newest first
    assert ids("/api/payments?buyerPartnerId=buyer-1") == [upi["id"], allocated["id"]]
    assert ids("/api/payments?mode=UPI") == [upi["id"]]
    assert ids(f"/api/payments?invoiceId={invoice['id']}") == [allocated["id"]]
    assert ids(f"/api/payments?orgId={ORG}&buyerPartnerId=other-1") == [other["id"]]

    seen, url = [], "/api/payments?pageSize=1"
    while True:
        page = api.get(url, token=token).get_json()
        assert len(page["items"]) <= 1
        seen += [item["id"] for item in page["items"]]
        if not page["nextPageToken"]:
            break
        url = f"/api/payments?pageSize=1&pageToken={page['nextPageToken']}"
    assert seen == [other["id"], upi["id"], allocated["id"]]

    buyer = partner_token("buyer-1")
    assert ids("/api/payments", buyer) == [upi["id"], allocated["id"]]
    assert ids("/api/payments?buyerPartnerId=other-1", buyer) == []
    elsewhere, _ = staff(ACCOUNTS, org="rnrl-other")
    assert ids("/api/payments", elsewhere) == []
    assert ids(f"/api/payments?orgId={ORG}", elsewhere) == []
    bad = api.get("/api/payments?pageToken=not-a-token", token=token)
    assert (bad.status_code, bad.get_json()["code"]) == (400, "INVALID_PAGE_TOKEN")
