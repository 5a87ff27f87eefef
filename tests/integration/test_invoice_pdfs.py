"""The invoices' PDFs through the HTTP API on the emulators (storage included): the first request renders the
GST tax invoice (or the brokerage invoice) into the private bucket, every request answers a 5-minute signed
URL whose PDF reads back with the invoice's numbers; a party of another contract gets the 404 of reading the
invoice; a cancelled invoice gets its own copy marked CANCELLED; a DUE commission has no invoice (409)."""
from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from functions.contracts.pdf_kit import rupees
from shared.adapters import storage
from shared.db import collection
from shared.money import Money, to_words
from tests.support.contracts import ACCOUNTS, HINDI_BUYER, active_contract, partner_token, staff

BROKERAGE = ACCOUNTS | {"commissions:read"}


@pytest.fixture
def bucket(api, contract_parties):
    storage.reset_client()
    storage.ensure_bucket()
    yield contract_parties
    storage.reset_client()


def _text(url: str) -> str:
    from pypdf import PdfReader

    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(got.content)).pages)


def _paise(amount) -> int:
    return Money.of(str(amount)).paise


def test_an_issued_invoice_pdf_shows_its_numbers_to_its_parties_only(api, bucket):
    contract = active_contract(api)
    accounts, _ = staff(ACCOUNTS)
    invoice = api.post("/api/invoices", token=accounts,
                       json={"contractId": contract["id"], "quantity": {"value": 10, "unit": "BALE"}}).get_json()
    iid = invoice["id"]

    first = api.get(f"/api/invoices/{iid}/pdf", token=accounts)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert parse_qs(urlsplit(body["url"]).query)["X-Goog-Expires"] == ["300"]
    assert body["fileName"] == invoice["number"].replace("/", "-") + ".pdf"
    [record] = [d.to_dict() for d in collection("invoiceDocuments").stream()]
    assert record["status"] == "READY" and record["objectName"] == f"invoices/{iid}/invoice.pdf"

    text = _text(body["url"])
    assert text.startswith("TAX INVOICE") and invoice["number"] in text
    assert invoice["supplier"]["gstin"] in text and invoice["recipient"]["gstin"] in text
    assert HINDI_BUYER in text and "Patel Ginning Factory" in text and "HSN 5201" in text
    # seller in Maharashtra, delivery in Gujarat: IGST at 5%
    assert invoice["taxType"] == "INTER_STATE" and f"IGST @ 5% {rupees(_paise(invoice['igst']))}" in text
    assert "CGST" not in text and "Place of supply: Gujarat (24)" in text
    total = _paise(invoice["taxableValue"]) + _paise(invoice["igst"])
    assert total == _paise(invoice["total"]) and f"Total invoice value {rupees(total)}" in text
    assert to_words(Money.from_paise(total)) in text.replace("\n", " ")

    for token in (partner_token("buyer-1"), partner_token("seller-1")):
        again = api.get(f"/api/invoices/{iid}/pdf", token=token)
        assert again.status_code == 200, again.get_json()
    assert len(list(collection("invoiceDocuments").stream())) == 1          # rendered once
    for token in (partner_token("other-1"), staff(ACCOUNTS, org="ORG-ELSEWHERE")[0]):
        refused = api.get(f"/api/invoices/{iid}/pdf", token=token)
        read = api.get(f"/api/invoices/{iid}", token=token)
        assert (refused.status_code, refused.get_json()["code"]) == (404, "INVOICE_NOT_FOUND")
        assert (read.status_code, read.get_json()) == (404, refused.get_json())
    missing = api.get("/api/invoices/no-such-invoice/pdf", token=accounts)
    assert (missing.status_code, missing.get_json()["code"]) == (404, "INVOICE_NOT_FOUND")


def test_a_cancelled_invoice_gets_its_own_copy_marked_cancelled(api, bucket):
    contract = active_contract(api)
    accounts, _ = staff(ACCOUNTS)
    invoice = api.post("/api/invoices", token=accounts, json={"contractId": contract["id"],
                       "quantity": {"value": 1, "unit": "BALE"}, "placeOfSupplyStateCode": "27"}).get_json()
    iid = invoice["id"]
    issued = _text(api.get(f"/api/invoices/{iid}/pdf", token=accounts).get_json()["url"])
    assert "CANCELLED" not in issued and "CGST @ 2.5%" in issued and "SGST @ 2.5%" in issued
    assert f"CGST @ 2.5% {rupees(_paise(invoice['cgst']))}" in issued

    assert api.post(f"/api/invoices/{iid}/cancel", json={"reason": "Billed to the wrong buyer"},
                    token=accounts).status_code == 200
    link = api.get(f"/api/invoices/{iid}/pdf", token=partner_token("buyer-1"))
    assert link.status_code == 200 and link.get_json()["fileName"].endswith("-CANCELLED.pdf")
    cancelled = _text(link.get_json()["url"])
    assert "CANCELLED: Billed to the wrong buyer" in cancelled and invoice["number"] in cancelled


def test_the_brokerage_invoice_pdf_shows_gst_and_tds_and_a_due_commission_has_none(api, bucket):
    token, _ = staff(BROKERAGE)
    contract = active_contract(api)
    items = api.get(f"/api/commissions?contractId={contract['id']}", token=token).get_json()["items"]
    sides = {item["side"]: item for item in items}
    buyer_id = sides["BUYER"]["id"]

    due = api.get(f"/api/commissions/{buyer_id}/pdf", token=token)
    assert (due.status_code, due.get_json()["code"]) == (409, "COMMISSION_NOT_INVOICED")

    document = api.post(f"/api/commissions/{buyer_id}/invoice", json={}, token=token).get_json()["brokerageInvoice"]
    link = api.get(f"/api/commissions/{buyer_id}/pdf", token=token)
    assert link.status_code == 200, link.get_json()
    assert parse_qs(urlsplit(link.get_json()["url"]).query)["X-Goog-Expires"] == ["300"]
    assert link.get_json()["fileName"] == document["number"].replace("/", "-") + ".pdf"
    text = _text(link.get_json()["url"])
    assert "TAX INVOICE - BROKERAGE" in text and document["number"] in text and "SAC 996111" in text
    assert "RNRL Cotton Trading Private Limited" in text and document["supplierGstin"] in text
    assert HINDI_BUYER in text and contract["buyer"]["gstin"] in text and contract["number"] in text
    # RNRL in Gujarat, the buyer in Gujarat: CGST + SGST at 9% each
    assert document["taxType"] == "INTRA_STATE"
    assert f"CGST @ 9% {rupees(_paise(document['cgst']))}" in text
    assert f"SGST @ 9% {rupees(_paise(document['sgst']))}" in text
    assert f"Total invoice value {rupees(_paise(document['total']))}" in text and "194H" in text
    if Decimal(str(document["tds"])) > 0:
        assert f"-{rupees(_paise(document['tds']))}" in text
        assert f"Net receivable after TDS {rupees(_paise(document['netReceivable']))}" in text
    else:
        assert "No TDS" in text and f"Net receivable {rupees(_paise(document['total']))}" in text

    assert api.post(f"/api/commissions/{buyer_id}/pay", json={"paidOn": "2026-12-02", "reference": "UTR-9"},
                    token=token).status_code == 200
    assert api.get(f"/api/commissions/{buyer_id}/pdf", token=token).status_code == 200     # PAID: the same PDF
    assert len([d for d in collection("invoiceDocuments").stream() if d.id.startswith("brokerage-")]) == 1

    elsewhere = api.get(f"/api/commissions/{buyer_id}/pdf", token=staff(BROKERAGE, org="ORG-ELSEWHERE")[0])
    assert (elsewhere.status_code, elsewhere.get_json()["code"]) == (404, "COMMISSION_NOT_FOUND")
    partner = api.get(f"/api/commissions/{buyer_id}/pdf", token=partner_token("buyer-1"))
    assert partner.status_code == api.get(f"/api/commissions/{buyer_id}", token=partner_token("buyer-1")).status_code
    assert partner.status_code == 403
