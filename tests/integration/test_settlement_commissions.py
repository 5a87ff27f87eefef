"""Brokerage through the HTTP API on the emulators: DUE with CommissionDue when the contract becomes
ACTIVE, GST on brokerage per the commodity's setting (lint 18%, kapas exempt), the brokerage invoice in
its own BRK series with CGST + SGST or IGST, DUE → INVOICED → PAID and refused moves."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from shared.db import collection
from tests.support.contracts import ACCOUNTS, active_contract, staff

BROKERAGE = ACCOUNTS | {"commissions:read"}
KAPAS = {"commodityId": "KAPAS", "quantity": {"value": 100, "unit": "QUINTAL"},
         "rate": {"amount": 7012.35, "unit": "QUINTAL"}, "qualitySpecs": [],
         "terms": {"tradeType": "SPOT", "bargainType": "DELIVERED", "passingTerms": "SPOT_PASSING",
                   "weightmentTerms": "GIN_WEIGHT", "deliveryTerms": "IMMEDIATE", "paymentTerms": "CREDIT_7_DAYS"}}


def _commissions(api, token, contract_id):
    items = api.get(f"/api/commissions?contractId={contract_id}", token=token).get_json()["items"]
    return {item["side"]: item for item in items}


def _prefix(fy: str) -> str:
    start, end = fy.split("-")
    return f"BRK/{start[-2:]}{end[-2:]}/"


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_brokerage_goes_due_invoiced_paid_in_its_own_series(api, contract_parties):
    token, _ = staff(BROKERAGE)
    contract = active_contract(api)
    sides = _commissions(api, token, contract["id"])
    assert {side: c["status"] for side, c in sides.items()} == {"BUYER": "DUE", "SELLER": "DUE"}
    assert sides["BUYER"]["gstPercent"] == 18
    due = sorted((e["data"]["partnerId"], e["data"]["side"], e["data"]["amount"]) for e in
                 (s.to_dict() for s in collection("outbox").stream()) if e["type"] == "CommissionDue")
    assert due == [("buyer-1", "BUYER", str(Decimal(str(sides["BUYER"]["amount"])).quantize(Decimal("0.01")))),
                   ("seller-1", "SELLER", str(Decimal(str(sides["SELLER"]["amount"])).quantize(Decimal("0.01"))))]

    buyer_id, seller_id = sides["BUYER"]["id"], sides["SELLER"]["id"]
    early = api.post(f"/api/commissions/{buyer_id}/pay", json={"paidOn": "2026-12-02", "reference": "UTR1"},
                     token=token)
    assert (early.status_code, early.get_json()["code"]) == (409, "INVALID_TRANSITION")

    # RNRL's GSTIN is in Gujarat (24): the Gujarat buyer pays CGST + SGST, the Maharashtra seller IGST
    buyer = api.post(f"/api/commissions/{buyer_id}/invoice", json={}, token=token)
    assert buyer.status_code == 200, buyer.get_json()
    document = buyer.get_json()["brokerageInvoice"]
    amount = Decimal(str(sides["BUYER"]["amount"]))
    assert buyer.get_json()["status"] == "INVOICED"
    assert document["number"] == _prefix(contract["financialYear"]) + "00001"
    assert (document["taxType"], document["placeOfSupply"], document["supplierGstin"][:2]) == ("INTRA_STATE", "24",
                                                                                              "24")
    half = _half_up(amount * Decimal("0.09"))
    assert (Decimal(str(document["cgst"])), Decimal(str(document["sgst"])), Decimal(str(document["igst"]))) == (
        half, half, Decimal("0"))
    assert Decimal(str(document["total"])) == amount + 2 * half
    seller = api.post(f"/api/commissions/{seller_id}/invoice", json={}, token=token).get_json()
    assert seller["brokerageInvoice"]["number"] == _prefix(contract["financialYear"]) + "00002"
    assert seller["brokerageInvoice"]["taxType"] == "INTER_STATE"
    assert Decimal(str(seller["brokerageInvoice"]["igst"])) == _half_up(
        Decimal(str(sides["SELLER"]["amount"])) * Decimal("0.18"))
    # the brokerage series does not touch the goods invoices' series
    goods = api.post("/api/invoices", json={"contractId": contract["id"], "quantity": {"value": 1, "unit": "BALE"}},
                     token=token).get_json()
    assert goods["number"].startswith("INV/") and goods["number"].endswith("/00001")

    twice = api.post(f"/api/commissions/{buyer_id}/invoice", json={}, token=token)
    assert (twice.status_code, twice.get_json()["code"]) == (409, "INVALID_TRANSITION")
    paid = api.post(f"/api/commissions/{buyer_id}/pay", json={"paidOn": "2026-12-02", "reference": "UTR-77"},
                    token=token)
    assert paid.status_code == 200, paid.get_json()
    assert (paid.get_json()["status"], paid.get_json()["paymentReference"]) == ("PAID", "UTR-77")
    assert api.get(f"/api/commissions/{buyer_id}", token=token).get_json()["status"] == "PAID"
    again = api.post(f"/api/commissions/{buyer_id}/pay", json={"paidOn": "2026-12-02", "reference": "UTR-78"},
                     token=token)
    assert (again.status_code, again.get_json()["code"]) == (409, "INVALID_TRANSITION")
    listed = api.get(f"/api/commissions?contractId={contract['id']}&status=INVOICED", token=token).get_json()
    assert [item["id"] for item in listed["items"]] == [seller_id]


def test_kapas_brokerage_is_exempt_by_its_commodity_setting(api, contract_parties):
    token, _ = staff(BROKERAGE)
    contract = active_contract(api, **KAPAS)
    sides = _commissions(api, token, contract["id"])
    assert sides["BUYER"]["gstPercent"] == 0 and sides["BUYER"]["gst"] == 0 and sides["BUYER"]["amount"] > 0
    document = api.post(f"/api/commissions/{sides['BUYER']['id']}/invoice", json={},
                        token=token).get_json()["brokerageInvoice"]
    assert Decimal(str(document["total"])) == Decimal(str(sides["BUYER"]["amount"]))


def test_commissions_are_back_office_only_and_scoped(api, contract_parties):
    from tests.support.contracts import partner_token

    token, _ = staff(BROKERAGE)
    contract = active_contract(api)
    commission_id = _commissions(api, token, contract["id"])["BUYER"]["id"]
    assert api.get(f"/api/commissions/{commission_id}", token=partner_token("buyer-1")).status_code == 403
    elsewhere, _ = staff(BROKERAGE, org="rnrl-other")
    hidden = api.post(f"/api/commissions/{commission_id}/invoice", json={}, token=elsewhere)
    assert (hidden.status_code, hidden.get_json()["code"]) == (404, "COMMISSION_NOT_FOUND")
    assert api.get("/api/commissions/nope", token=token).status_code == 404
    reader, _ = staff(frozenset({"commissions:read"}))
    assert api.post(f"/api/commissions/{commission_id}/invoice", json={}, token=reader).status_code == 403
    assert api.get(f"/api/commissions/{commission_id}", token=token).get_json()["status"] == "DUE"


def test_the_brokerage_invoice_shows_tds_under_194h_past_the_partners_yearly_20000(api, contract_parties):
    from shared import clock, fiscal
    from tests.support.contracts import ORG

    token, _ = staff(BROKERAGE)
    contract = active_contract(api)
    sides = _commissions(api, token, contract["id"])
    fy = fiscal.financial_year_of(clock.today_india())
    # The buyer was invoiced Rs 19,999 of brokerage earlier this year; the seller nothing.
    collection("brokerageYears").document(f"{ORG}:{fy}:buyer-1").set({"brokeragePaise": 1_999_900})

    seller = api.post(f"/api/commissions/{sides['SELLER']['id']}/invoice", json={}, token=token).get_json()
    first = seller["brokerageInvoice"]
    seller_amount = Decimal(str(sides["SELLER"]["amount"]))
    assert seller_amount <= 20_000
    assert (first["tdsSection"], first["tdsBase"], first["tds"]) == ("194H", 0, 0)
    assert first["netReceivable"] == first["total"]
    assert Decimal(str(first["yearBrokerage"])) == seller_amount

    buyer = api.post(f"/api/commissions/{sides['BUYER']['id']}/invoice", json={}, token=token).get_json()
    crossing = buyer["brokerageInvoice"]
    buyer_amount = Decimal(str(sides["BUYER"]["amount"]))
    year = Decimal("19999") + buyer_amount
    assert Decimal(str(crossing["tdsBase"])) == year == Decimal(str(crossing["yearBrokerage"]))
    expected = (year * Decimal("0.02")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert Decimal(str(crossing["tds"])) == expected > 0
    assert Decimal(str(crossing["netReceivable"])) == Decimal(str(crossing["total"])) - expected
    kept = collection("brokerageYears").document(f"{ORG}:{fy}:buyer-1").get().to_dict()
    assert kept["brokeragePaise"] == int(year * 100)
