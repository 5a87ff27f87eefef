"""Branches, certifications, change requests with versions and diffs, and back-office search."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from functions.partners.kyc_jobs import expire_certifications
from shared import clock
from tests.support.partners import (
    Staff,
    active_partner,
    add_branch,
    branch,
    draft,
    gstin,
    outbox,
    partner_user,
    profile,
    random_pan,
)

pytestmark = pytest.mark.usefixtures("capture")


# ---------------------------------------------------------------- branches

def test_one_head_office_moved_in_one_call(api):
    staff = Staff()
    pan = random_pan()
    partner_id = draft(api, staff.maker_token, profile(pan))
    head = add_branch(api, staff.maker_token, partner_id, branch("HO"))
    assert head["isHeadOffice"] is True
    gujarat = add_branch(api, staff.maker_token, partner_id,
                         branch("RJK", state="Gujarat", pincode="360001", gstin_value=gstin("24", pan)))
    assert gujarat["isHeadOffice"] is False and gujarat["gstin"] == gstin("24", pan)
    moved = api.post(f"/api/partners/{partner_id}/branches/{gujarat['id']}/make-head-office", token=staff.maker_token)
    assert moved.status_code == 200 and moved.get_json()["isHeadOffice"] is True
    items = api.get(f"/api/partners/{partner_id}/branches", token=staff.maker_token).get_json()["items"]
    assert [(b["code"], b["isHeadOffice"]) for b in items] == [("RJK", True), ("HO", False)]
    assert api.get(f"/api/partners/{partner_id}", token=staff.maker_token).get_json()["headOfficeBranchId"] == \
        gujarat["id"]
    refused = api.delete(f"/api/partners/{partner_id}/branches/{gujarat['id']}", token=staff.maker_token)
    assert refused.status_code == 409 and refused.get_json()["code"] == "HEAD_OFFICE_REQUIRED"
    assert api.delete(f"/api/partners/{partner_id}/branches/{head['id']}", token=staff.maker_token).status_code == 204
    assert [b["code"] for b in api.get(f"/api/partners/{partner_id}/branches",
                                       token=staff.maker_token).get_json()["items"]] == ["RJK"]


def test_branch_codes_are_unique_per_partner_and_gstin_state_matches(api):
    staff = Staff()
    pan = random_pan()
    partner_id = draft(api, staff.maker_token, profile(pan))
    other_id = draft(api, staff.maker_token, profile(random_pan(), legal_name="Other"))
    add_branch(api, staff.maker_token, partner_id, branch("akl"))
    taken = api.post(f"/api/partners/{partner_id}/branches", json=branch("AKL"), token=staff.maker_token)
    assert taken.status_code == 409 and taken.get_json()["code"] == "BRANCH_CODE_TAKEN"
    add_branch(api, staff.maker_token, other_id, branch("AKL"))
    mismatch = api.post(f"/api/partners/{partner_id}/branches",
                        json=branch("NGP", gstin_value=gstin("24", pan)), token=staff.maker_token)
    assert mismatch.status_code == 422
    assert mismatch.get_json()["details"]["fields"][0]["rule"] == "gstin_state_mismatch"
    foreign = api.post(f"/api/partners/{partner_id}/branches",
                       json=branch("NGP", gstin_value=gstin("27", random_pan())), token=staff.maker_token)
    assert foreign.status_code == 422
    assert foreign.get_json()["details"]["fields"][0]["rule"] == "gstin_pan_mismatch"


def test_concurrent_branches_keep_a_single_head_office(api):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())

    def add(code: str) -> int:
        return api.post(f"/api/partners/{partner_id}/branches", json=branch(code, head=True),
                        token=staff.maker_token).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(add, ["B1", "B2", "B3", "B4"])) == [201] * 4
    items = api.get(f"/api/partners/{partner_id}/branches", token=staff.maker_token).get_json()["items"]
    assert len(items) == 4 and sum(1 for b in items if b["isHeadOffice"]) == 1


# ---------------------------------------------------------------- certifications

def test_certifications_verified_visible_then_expired_by_the_job(api):
    staff = Staff()
    partner_id, _ = active_partner(api, staff)
    user = partner_user(partner_id)
    today = clock.today_india()
    body = {"type": "bci", "number": "BCI-2025-0042", "body": "Better Cotton", "scope": "Lint",
            "issueDate": (today - timedelta(days=300)).isoformat(),
            "expiryDate": (today + timedelta(days=10)).isoformat()}
    bad = api.post(f"/api/partners/{partner_id}/certifications", token=user,
                   json={**body, "expiryDate": (today - timedelta(days=400)).isoformat()})
    assert bad.status_code == 422
    created = api.post(f"/api/partners/{partner_id}/certifications", json=body, token=user)
    assert created.status_code == 201
    cert = created.get_json()
    assert cert["status"] == "PENDING" and cert["isVisibleInTrade"] is False and cert["type"] == "BCI"
    path = f"/api/partners/{partner_id}/certifications/{cert['id']}"
    assert api.post(f"{path}/verify", token=user).status_code == 403
    verified = api.post(f"{path}/verify", token=staff.checker_token)
    assert verified.status_code == 200 and verified.get_json()["isVisibleInTrade"] is True
    assert expire_certifications() == {"expired": 0}
    clock.advance(timedelta(days=11))
    assert expire_certifications() == {"expired": 1}
    assert expire_certifications() == {"expired": 0}
    staff = Staff()
    expired = api.get(path, token=staff.maker_token).get_json()
    assert expired["status"] == "EXPIRED" and expired["isVisibleInTrade"] is False
    assert [e["data"]["certificationId"] for e in outbox("CertificationExpired")] == [cert["id"]]


def test_changing_a_verified_certification_sends_it_back_and_reject_needs_reason(api):
    staff = Staff()
    partner_id, _ = active_partner(api, staff)
    user = partner_user(partner_id)
    today = clock.today_india()
    cert = api.post(f"/api/partners/{partner_id}/certifications", token=user, json={
        "type": "GOTS", "number": "G-1", "body": "Control Union", "issueDate": today.isoformat(),
        "expiryDate": (today + timedelta(days=365)).isoformat()}).get_json()
    path = f"/api/partners/{partner_id}/certifications/{cert['id']}"
    api.post(f"{path}/verify", token=staff.checker_token)
    changed = api.patch(path, json={"number": "G-2"}, token=user)
    assert changed.status_code == 200
    assert changed.get_json()["status"] == "PENDING" and changed.get_json()["isVisibleInTrade"] is False
    assert api.post(f"{path}/reject", json={}, token=staff.checker_token).status_code == 422
    rejected = api.post(f"{path}/reject", json={"reason": "Number not on registry"}, token=staff.checker_token)
    assert rejected.get_json()["status"] == "REJECTED"
    assert rejected.get_json()["rejectionReason"] == "Number not on registry"


# ---------------------------------------------------------------- change requests and versions

def test_contact_changes_apply_at_once_compliance_changes_wait(api):
    staff = Staff()
    pan = random_pan()
    partner_id, _ = active_partner(api, staff, profile(pan))
    user = partner_user(partner_id)
    new_bank = {"accountHolderName": "Ganesh Cotton", "accountNumber": "998877665544", "ifsc": "ICIC0000123"}
    response = api.post(f"/api/partners/{partner_id}/change-requests", token=user,
                        json={"tradeName": "Ganesh Cotton Co", "bankAccount": new_bank, "reason": "New bank"})
    assert response.status_code == 201, response.get_json()
    request = response.get_json()
    assert request["status"] == "PENDING"
    assert request["appliedChanges"] == {"tradeName": "Ganesh Cotton Co"}
    assert request["pendingChanges"]["bankAccount"]["ifsc"] == "ICIC0000123"
    partner = api.get(f"/api/partners/{partner_id}", token=user).get_json()
    assert partner["tradeName"] == "Ganesh Cotton Co"
    assert partner["bankAccount"]["ifsc"] == "HDFC0001234"
    assert partner["profileVersion"] == 2
    path = f"/api/partners/{partner_id}/change-requests/{request['id']}"
    assert api.post(f"{path}/approve", token=user).status_code == 403
    pending = api.get("/api/partners/change-requests?status=PENDING", token=staff.checker_token).get_json()["items"]
    assert [(p["partnerId"], p["id"]) for p in pending] == [(partner_id, request["id"])]
    approved = api.post(f"{path}/approve", token=staff.checker_token)
    assert approved.status_code == 200 and approved.get_json()["status"] == "APPROVED"
    assert approved.get_json()["appliedVersion"] == 3
    assert api.get(f"/api/partners/{partner_id}", token=user).get_json()["bankAccount"]["ifsc"] == "ICIC0000123"

    versions = api.get(f"/api/partners/{partner_id}/versions", token=user).get_json()["items"]
    assert [(v["number"], v["changedFields"]) for v in versions] == [(3, ["bankAccount"]), (2, ["tradeName"]),
                                                                     (1, [])]
    diff = api.get(f"/api/partners/{partner_id}/versions/diff?from=1&to=3", token=user).get_json()
    assert {c["field"]: (c["before"], c["after"]) for c in diff["changes"]} == {
        "bankAccount.accountNumber": ("001234567890", "998877665544"),
        "bankAccount.accountHolderName": ("Shree Ganesh Cotton Traders Pvt Ltd", "Ganesh Cotton"),
        "bankAccount.bankName": ("HDFC Bank", None),
        "bankAccount.ifsc": ("HDFC0001234", "ICIC0000123"),
        "tradeName": ("Ganesh Cotton", "Ganesh Cotton Co"),
    }
    assert api.get(f"/api/partners/{partner_id}/versions/9", token=user).status_code == 404
    assert len(outbox("PartnerProfileChanged")) == 2


def test_a_pan_change_must_keep_gstins_consistent_and_unique(api):
    staff = Staff()
    pan, other_pan, new_pan = random_pan(), random_pan(), random_pan()
    partner_id, _ = active_partner(api, staff, profile(pan))
    active_partner(api, staff, profile(other_pan, email="b@example.in", legal_name="Other"))
    user = partner_user(partner_id)
    alone = api.post(f"/api/partners/{partner_id}/change-requests", json={"pan": new_pan}, token=user)
    assert alone.status_code == 422
    assert alone.get_json()["details"]["fields"][0]["rule"] == "gstin_pan_mismatch"
    taken = api.post(f"/api/partners/{partner_id}/change-requests", token=user,
                     json={"pan": other_pan, "gstins": [gstin("27", other_pan)]})
    assert taken.status_code == 409 and taken.get_json()["code"] == "DUPLICATE_REGISTRATION"
    fine = api.post(f"/api/partners/{partner_id}/change-requests", token=user,
                    json={"pan": new_pan, "gstins": [gstin("27", new_pan)]})
    assert fine.status_code == 201 and fine.get_json()["status"] == "PENDING"
    path = f"/api/partners/{partner_id}/change-requests/{fine.get_json()['id']}"
    assert api.post(f"{path}/approve", token=staff.checker_token).status_code == 200
    from shared.db import collection

    assert collection("partnerKeys").document(f"pan:{new_pan}").get().to_dict()["partnerId"] == partner_id
    assert not collection("partnerKeys").document(f"pan:{pan}").get().exists
    assert api.post(f"{path}/reject", json={"reason": "late"}, token=staff.checker_token).status_code == 409


def test_change_requests_only_for_onboarded_partners_and_real_changes(api):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    response = api.post(f"/api/partners/{partner_id}/change-requests", json={"tradeName": "x"},
                        token=staff.checker_token)
    assert response.status_code == 409
    active_id, active = active_partner(api, staff)
    same = api.post(f"/api/partners/{active_id}/change-requests", json={"tradeName": active["tradeName"]},
                    token=staff.checker_token)
    assert same.status_code == 422 and same.get_json()["code"] == "NO_CHANGES"


# ---------------------------------------------------------------- search

def test_search_by_status_kind_state_and_prefix(api):
    staff = Staff()
    mumbai_id, mumbai = active_partner(api, staff, {**profile(random_pan(), legal_name="Shree Ram Spinners",
                                                              kind="BUYER", email="a@x.in")})
    gujarat_body = profile(random_pan(), legal_name="Shree Krishna Ginning", kind="SELLER", state_code="24")
    gujarat_body["address"] = {**gujarat_body["address"], "state": "Gujarat", "pincode": "360001"}
    gujarat_id = draft(api, staff.maker_token, gujarat_body)
    draft(api, staff.maker_token, profile(random_pan(), legal_name="Laxmi Cotton", kind="TRADER"))

    def ids(query: str) -> list[str]:
        response = api.get(f"/api/partners?{query}", token=staff.maker_token)
        assert response.status_code == 200, response.get_json()
        return sorted(item["id"] for item in response.get_json()["items"])

    assert ids("q=shree") == sorted([mumbai_id, gujarat_id])
    assert ids("q=Shree%20R") == [mumbai_id]
    assert ids("q=shree&state=GJ") == [gujarat_id]
    assert ids("status=ACTIVE&kind=BUYER") == [mumbai_id]
    assert ids("kind=BUYER&state=27&status=ACTIVE&q=shr") == [mumbai_id]
    assert ids(f"q={mumbai['code']}") == [mumbai_id]
    assert ids("q=bp-0000") == [mumbai_id]
    assert ids("status=DRAFT&kind=SELLER") == [gujarat_id]
    assert api.get("/api/partners?state=Atlantis", token=staff.maker_token).status_code == 422
