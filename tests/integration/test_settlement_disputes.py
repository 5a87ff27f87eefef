"""Disputes through the HTTP API on the emulators: a quality dispute on an invoiced contract resolved with a
credit note citing the invoice, the contract DISPUTED while it is open; scope (parties only, shared comments
only); illegal moves 409 writing nothing; two disputes on one contract; concurrent numbering; no comments or
evidence once a dispute has ended (back-office internal notes while RESOLVED); withdrawal by the raising party
or the back office, never the other party nor twice; a withdrawal racing a resolution."""
from __future__ import annotations

from decimal import Decimal

import pytest

from shared.auth.permissions import BUILT_IN_ROLES
from shared.db import collection
from tests.support.concurrency import run_together
from tests.support.contracts import ACCOUNTS, ORG, active_contract, staff
from tests.support.identity import token_for
from tests.support.notifications import seed_user
from tests.support.uploads import assert_each_won_cleanly, complete_racing_sweep

MANAGER_ID = "asha-dm"


def _partner(partner_id: str) -> str:
    return token_for(BUILT_IN_ROLES["PARTNER_PRIMARY"], kind="partner", role="PARTNER_PRIMARY",
                     partner_id=partner_id)[0]


def _manager() -> str:
    seed_user(MANAGER_ID, role="DISPUTE_MANAGER", organizationIds=[ORG], name="Asha Dispute Manager")
    return token_for(BUILT_IN_ROLES["DISPUTE_MANAGER"], role="DISPUTE_MANAGER", user_id=MANAGER_ID,
                     organization_ids=(ORG,))[0]


@pytest.fixture
def invoiced(api, contract_parties):
    """An ACTIVE contract (buyer-1, seller-1) with one invoice of 2 bales; a dispute manager."""
    contract = active_contract(api)
    accounts, _ = staff(ACCOUNTS)
    issued = api.post("/api/invoices", json={"contractId": contract["id"], "quantity": {"value": 2, "unit": "BALE"}},
                      token=accounts)
    assert issued.status_code == 201, issued.get_json()
    return {"contract": contract, "invoice": issued.get_json(), "manager": _manager(), "accounts": accounts}


def _raise(api, token, contract_id, **extra):
    body = {"contractId": contract_id, "type": "QUALITY", "description": "Micronaire 5.2 against 3.8-4.5 agreed",
            **extra}
    return api.post("/api/disputes", json=body, token=token)


def _contract(api, contract_id):
    return api.get(f"/api/contracts/{contract_id}", token=staff()[0]).get_json()


def _audit(entity_id):
    return sorted(s.to_dict()["action"] for s in collection("auditLog").stream()
                  if s.to_dict().get("entityId") == entity_id)


def test_a_quality_dispute_resolved_with_a_credit_note_citing_the_invoice(api, invoiced):
    contract, invoice, manager = invoiced["contract"], invoiced["invoice"], invoiced["manager"]
    buyer = _partner("buyer-1")
    raised = _raise(api, buyer, contract["id"], invoiceId=invoice["id"], claimedAmount=1500.55)
    assert raised.status_code == 201, raised.get_json()
    dispute = raised.get_json()
    fy = invoice["financialYear"]
    assert dispute["number"] == f"DSP/{fy[2:4]}-{fy[-2:]}/00001"
    assert (dispute["status"], dispute["type"], dispute["claimedAmount"]) == ("OPEN", "QUALITY", 1500.55)
    assert (dispute["invoiceNumber"], dispute["invoiceDate"]) == (invoice["number"], invoice["invoiceDate"])
    assert dispute["raisedBy"] == {"userId": dispute["raisedBy"]["userId"], "kind": "PARTNER", "partnerId": "buyer-1"}
    disputed = _contract(api, contract["id"])
    assert (disputed["status"], disputed["statusBeforeDispute"]) == ("DISPUTED", "ACTIVE")
    seller_view = collection("partnerViews").document("seller-1").collection("contracts").document(contract["id"])
    assert seller_view.get().to_dict()["status"] == "DISPUTED"          # the parties' realtime documents follow

    url = f"/api/disputes/{dispute['id']}"
    for text, visibility in (("Seller's lab report looks doctored", "INTERNAL"), ("Please upload the HVI report",
                                                                                   "SHARED")):
        posted = api.post(f"{url}/comments", json={"text": text, "visibility": visibility}, token=manager)
        assert posted.status_code == 201, posted.get_json()
        assert posted.get_json()["author"]["kind"] == "BACK_OFFICE"
    mine = api.post(f"{url}/comments", json={"text": "Report attached", "visibility": "SHARED"}, token=buyer)
    assert mine.status_code == 201, mine.get_json()
    everything = api.get(f"{url}/comments", token=manager).get_json()["items"]
    assert [(c["visibility"], c["text"]) for c in everything] == [
        ("INTERNAL", "Seller's lab report looks doctored"), ("SHARED", "Please upload the HVI report"),
        ("SHARED", "Report attached")]
    for party in (buyer, _partner("seller-1")):
        seen = api.get(f"{url}/comments", token=party).get_json()["items"]
        assert [c["text"] for c in seen] == ["Please upload the HVI report", "Report attached"]

    assigned = api.post(f"{url}/assign", json={"userId": MANAGER_ID}, token=manager)
    assert assigned.status_code == 200, assigned.get_json()
    assert (assigned.get_json()["status"], assigned.get_json()["assignedTo"]) == ("UNDER_REVIEW", MANAGER_ID)

    resolved = api.post(f"{url}/resolve", token=manager, headers={"If-Match": assigned.headers["ETag"]},
                        json={"resolution": "Micronaire discount per the CAI bands",
                              "adjustment": {"kind": "CREDIT", "amount": 1000.10, "reason": "quality discount"}})
    assert resolved.status_code == 200, resolved.get_json()
    body = resolved.get_json()
    assert body["status"] == "RESOLVED" and body["resolution"] == "Micronaire discount per the CAI bands"
    adjustment = body["adjustment"]
    assert adjustment["kind"] == "CREDIT" and adjustment["noteNumber"].startswith("CN/")
    note = collection("invoiceNotes").document(adjustment["noteId"]).get().to_dict()
    assert (note["kind"], note["number"], note["invoiceId"]) == ("CREDIT", adjustment["noteNumber"], invoice["id"])
    assert (note["invoiceNumber"], note["invoiceDate"]) == (invoice["number"], invoice["invoiceDate"])
    assert note["taxableValuePaise"] == 100010 and dispute["number"] in note["reason"]
    after = api.get(f"/api/invoices/{invoice['id']}", token=invoiced["accounts"]).get_json()
    assert Decimal(str(after["balance"])) == Decimal(str(invoice["balance"])) - Decimal(str(adjustment["noteTotal"]))
    back = _contract(api, contract["id"])
    assert (back["status"], back["statusBeforeDispute"]) == ("ACTIVE", None)
    assert seller_view.get().to_dict()["status"] == "ACTIVE"
    assert _audit(dispute["id"]) == sorted(["dispute.raise", "dispute.comment", "dispute.comment", "dispute.comment",
                                            "dispute.assign", "dispute.resolve"])
    assert {"contract.dispute", "contract.dispute_ended"} <= set(_audit(contract["id"]))
    events = [s.to_dict() for s in collection("outbox").stream() if s.to_dict()["type"].startswith("Dispute")]
    assert sorted((e["type"], e["data"].get("change")) for e in events) == [
        ("DisputeRaised", None), ("DisputeResolved", None), ("DisputeUpdated", "ASSIGNED"),
        ("DisputeUpdated", "COMMENTED"), ("DisputeUpdated", "COMMENTED")]
    [resolved_event] = [e for e in events if e["type"] == "DisputeResolved"]
    assert resolved_event["data"]["noteNumber"] == adjustment["noteNumber"]


def test_only_the_parties_and_the_back_office_see_a_dispute(api, invoiced):
    contract = invoiced["contract"]
    dispute = _raise(api, invoiced["manager"], contract["id"]).get_json()
    url = f"/api/disputes/{dispute['id']}"
    outsider = _partner("other-1")
    assert api.get(url, token=_partner("seller-1")).get_json()["id"] == dispute["id"]
    for path in (url, f"{url}/comments", f"{url}/evidence"):
        hidden = api.get(path, token=outsider)
        assert (hidden.status_code, hidden.get_json()["code"]) == (404, "DISPUTE_NOT_FOUND"), path
    refused = _raise(api, outsider, contract["id"])
    assert (refused.status_code, refused.get_json()["code"]) == (404, "CONTRACT_NOT_FOUND")
    assert api.get("/api/disputes", token=outsider).get_json()["items"] == []
    assert [d["id"] for d in api.get("/api/disputes", token=_partner("buyer-1")).get_json()["items"]] == [dispute["id"]]
    other_org, _ = token_for({"disputes:read", "disputes:manage"}, organization_ids=("another-org",))
    assert api.get(url, token=other_org).status_code == 404
    assert api.get("/api/disputes", token=other_org).get_json()["items"] == []

    internal = api.post(f"{url}/comments", json={"text": "between us", "visibility": "INTERNAL"},
                        token=_partner("buyer-1"))
    assert (internal.status_code, internal.get_json()["code"]) == (403, "INTERNAL_COMMENT_NOT_ALLOWED")
    assert list(collection("disputes").document(dispute["id"]).collection("comments").stream()) == []
    for action, body in (("assign", {"userId": MANAGER_ID}), ("close", {"reason": "withdrawn by me"})):
        denied = api.post(f"{url}/{action}", json=body, token=_partner("buyer-1"))
        assert (denied.status_code, denied.get_json()["code"]) == (403, "PERMISSION_DENIED"), action
    # unknown, of another organization, without disputes:manage, a partner's user: none can be assigned
    seed_user("elsewhere", role="DISPUTE_MANAGER", organizationIds=["another-org"])
    seed_user("sales-1", role="SALES", organizationIds=[ORG])
    seed_user("partner-user", partnerId="buyer-1", grants=["disputes:manage"])
    for user_id in ("someone-else", "elsewhere", "sales-1", "partner-user"):
        not_a_manager = api.post(f"{url}/assign", json={"userId": user_id}, token=invoiced["manager"])
        assert (not_a_manager.status_code, not_a_manager.get_json()["code"]) == (
            422, "ASSIGNEE_NOT_DISPUTE_MANAGER"), user_id
    assert api.get(url, token=invoiced["manager"]).get_json()["status"] == "OPEN"


def test_illegal_moves_are_409_and_write_nothing(api, invoiced):
    contract, manager = invoiced["contract"], invoiced["manager"]
    dispute = _raise(api, manager, contract["id"], invoiceId=invoiced["invoice"]["id"]).get_json()
    url = f"/api/disputes/{dispute['id']}"
    adjustment = {"kind": "CREDIT", "amount": 10, "reason": "quality discount"}
    early = api.post(f"{url}/resolve", json={"resolution": "not reviewed yet", "adjustment": adjustment},
                     token=manager)
    assert (early.status_code, early.get_json()["code"]) == (409, "INVALID_TRANSITION")
    assert early.get_json()["details"]["allowed"] == ["CLOSED", "UNDER_REVIEW", "WITHDRAWN"]
    closed = api.post(f"{url}/close", json={"reason": "withdrawn by the buyer"}, token=manager)
    assert closed.status_code == 200 and closed.get_json()["status"] == "CLOSED"
    assert _contract(api, contract["id"])["status"] == "ACTIVE"

    stored = collection("disputes").document(dispute["id"]).get().to_dict()
    audit, outbox = len(list(collection("auditLog").stream())), len(list(collection("outbox").stream()))
    for action, body in (("resolve", {"resolution": "too late", "adjustment": adjustment}),
                         ("assign", {"userId": MANAGER_ID}), ("close", {"reason": "closing twice"})):
        late = api.post(f"{url}/{action}", json=body, token=manager)
        assert (late.status_code, late.get_json()["code"]) == (409, "INVALID_TRANSITION"), action
        assert late.get_json()["details"] == {"from": "CLOSED", "to": late.get_json()["details"]["to"], "allowed": []}
    assert collection("disputes").document(dispute["id"]).get().to_dict() == stored
    assert list(collection("invoiceNotes").stream()) == []
    assert (len(list(collection("auditLog").stream())), len(list(collection("outbox").stream()))) == (audit, outbox)
    assert _contract(api, contract["id"])["status"] == "ACTIVE"


def test_the_contract_stays_disputed_until_both_disputes_are_done(api, invoiced):
    contract, manager = invoiced["contract"], invoiced["manager"]
    # a delivered contract: back to COMPLETED afterwards, not to a default ACTIVE
    collection("contracts").document(contract["id"]).update({"status": "COMPLETED"})
    first = _raise(api, _partner("seller-1"), contract["id"], type="PAYMENT").get_json()
    second = _raise(api, manager, contract["id"], type="QUANTITY", description="Weight short by 600 kg").get_json()
    assert [first["status"], second["status"]] == ["OPEN", "OPEN"]
    assert first["number"][-5:] == "00001" and second["number"][-5:] == "00002"
    disputed = _contract(api, contract["id"])
    assert (disputed["status"], disputed["statusBeforeDispute"]) == ("DISPUTED", "COMPLETED")

    assert api.post(f"/api/disputes/{first['id']}/close", json={"reason": "paid meanwhile"},
                    token=manager).status_code == 200
    still = _contract(api, contract["id"])
    assert (still["status"], still["statusBeforeDispute"]) == ("DISPUTED", "COMPLETED")
    assert api.post(f"/api/disputes/{second['id']}/assign", json={"userId": MANAGER_ID},
                    token=manager).status_code == 200
    done = api.post(f"/api/disputes/{second['id']}/resolve", json={"resolution": "Weighbridge slips match"},
                    token=manager)
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["status"], done.get_json()["adjustment"]) == ("RESOLVED", None)
    back = _contract(api, contract["id"])
    assert (back["status"], back["statusBeforeDispute"]) == ("COMPLETED", None)
    listed = api.get(f"/api/disputes?contractId={contract['id']}&status=CLOSED", token=manager).get_json()["items"]
    assert [d["id"] for d in listed] == [first["id"]]


def test_an_adjustment_needs_an_invoice_and_a_draft_contract_cannot_be_disputed(api, invoiced):
    from tests.support.contracts import MANAGER, contract_body

    manager = invoiced["manager"]
    dispute = _raise(api, manager, invoiced["contract"]["id"]).get_json()
    url = f"/api/disputes/{dispute['id']}"
    assert api.post(f"{url}/assign", json={"userId": MANAGER_ID}, token=manager).status_code == 200
    missing = api.post(f"{url}/resolve", token=manager, json={
        "resolution": "discount", "adjustment": {"kind": "DEBIT", "amount": 5, "reason": "short-billed"}})
    assert (missing.status_code, missing.get_json()["code"]) == (422, "ADJUSTMENT_NEEDS_INVOICE")
    assert api.get(url, token=manager).get_json()["status"] == "UNDER_REVIEW"
    debit = api.post(f"{url}/resolve", token=manager, json={
        "resolution": "discount", "adjustment": {"kind": "DEBIT", "amount": 5, "reason": "short-billed",
                                                 "invoiceId": invoiced["invoice"]["id"]}})
    assert debit.status_code == 200, debit.get_json()
    assert debit.get_json()["adjustment"]["noteNumber"].startswith("DN/")

    draft = api.post("/api/contracts", json=contract_body(), token=staff(MANAGER)[0]).get_json()
    refused = _raise(api, manager, draft["id"])
    assert (refused.status_code, refused.get_json()["code"]) == (409, "CONTRACT_NOT_DISPUTABLE")
    assert _contract(api, draft["id"])["status"] == "DRAFT"


def test_ten_concurrent_disputes_get_ten_consecutive_numbers(api, invoiced):
    from local.gateway import create_gateway
    from tests.support.client import ApiClient

    contract, manager = invoiced["contract"], invoiced["manager"]
    gateway = create_gateway()

    def one(n: int):
        response = _raise(ApiClient(gateway), manager, contract["id"], description=f"Claim number {n}")
        assert response.status_code == 201, response.get_json()
        return response.get_json()["number"]

    numbers = run_together([lambda n=n: one(n) for n in range(10)], timeout=240)
    assert sorted(int(number[-5:]) for number in numbers) == list(range(1, 11))
    assert len({number[:-5] for number in numbers}) == 1
    ids = collection("contractDisputes").document(contract["id"]).get().to_dict()["openDisputeIds"]
    assert len(ids) == 10
    assert _contract(api, contract["id"])["statusBeforeDispute"] == "ACTIVE"


def test_evidence_through_signed_urls_for_the_parties_and_the_back_office(api, invoiced, bucket):
    from urllib.parse import parse_qs, urlsplit

    import requests

    from functions.contracts.dispute_evidence import object_name
    from shared.adapters import storage
    from tests.support.partners import PDF, PNG

    buyer = _partner("buyer-1")
    dispute = _raise(api, buyer, invoiced["contract"]["id"]).get_json()
    url = f"/api/disputes/{dispute['id']}/evidence"
    requested = api.post(url, json={"fileName": "hvi report.pdf", "contentType": "application/pdf",
                                    "description": "HVI report of lot 7"}, token=buyer)
    assert requested.status_code == 201, requested.get_json()
    evidence, upload = requested.get_json()["evidence"], requested.get_json()["upload"]
    assert evidence["status"] == "PENDING_UPLOAD" and upload["maxBytes"] == 5 * 1024 * 1024
    assert upload["headers"] == {"Content-Type": "application/pdf", "x-goog-content-length-range": "0,5242880"}
    assert parse_qs(urlsplit(upload["url"]).query)["X-Goog-Expires"] == ["900"]
    early = api.post(f"{url}/{evidence['id']}/complete", token=buyer)
    assert (early.status_code, early.get_json()["code"]) == (422, "UPLOAD_NOT_FOUND")
    assert requests.put(upload["url"], data=PDF, headers=upload["headers"], timeout=10).status_code == 200
    done = api.post(f"{url}/{evidence['id']}/complete", token=buyer)
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["status"], done.get_json()["sizeBytes"]) == ("VERIFIED_FILE", len(PDF))

    for reader in (_partner("seller-1"), invoiced["manager"]):
        listed = api.get(url, token=reader).get_json()["items"]
        assert [(e["id"], e["description"]) for e in listed] == [(evidence["id"], "HVI report of lot 7")]
        link = api.get(f"{url}/{evidence['id']}/download", token=reader)
        assert link.status_code == 200, link.get_json()
        assert parse_qs(urlsplit(link.get_json()["url"]).query)["X-Goog-Expires"] == ["300"]
        assert requests.get(link.get_json()["url"], timeout=10).content == PDF
    hidden = api.get(f"{url}/{evidence['id']}/download", token=_partner("other-1"))
    assert (hidden.status_code, hidden.get_json()["code"]) == (404, "DISPUTE_NOT_FOUND")

    fake = api.post(url, json={"fileName": "photo.pdf", "contentType": "application/pdf"}, token=buyer).get_json()
    requests.put(fake["upload"]["url"], data=PNG, headers=fake["upload"]["headers"], timeout=10)
    refused = api.post(f"{url}/{fake['evidence']['id']}/complete", token=buyer)
    assert (refused.status_code, refused.get_json()["code"]) == (422, "FILE_TYPE_MISMATCH")
    assert storage.inspect(object_name(dispute["id"], fake["evidence"]["id"])).exists is False
    unavailable = api.get(f"{url}/{fake['evidence']['id']}/download", token=buyer)
    assert (unavailable.status_code, unavailable.get_json()["code"]) == (409, "EVIDENCE_NOT_AVAILABLE")
    bad_type = api.post(url, json={"fileName": "x.exe", "contentType": "application/x-msdownload"}, token=buyer)
    assert (bad_type.status_code, bad_type.get_json()["code"]) == (422, "UNSUPPORTED_FILE_TYPE")


# ---------------------------------------------------------------- ended disputes, withdrawal

def _counts(dispute_id):
    ref = collection("disputes").document(dispute_id)
    return (len(list(ref.collection("comments").stream())), len(list(ref.collection("evidence").stream())),
            len(list(collection("auditLog").stream())), len(list(collection("outbox").stream())))


def _refused(response, status):
    assert (response.status_code, response.get_json()["code"]) == (409, "DISPUTE_CLOSED"), response.get_json()
    assert response.get_json()["details"] == {"status": status}
    assert status in response.get_json()["message"]


def test_an_ended_dispute_takes_no_comments_or_evidence_but_internal_notes_while_resolved(api, invoiced, bucket):
    import requests

    from tests.support.partners import PDF

    contract, manager, buyer = invoiced["contract"], invoiced["manager"], _partner("buyer-1")
    shared = {"text": "One more thing", "visibility": "SHARED"}
    internal = {"text": "Credit note sent to accounts", "visibility": "INTERNAL"}
    evidence = {"fileName": "late.pdf", "contentType": "application/pdf"}

    resolved = _raise(api, buyer, contract["id"]).get_json()
    url = f"/api/disputes/{resolved['id']}"
    assert api.post(f"{url}/assign", json={"userId": MANAGER_ID}, token=manager).status_code == 200
    assert api.post(f"{url}/resolve", json={"resolution": "Rate cut agreed"}, token=manager).status_code == 200
    before = _counts(resolved["id"])
    for token in (buyer, _partner("seller-1"), manager):
        _refused(api.post(f"{url}/comments", json=shared, token=token), "RESOLVED")
        _refused(api.post(f"{url}/evidence", json=evidence, token=token), "RESOLVED")
    assert _counts(resolved["id"]) == before
    # while RESOLVED the back office may still record internal notes (never shown, never announced)
    note = api.post(f"{url}/comments", json=internal, token=manager)
    assert note.status_code == 201, note.get_json()
    comments, evidence_count, audit, outbox = _counts(resolved["id"])
    assert (comments, evidence_count, audit, outbox) == (before[0] + 1, before[1], before[2] + 1, before[3])
    assert api.get(f"{url}/comments", token=buyer).get_json()["items"] == []

    # CLOSED and WITHDRAWN: frozen, internal notes too; a file PUT before the end is not checked afterwards
    closed = _raise(api, manager, contract["id"], type="PAYMENT").get_json()
    withdrawn = _raise(api, buyer, contract["id"], type="DELIVERY").get_json()
    pending = api.post(f"/api/disputes/{closed['id']}/evidence", json=evidence, token=buyer).get_json()
    upload = pending["upload"]
    assert requests.put(upload["url"], data=PDF, headers=upload["headers"], timeout=10).status_code == 200
    assert api.post(f"/api/disputes/{closed['id']}/close", json={"reason": "no action"},
                    token=manager).status_code == 200
    assert api.post(f"/api/disputes/{withdrawn['id']}/withdraw", json={}, token=buyer).status_code == 200
    for dispute, status in ((closed, "CLOSED"), (withdrawn, "WITHDRAWN")):
        url = f"/api/disputes/{dispute['id']}"
        before = _counts(dispute["id"])
        for token in (buyer, manager):
            _refused(api.post(f"{url}/comments", json=shared, token=token), status)
            _refused(api.post(f"{url}/evidence", json=evidence, token=token), status)
        _refused(api.post(f"{url}/comments", json=internal, token=manager), status)
        assert _counts(dispute["id"]) == before
    late = api.post(f"/api/disputes/{closed['id']}/evidence/{pending['evidence']['id']}/complete", token=buyer)
    _refused(late, "CLOSED")
    stored = collection("disputes").document(closed["id"]).collection("evidence").document(pending["evidence"]["id"])
    assert stored.get().to_dict()["status"] == "PENDING_UPLOAD"
    # a partner's internal comment is still 403 first, whatever the status
    denied = api.post(f"/api/disputes/{closed['id']}/comments", json=internal, token=buyer)
    assert (denied.status_code, denied.get_json()["code"]) == (403, "INTERNAL_COMMENT_NOT_ALLOWED")
    assert _contract(api, contract["id"])["status"] == "ACTIVE"


def test_the_raising_party_withdraws_its_dispute_and_the_contract_returns(api, invoiced):
    contract, manager = invoiced["contract"], invoiced["manager"]
    # a delivered contract: back to COMPLETED afterwards, as on resolution, not to a default ACTIVE
    collection("contracts").document(contract["id"]).update({"status": "COMPLETED"})
    buyer, seller = _partner("buyer-1"), _partner("seller-1")
    raised = _raise(api, buyer, contract["id"])
    dispute = raised.get_json()
    url = f"/api/disputes/{dispute['id']}"
    assert _contract(api, contract["id"])["status"] == "DISPUTED"
    seller_view = collection("partnerViews").document("seller-1").collection("contracts").document(contract["id"])
    assert seller_view.get().to_dict()["status"] == "DISPUTED"

    stored = collection("disputes").document(dispute["id"]).get().to_dict()
    other = api.post(f"{url}/withdraw", json={"reason": "not mine to drop"}, token=seller)
    assert (other.status_code, other.get_json()["code"]) == (403, "NOT_DISPUTE_RAISER")
    hidden = api.post(f"{url}/withdraw", json={}, token=_partner("other-1"))
    assert (hidden.status_code, hidden.get_json()["code"]) == (404, "DISPUTE_NOT_FOUND")
    stale = api.post(f"{url}/withdraw", json={}, token=buyer, headers={"If-Match": 'W/"99"'})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "STALE_VERSION")
    short = api.post(f"{url}/withdraw", json={"reason": "x"}, token=buyer)
    assert short.status_code == 422
    assert collection("disputes").document(dispute["id"]).get().to_dict() == stored
    outbox = len(list(collection("outbox").stream()))

    done = api.post(f"{url}/withdraw", json={"reason": "Seller replaced the bales"}, token=buyer,
                    headers={"If-Match": raised.headers["ETag"]})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["status"], body["withdrawReason"], body["version"]) == ("WITHDRAWN", "Seller replaced the bales", 2)
    assert body["withdrawnBy"] == {"userId": dispute["raisedBy"]["userId"], "kind": "PARTNER", "partnerId": "buyer-1"}
    assert body["withdrawnAt"] and done.headers["ETag"] != raised.headers["ETag"]
    assert api.get(url, token=seller).get_json()["status"] == "WITHDRAWN"
    back = _contract(api, contract["id"])
    assert (back["status"], back["statusBeforeDispute"]) == ("COMPLETED", None)
    assert seller_view.get().to_dict()["status"] == "COMPLETED"         # the parties' realtime documents follow
    assert collection("contractDisputes").document(contract["id"]).get().to_dict()["openDisputeIds"] == []
    assert "dispute.withdraw" in _audit(dispute["id"]) and "contract.dispute_ended" in _audit(contract["id"])
    events = [s.to_dict() for s in collection("outbox").stream() if s.to_dict()["type"] == "DisputeUpdated"]
    assert len(list(collection("outbox").stream())) == outbox + 1
    [event] = events
    assert {k: event["data"][k] for k in ("disputeId", "status", "change", "buyerPartnerId", "sellerPartnerId")} == {
        "disputeId": dispute["id"], "status": "WITHDRAWN", "change": "WITHDRAWN", "buyerPartnerId": "buyer-1",
        "sellerPartnerId": "seller-1"}
    listed = api.get(f"/api/disputes?status=WITHDRAWN&contractId={contract['id']}", token=seller).get_json()["items"]
    assert [d["id"] for d in listed] == [dispute["id"]]

    # withdrawn is final: not twice, not by the back office, nothing else either; nothing written
    stored = collection("disputes").document(dispute["id"]).get().to_dict()
    audit, outbox = len(list(collection("auditLog").stream())), len(list(collection("outbox").stream()))
    for token, action, body in ((buyer, "withdraw", {}), (manager, "withdraw", {"reason": "on their behalf"}),
                                (manager, "close", {"reason": "no action"}),
                                (manager, "assign", {"userId": MANAGER_ID})):
        again = api.post(f"{url}/{action}", json=body, token=token)
        assert (again.status_code, again.get_json()["code"]) == (409, "INVALID_TRANSITION"), action
        assert again.get_json()["details"] == {"from": "WITHDRAWN", "to": again.get_json()["details"]["to"],
                                               "allowed": []}
    assert collection("disputes").document(dispute["id"]).get().to_dict() == stored
    assert (len(list(collection("auditLog").stream())), len(list(collection("outbox").stream()))) == (audit, outbox)
    assert _contract(api, contract["id"])["status"] == "COMPLETED"


def test_the_back_office_withdraws_on_a_partys_behalf_but_never_the_other_party(api, invoiced):
    contract, manager = invoiced["contract"], invoiced["manager"]
    by_seller = _raise(api, _partner("seller-1"), contract["id"], type="PAYMENT").get_json()
    by_desk = _raise(api, manager, contract["id"], type="QUANTITY").get_json()
    assert api.post(f"/api/disputes/{by_seller['id']}/assign", json={"userId": MANAGER_ID},
                    token=manager).status_code == 200
    # a back-office user who may raise disputes but not manage them cannot withdraw one
    sales, _ = token_for(BUILT_IN_ROLES["SALES"], role="SALES", organization_ids=(ORG,))
    denied = api.post(f"/api/disputes/{by_seller['id']}/withdraw", json={}, token=sales)
    assert (denied.status_code, denied.get_json()["code"]) == (403, "PERMISSION_DENIED")
    # neither party withdraws what the back office raised
    for party in ("buyer-1", "seller-1"):
        refused = api.post(f"/api/disputes/{by_desk['id']}/withdraw", json={}, token=_partner(party))
        assert (refused.status_code, refused.get_json()["code"]) == (403, "NOT_DISPUTE_RAISER"), party
    other_org, _ = token_for({"disputes:manage"}, organization_ids=("another-org",))
    hidden = api.post(f"/api/disputes/{by_seller['id']}/withdraw", json={}, token=other_org)
    assert (hidden.status_code, hidden.get_json()["code"]) == (404, "DISPUTE_NOT_FOUND")

    for_them = api.post(f"/api/disputes/{by_seller['id']}/withdraw", json={"reason": "Seller phoned: paid"},
                        token=manager)
    assert for_them.status_code == 200, for_them.get_json()
    assert (for_them.get_json()["status"], for_them.get_json()["withdrawnBy"]["kind"]) == ("WITHDRAWN", "BACK_OFFICE")
    assert _contract(api, contract["id"])["status"] == "DISPUTED"          # the desk's dispute is still open
    own = api.post(f"/api/disputes/{by_desk['id']}/withdraw", token=manager)
    assert own.status_code == 200, own.get_json()
    assert own.get_json()["withdrawReason"] is None
    back = _contract(api, contract["id"])
    assert (back["status"], back["statusBeforeDispute"]) == ("ACTIVE", None)


def test_a_withdrawal_racing_a_resolution_lets_exactly_one_win(api, invoiced):
    from local.gateway import create_gateway
    from tests.support.client import ApiClient

    contract, manager, buyer = invoiced["contract"], invoiced["manager"], _partner("buyer-1")
    gateway = create_gateway()
    winners = set()
    for round_ in range(3):
        dispute = _raise(api, buyer, contract["id"], description=f"Round {round_} claim").get_json()
        url = f"/api/disputes/{dispute['id']}"
        assert api.post(f"{url}/assign", json={"userId": MANAGER_ID}, token=manager).status_code == 200

        def call(action, token, body, url=url):
            response = ApiClient(gateway).post(f"{url}/{action}", json=body, token=token)
            answer = response.get_json()
            return action, response.status_code, answer["code"] if response.status_code >= 400 else answer["status"]

        outcomes = run_together([lambda: call("withdraw", buyer, {"reason": "dropping it"}),
                                 lambda: call("resolve", manager, {"resolution": "Rate cut agreed"})], timeout=120)
        assert sorted(status for _, status, _ in outcomes) == [200, 409], outcomes
        [(winner, _, status)] = [o for o in outcomes if o[1] == 200]
        [(_, _, code)] = [o for o in outcomes if o[1] == 409]
        assert code == "INVALID_TRANSITION" and status == {"withdraw": "WITHDRAWN", "resolve": "RESOLVED"}[winner]
        winners.add(winner)
        stored = collection("disputes").document(dispute["id"]).get().to_dict()
        assert stored["status"] == status and stored["version"] == 3
        assert (stored["withdrawnAt"] is None) == (winner == "resolve")
        assert (stored["resolvedAt"] is None) == (winner == "withdraw")
        assert [a for a in _audit(dispute["id"]) if a in ("dispute.withdraw", "dispute.resolve")] == [
            f"dispute.{winner}"]
        ended = [s.to_dict() for s in collection("outbox").stream()
                 if s.to_dict()["data"].get("disputeId") == dispute["id"]
                 and s.to_dict()["type"] in ("DisputeResolved", "DisputeUpdated")
                 and s.to_dict()["data"].get("change") != "ASSIGNED"]
        assert [e["type"] for e in ended] == ["DisputeUpdated" if winner == "withdraw" else "DisputeResolved"]
        back = _contract(api, contract["id"])
        assert (back["status"], back["statusBeforeDispute"]) == ("ACTIVE", None)
        assert collection("contractDisputes").document(contract["id"]).get().to_dict()["openDisputeIds"] == []


# ---------------------------------------------------------------- the abandoned-upload sweep

def _put_evidence(api, token, dispute_id, data: bytes | None = None) -> str:
    import requests

    from tests.support.partners import PDF

    requested = api.post(f"/api/disputes/{dispute_id}/evidence", token=token,
                         json={"fileName": "lab report.pdf", "contentType": "application/pdf"})
    assert requested.status_code == 201, requested.get_json()
    upload = requested.get_json()["upload"]
    put = requests.put(upload["url"], data=PDF if data is None else data, headers=upload["headers"], timeout=10)
    assert put.status_code == 200
    return requested.get_json()["evidence"]["id"]


def _evidence(dispute_id: str, evidence_id: str) -> dict:
    return collection("disputes").document(dispute_id).collection("evidence").document(evidence_id).get().to_dict()


def test_evidence_never_completed_is_swept_once_an_hour_past_its_expiry(api, invoiced, bucket):
    from datetime import timedelta

    from functions.contracts.dispute_evidence import object_name
    from shared import clock
    from shared.adapters import storage
    from tests.support.contracts import run_job

    buyer = _partner("buyer-1")
    dispute = _raise(api, buyer, invoiced["contract"]["id"]).get_json()
    url = f"/api/disputes/{dispute['id']}/evidence"
    abandoned = _put_evidence(api, buyer, dispute["id"])
    checked = _put_evidence(api, buyer, dispute["id"])
    assert api.post(f"{url}/{checked}/complete", token=buyer).status_code == 200
    clock.advance(timedelta(minutes=30))
    buyer = _partner("buyer-1")
    recent = _put_evidence(api, buyer, dispute["id"])
    clock.advance(timedelta(minutes=50))                # abandoned: 65 min past expiry; recent: 35
    buyer = _partner("buyer-1")

    assert run_job(api, "dispute-evidence-upload-sweep") == {"abandoned": 1, "objectsDeleted": 1, "skipped": 0,
                                                             "more": False}
    assert _evidence(dispute["id"], abandoned)["status"] == "UPLOAD_ABANDONED"
    assert storage.inspect(object_name(dispute["id"], abandoned)).exists is False
    for kept, status in ((checked, "VERIFIED_FILE"), (recent, "PENDING_UPLOAD")):
        assert _evidence(dispute["id"], kept)["status"] == status
        assert storage.inspect(object_name(dispute["id"], kept)).exists is True
    listed = api.get(url, token=buyer).get_json()["items"]
    assert {e["id"]: e["status"] for e in listed} == {abandoned: "UPLOAD_ABANDONED", checked: "VERIFIED_FILE",
                                                      recent: "PENDING_UPLOAD"}
    late = api.post(f"{url}/{abandoned}/complete", token=buyer)
    assert (late.status_code, late.get_json()["code"]) == (409, "EVIDENCE_NOT_PENDING")
    audit = [e.to_dict() for e in collection("auditLog").stream()
             if e.to_dict()["action"] == "dispute.evidence_abandoned"]
    assert [(e["entityId"], e["disputeId"], e["orgIds"]) for e in audit] == [(abandoned, dispute["id"], [ORG])]

    versions = {e: _evidence(dispute["id"], e)["version"] for e in (abandoned, checked, recent)}
    assert run_job(api, "dispute-evidence-upload-sweep") == {"abandoned": 0, "objectsDeleted": 0, "skipped": 0,
                                                             "more": False}
    assert {e: _evidence(dispute["id"], e)["version"] for e in versions} == versions


def test_complete_evidence_and_the_sweep_racing_on_threads_end_consistently(api, invoiced, bucket):
    from datetime import timedelta

    from functions.contracts.dispute_evidence import object_name, sweep_abandoned_evidence
    from shared import clock
    from shared.adapters import storage

    buyer = _partner("buyer-1")
    dispute_id = _raise(api, buyer, invoiced["contract"]["id"]).get_json()["id"]
    ids = [_put_evidence(api, buyer, dispute_id) for _ in range(3)]
    clock.advance(timedelta(hours=2))
    buyer = _partner("buyer-1")
    answers, summary = complete_racing_sweep(
        {e: f"/api/disputes/{dispute_id}/evidence/{e}/complete" for e in ids}, buyer, sweep_abandoned_evidence)
    assert_each_won_cleanly(answers, summary, {
        e: (_evidence(dispute_id, e)["status"], storage.inspect(object_name(dispute_id, e)).exists) for e in ids},
        "EVIDENCE_NOT_PENDING")
