"""Contract notes: the approval's event, delivered through Pub/Sub to `on_contract_version` (twice, as at
least once delivery may), renders one PDF into the private bucket; the parties and the back office get a
short-lived signed URL and the PDF's text reads back with the number, parties, quantity and amounts."""
from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from shared.adapters import storage
from shared.db import collection
from shared.money import Money, to_words
from tests.support.contracts import (
    APPROVER,
    HINDI_BUYER,
    MANAGER,
    contract_body,
    partner_token,
    seed_masters,
    seed_party,
    staff,
)
from tests.support.notifications import Tap, push


@pytest.fixture
def setup(api):
    from functions.masters.cached import CACHE

    CACHE.clear()
    storage.reset_client()
    storage.ensure_bucket()
    seed_masters()
    seed_party("buyer-1", legal_name=HINDI_BUYER, state_code="24", pan="AAACS1234F")
    seed_party("seller-1", legal_name="Patel Ginning Factory", state_code="27", pan="AAAFP5678K")
    seed_party("other-1", legal_name="Other Traders", state_code="27", pan="AAAFO9999K")
    tap = Tap("domain-events")
    yield tap
    tap.close()
    CACHE.clear()
    storage.reset_client()


def _text(pdf_bytes: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def _deliver(api, tap, event_type, times=1):
    messages = [m for m in tap.pull(1, settle=0.3) if m.attributes.get("type") == event_type]
    assert len(messages) == 1, [m.attributes.get("type") for m in messages]
    for _ in range(times):
        answer = push(api, "on_contract_version", messages[0])
        assert answer.status_code == 200, answer.get_data(as_text=True)


def test_the_approved_version_gets_one_pdf_that_the_parties_can_download(api, setup):
    maker, _ = staff(MANAGER)
    checker, _ = staff(APPROVER)
    created = api.post("/api/contracts", json=contract_body(), token=maker).get_json()
    cid = created["id"]
    api.post(f"/api/contracts/{cid}/submit", token=maker)
    not_yet = api.get(f"/api/contracts/{cid}/versions/1/pdf", token=maker)
    assert not_yet.status_code == 404 and not_yet.get_json()["code"] == "CONTRACT_VERSION_NOT_FOUND"
    assert api.post(f"/api/contracts/{cid}/approve", token=checker).status_code == 200
    pending = api.get(f"/api/contracts/{cid}/versions/1/pdf", token=maker)
    assert pending.status_code == 409 and pending.get_json()["code"] == "CONTRACT_NOTE_NOT_READY"

    _deliver(api, setup, "ContractApproved", times=2)
    [record] = [d.to_dict() for d in collection("contractDocuments").stream()]
    assert record["status"] == "READY" and record["version"] == 1
    markers = [d.id for d in collection("processedEvents").stream() if d.id.startswith("contract-notes:")]
    assert len(markers) == 1
    assert api.get(f"/api/contracts/{cid}/versions", token=maker).get_json()["items"][0]["pdfReady"] is True

    for token in (maker, partner_token("buyer-1"), partner_token("seller-1")):
        link = api.get(f"/api/contracts/{cid}/versions/1/pdf", token=token)
        assert link.status_code == 200, link.get_json()
    body = link.get_json()
    assert parse_qs(urlsplit(body["url"]).query)["X-Goog-Expires"] == ["300"]
    assert body["fileName"] == created["number"].replace("/", "-") + "-v1.pdf"
    assert api.get(f"/api/contracts/{cid}/versions/1/pdf", token=partner_token("other-1")).status_code == 404

    got = requests.get(body["url"], timeout=10)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    text = _text(got.content)
    assert created["number"] in text
    assert HINDI_BUYER in text and "Patel Ginning Factory" in text
    assert "100 BALE (17000 kg)" in text
    value = Money.of(str(created["value"]))
    assert to_words(value) in text.replace("\n", " ")
    assert "₹ 20,79,493.14" in text                      # Indian grouping of 2079493.14
    assert "15 days credit (15 days)" in text and "Shankar-6" in text
    assert "GST @ 5%" in text and "Buyer side: 0.5% of value" in text


def test_an_amendment_gets_its_own_note(api, setup):
    maker, _ = staff(MANAGER | APPROVER)
    checker, _ = staff(MANAGER | APPROVER)
    cid = api.post("/api/contracts", json=contract_body(), token=maker).get_json()["id"]
    api.post(f"/api/contracts/{cid}/submit", token=maker)
    api.post(f"/api/contracts/{cid}/approve", token=checker)
    _deliver(api, setup, "ContractApproved")
    api.post(f"/api/contracts/{cid}/amendments", token=maker,
             json={"expectedVersion": 1, "reason": "Rate revised", "rate": {"amount": 44000, "unit": "CANDY"}})
    api.post(f"/api/contracts/{cid}/approve", token=checker)
    _deliver(api, setup, "ContractAmended")
    link = api.get(f"/api/contracts/{cid}/versions/2/pdf", token=partner_token("buyer-1")).get_json()
    text = _text(requests.get(link["url"], timeout=10).content)
    assert "Version 2" in text and "₹ 44,000.00 per CANDY" in text
    first = api.get(f"/api/contracts/{cid}/versions/1/pdf", token=maker).get_json()
    assert "₹ 43,500.55 per CANDY" in _text(requests.get(first["url"], timeout=10).content)


def test_the_parties_are_told_the_contract_was_approved(api, setup):
    from tests.support.notifications import seed_user

    seed_user("buyer-user", partnerId="buyer-1", name="Asha Rao", email="asha@example.com")
    seed_user("stranger-user", partnerId="other-1", name="Other", email="other@example.com")
    maker, _ = staff(MANAGER)
    checker, _ = staff(APPROVER)
    created = api.post("/api/contracts", json=contract_body(), token=maker).get_json()
    api.post(f"/api/contracts/{created['id']}/submit", token=maker)
    api.post(f"/api/contracts/{created['id']}/approve", token=checker)
    messages = [m for m in setup.pull(2, settle=0.3) if m.attributes.get("type") == "ContractApproved"]
    assert push(api, "on_domain_event", messages[0]).status_code == 200
    [notice] = [d.to_dict() for d in collection("users").document("buyer-user").collection("notifications").stream()]
    assert notice["title"] == f"Sales contract {created['number']} approved"
    assert notice["link"] == {"entity": "contract", "id": created["id"]}
    assert list(collection("users").document("stranger-user").collection("notifications").stream()) == []
