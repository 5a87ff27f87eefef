"""GST invoices against an ACTIVE contract through the HTTP API on the emulators: numbering (20 at once
get 20 consecutive numbers), CGST + SGST or IGST by place of supply to the paisa, cancellation keeps
the number, scope and refusals."""
from __future__ import annotations

import re
import threading
from decimal import Decimal

from tests.support.contracts import (
    APPROVER,
    HINDI_BUYER,
    MANAGER,
    contract_body,
    partner_token,
    staff,
)

INVOICING = frozenset({"invoices:read", "invoices:manage", "contracts:read"})
PATTERN = re.compile(r"^[A-Z1-9][A-Z0-9/-]{0,15}$")


def _active_contract(api, **overrides):
    maker, _ = staff(MANAGER)
    checker, _ = staff(APPROVER)
    contract = api.post("/api/contracts", json=contract_body(**overrides), token=maker).get_json()
    api.post(f"/api/contracts/{contract['id']}/submit", token=maker)
    approved = api.post(f"/api/contracts/{contract['id']}/approve", token=checker)
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()


def _prefix(fy: str) -> str:
    start, end = fy.split("-")
    return f"INV/{start[-2:]}{end[-2:]}/"


def test_inter_and_intra_state_split_to_the_paisa_without_floats(api, contract_parties):
    contract = _active_contract(api, rate={"amount": 41.40, "unit": "CANDY"})
    accounts, _ = staff(INVOICING)
    one_candy = {"value": 1, "unit": "CANDY"}
    # seller's GSTIN is Maharashtra (27); delivery in Gujarat (24): inter-state, IGST 5%
    inter = api.post("/api/invoices", token=accounts, json={"contractId": contract["id"], "quantity": one_candy})
    assert inter.status_code == 201, inter.get_json()
    body = inter.get_json()
    assert body["taxType"] == "INTER_STATE" and body["placeOfSupply"] == "24" and body["supplierState"] == "27"
    assert (body["taxableValue"], body["igst"], body["cgst"], body["sgst"], body["total"]) == (41.4, 2.07, 0, 0, 43.47)
    assert body["number"] == _prefix(contract_parties["fy"]) + "00001" and PATTERN.match(body["number"])
    assert body["recipient"]["legalName"] == HINDI_BUYER and body["hsnCode"] == "5201"
    assert body["dueDate"] > body["invoiceDate"] and body["status"] == "UNPAID" and body["balance"] == 43.47

    # delivered within Maharashtra: CGST + SGST at 2.5% each of 41.40 = 1.035 → 1.04 (a float gives 1.03)
    assert round(41.40 * 0.025, 2) == 1.03
    intra = api.post("/api/invoices", token=accounts, json={"contractId": contract["id"], "quantity": one_candy,
                                                            "placeOfSupplyStateCode": "27"}).get_json()
    assert intra["taxType"] == "INTRA_STATE"
    assert (intra["cgst"], intra["sgst"], intra["igst"], intra["total"]) == (1.04, 1.04, 0, 43.48)
    assert intra["number"] == _prefix(contract_parties["fy"]) + "00002"


def test_twenty_concurrent_invoices_get_twenty_consecutive_numbers(api, contract_parties):
    contract = _active_contract(api)
    accounts, _ = staff(INVOICING)
    results: list = []
    lock = threading.Lock()

    def issue():
        response = api.post("/api/invoices", token=accounts,
                            json={"contractId": contract["id"], "quantity": {"value": 5, "unit": "BALE"}})
        with lock:
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=issue) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [status for status, _ in results] == [201] * 20, [b for s, b in results if s != 201][:2]
    numbers = sorted(body["number"] for _, body in results)
    assert numbers == [f"{_prefix(contract_parties['fy'])}{n:05d}" for n in range(1, 21)]
    assert all(PATTERN.match(number) and len(number) <= 16 for number in numbers)
    over = api.post("/api/invoices", token=accounts,
                    json={"contractId": contract["id"], "quantity": {"value": 106, "unit": "BALE"}})
    assert over.status_code == 409 and over.get_json()["code"] == "QUANTITY_EXCEEDS_CONTRACT"


def test_a_cancelled_invoice_keeps_its_number_and_the_next_one_moves_on(api, contract_parties):
    contract = _active_contract(api)
    accounts, _ = staff(INVOICING)
    first = api.post("/api/invoices", token=accounts, json={"contractId": contract["id"]}).get_json()
    blank = api.post(f"/api/invoices/{first['id']}/cancel", token=accounts, json={"reason": " "})
    assert blank.status_code == 422
    cancelled = api.post(f"/api/invoices/{first['id']}/cancel", token=accounts, json={"reason": "Data entry error"})
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "CANCELLED" and cancelled.get_json()["number"] == first["number"]
    again = api.post(f"/api/invoices/{first['id']}/cancel", token=accounts, json={"reason": "twice"})
    assert again.status_code == 409
    second = api.post("/api/invoices", token=accounts, json={"contractId": contract["id"]}).get_json()
    assert second["number"] == _prefix(contract_parties["fy"]) + "00002"


def test_only_active_contracts_are_invoiced_and_partners_see_their_own(api, contract_parties):
    maker, _ = staff(MANAGER)
    accounts, _ = staff(INVOICING)
    draft = api.post("/api/contracts", json=contract_body(), token=maker).get_json()
    refused = api.post("/api/invoices", token=accounts, json={"contractId": draft["id"]})
    assert refused.status_code == 409 and refused.get_json()["code"] == "CONTRACT_NOT_ACTIVE"
    missing = api.post("/api/invoices", token=accounts, json={"contractId": "nope"})
    assert missing.status_code == 404

    contract = _active_contract(api)
    invoice = api.post("/api/invoices", token=accounts, json={"contractId": contract["id"]}).get_json()
    assert Decimal(str(invoice["taxableValue"])) == Decimal(str(contract["value"]))
    buyer = api.get(f"/api/invoices/{invoice['id']}", token=partner_token("buyer-1"))
    assert buyer.status_code == 200
    assert api.get(f"/api/invoices/{invoice['id']}", token=partner_token("other-1")).status_code == 404
    assert [i["id"] for i in api.get("/api/invoices", token=partner_token("seller-1")).get_json()["items"]] == [
        invoice["id"]]
    assert api.get("/api/invoices", token=partner_token("other-1")).get_json()["items"] == []
    assert api.post("/api/invoices", token=partner_token("buyer-1"), json={"contractId": contract["id"]}).status_code \
        == 403


def test_the_buyer_is_told_an_invoice_was_issued(api, contract_parties):
    from shared.db import collection
    from tests.support.notifications import Tap, push, seed_user

    seed_user("buyer-user", partnerId="buyer-1", name="Asha Rao", email="asha@example.com")
    seed_user("seller-user", partnerId="seller-1", name="Patel", email="patel@example.com")
    contract = _active_contract(api)
    accounts, _ = staff(INVOICING)
    tap = Tap("domain-events")
    try:
        invoice = api.post("/api/invoices", token=accounts, json={"contractId": contract["id"]}).get_json()
        [message] = [m for m in tap.pull(1, settle=0.3) if m.attributes.get("type") == "InvoiceIssued"]
    finally:
        tap.close()
    assert push(api, "on_domain_event", message).status_code == 200
    [notice] = [d.to_dict() for d in collection("users").document("buyer-user").collection("notifications").stream()]
    assert notice["title"] == f"Invoice {invoice['number']} issued"
    assert notice["link"] == {"entity": "invoice", "id": invoice["id"]}
    assert list(collection("users").document("seller-user").collection("notifications").stream()) == []
