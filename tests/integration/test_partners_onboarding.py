"""Back-office onboarding: drafts, validation, submission, duplicate PAN/GSTIN (also under concurrency)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.partners import (
    Staff,
    active_partner,
    add_branch,
    branch,
    draft,
    gstin,
    outbox,
    profile,
    random_pan,
    submitted_partner,
)

# Approvals send the invite e-mail: to the local capture endpoint, never the internet.
pytestmark = pytest.mark.usefixtures("capture")

def _fields(response) -> dict[str, str]:
    return {f["field"]: f.get("rule") for f in response.get_json()["details"]["fields"]}


def test_a_draft_is_stored_normalized(api):
    staff = Staff()
    pan = random_pan()
    body = profile(pan.lower())
    body["contacts"][0]["mobile"] = "+91 98765-43210"
    body["gstins"] = [gstin("27", pan).lower()]
    body["address"]["state"] = "MH"
    response = api.post("/api/partners", json=body, token=staff.maker_token)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == "DRAFT" and data["source"] == "BACK_OFFICE" and data["code"] is None
    assert data["pan"] == pan
    assert data["gstins"] == [gstin("27", pan)]
    assert data["contacts"][0]["mobile"] == "+919876543210"
    assert data["address"]["state"] == "Maharashtra" and data["address"]["stateCode"] == "27"
    assert data["createdBy"] == staff.maker.user_id
    assert data["missingForSubmission"] == ["branches.headOffice"]
    assert response.headers["ETag"] == '"v1"'
    stored = api.get(f"/api/partners/{data['id']}", token=staff.maker_token).get_json()
    assert stored["pan"] == pan and stored["status"] == "DRAFT"


def test_invalid_fields_are_422_naming_field_and_rule(api):
    staff = Staff()
    pan = random_pan()
    other_pan = random_pan()
    body = profile(pan)
    body["gstins"] = [gstin("27", other_pan), gstin("27", pan)[:-1] + ("A" if gstin("27", pan)[-1] != "A" else "B"),
                      "99" + gstin("27", pan)[2:]]
    body["bankAccount"]["ifsc"] = "HDFC1234567"
    body["address"]["pincode"] = "012345"
    body["contacts"][0]["mobile"] = "5876543210"
    body["contacts"][0]["email"] = "not-an-email"
    response = api.post("/api/partners", json=body, token=staff.maker_token)
    assert response.status_code == 422
    assert response.get_json()["code"] == "VALIDATION_FAILED"
    assert _fields(response) == {
        "gstins[0]": "gstin_pan_mismatch", "gstins[1]": "gstin_check_digit", "gstins[2]": "gstin_state_code",
        "bankAccount.ifsc": "ifsc_format", "address.pincode": "pincode_format",
        "contacts[0].mobile": "mobile_format", "contacts[0].email": "email_format",
    }
    bad_pan = api.post("/api/partners", json={**profile(), "pan": "ABCD1234E"}, token=staff.maker_token)
    assert bad_pan.status_code == 422 and _fields(bad_pan)["pan"] == "pan_format"
    unknown = api.post("/api/partners", json={**profile(), "surprise": 1}, token=staff.maker_token)
    assert unknown.status_code == 422
    assert api.get("/api/partners", token=staff.maker_token).get_json()["items"] == []


def test_ladakh_gstin_is_accepted(api):
    staff = Staff()
    pan = random_pan()
    body = profile(pan, state_code="38")
    response = api.post("/api/partners", json=body, token=staff.maker_token)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["gstins"] == [gstin("38", pan)]


def test_draft_saves_honour_if_match_and_only_editable_statuses(api):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    saved = api.patch(f"/api/partners/{partner_id}", json={"tradeName": "New Name"}, token=staff.maker_token,
                      headers={"If-Match": '"v1"'})
    assert saved.status_code == 200 and saved.get_json()["tradeName"] == "New Name"
    assert saved.headers["ETag"] == '"v2"'
    stale = api.patch(f"/api/partners/{partner_id}", json={"tradeName": "Other"}, token=staff.maker_token,
                      headers={"If-Match": '"v1"'})
    assert stale.status_code == 412
    add_branch(api, staff.maker_token, partner_id)
    assert api.post(f"/api/partners/{partner_id}/submit", token=staff.maker_token).status_code == 200
    locked = api.patch(f"/api/partners/{partner_id}", json={"tradeName": "Late"}, token=staff.maker_token)
    assert locked.status_code == 409 and locked.get_json()["code"] == "PARTNER_NOT_EDITABLE"


def test_submission_needs_a_complete_application(api):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, {"kind": "BUYER", "legalName": "Half Done Mills"})
    response = api.post(f"/api/partners/{partner_id}/submit", token=staff.maker_token)
    assert response.status_code == 422
    assert response.get_json()["code"] == "APPLICATION_INCOMPLETE"
    assert set(_fields(response)) == {"address", "pan", "bankAccount", "gstins", "contacts.primary",
                                      "branches.headOffice"}
    assert api.get(f"/api/partners/{partner_id}", token=staff.maker_token).get_json()["status"] == "DRAFT"


def test_submission_rechecks_gstins_against_the_pan_and_branch_state(api):
    staff = Staff()
    pan = random_pan()
    partner_id = draft(api, staff.maker_token, profile(pan))
    wrong_state = api.post(f"/api/partners/{partner_id}/branches",
                           json=branch("GJ1", state="Gujarat", gstin_value=gstin("27", pan)), token=staff.maker_token)
    assert wrong_state.status_code == 422 and _fields(wrong_state)["gstin"] == "gstin_state_mismatch"
    add_branch(api, staff.maker_token, partner_id, branch("HO", gstin_value=gstin("27", pan)))
    submitted = api.post(f"/api/partners/{partner_id}/submit", token=staff.maker_token)
    assert submitted.status_code == 200, submitted.get_json()
    data = submitted.get_json()
    assert data["status"] == "SUBMITTED" and data["submittedBy"] == staff.maker.user_id
    assert len(outbox("PartnerApplicationSubmitted")) == 1
    from shared.db import collection

    key = collection("partnerKeys").document(f"pan:{pan}").get()
    assert key.exists and key.to_dict()["partnerId"] == partner_id
    assert collection("partnerKeys").document(f"gstin:{gstin('27', pan)}").get().to_dict()["partnerId"] == partner_id


def test_duplicate_pan_or_gstin_is_409_naming_the_existing_partner(api):
    staff = Staff()
    pan = random_pan()
    first_id, first = active_partner(api, staff, profile(pan))
    assert first["code"] == "BP-000001"
    dup_pan = api.post("/api/partners", json=profile(pan, legal_name="Copy Cat Traders"), token=staff.maker_token)
    assert dup_pan.status_code == 409
    body = dup_pan.get_json()
    assert body["code"] == "DUPLICATE_PARTNER"
    assert body["details"]["existingPartnerCode"] == "BP-000001"
    assert body["details"]["existingPartnerId"] == first_id
    assert "BP-000001" in body["message"]
    # A draft saved without the PAN, then given the other partner's GSTIN in another state's slot
    other = draft(api, staff.maker_token, {"kind": "BUYER", "legalName": "Second Mills"})
    dup_gstin = api.patch(f"/api/partners/{other}", json={"pan": pan, "gstins": [gstin("27", pan)]},
                          token=staff.maker_token)
    assert dup_gstin.status_code == 409 and dup_gstin.get_json()["details"]["existingPartnerCode"] == "BP-000001"


def test_concurrent_submissions_with_one_pan_exactly_one_wins(api):
    staff = Staff()
    pan = random_pan()
    drafts = []
    for index in range(4):
        partner_id = draft(api, staff.maker_token, profile(pan, legal_name=f"Racer {index} Cotton"))
        add_branch(api, staff.maker_token, partner_id)
        drafts.append(partner_id)

    def submit(partner_id: str) -> int:
        return api.post(f"/api/partners/{partner_id}/submit", token=staff.maker_token).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(submit, drafts))
    assert sorted(statuses) == [200, 409, 409, 409], statuses
    winner = drafts[statuses.index(200)]
    from shared.db import collection

    assert collection("partnerKeys").document(f"pan:{pan}").get().to_dict()["partnerId"] == winner
    submitted = [d for d in drafts if api.get(f"/api/partners/{d}", token=staff.maker_token).get_json()["status"]
                 == "SUBMITTED"]
    assert submitted == [winner]


def test_rejection_releases_the_pan_for_a_new_application(api):
    staff = Staff()
    pan = random_pan()
    rejected = submitted_partner(api, staff, profile(pan))
    response = api.post(f"/api/partners/{rejected}/reject", json={"reason": "Documents forged"},
                        token=staff.checker_token)
    assert response.status_code == 200 and response.get_json()["status"] == "REJECTED"
    assert response.get_json()["rejectionReason"] == "Documents forged"
    again = submitted_partner(api, staff, profile(pan, legal_name="Second Try Cotton"))
    assert api.get(f"/api/partners/{again}", token=staff.maker_token).get_json()["status"] == "SUBMITTED"


def test_blacklisted_partner_keeps_its_pan(api):
    staff = Staff()
    pan = random_pan()
    partner_id, _ = active_partner(api, staff, profile(pan))
    no_reason = api.post(f"/api/partners/{partner_id}/blacklist", json={"reason": ""}, token=staff.checker_token)
    assert no_reason.status_code == 422
    response = api.post(f"/api/partners/{partner_id}/blacklist", json={"reason": "Fraud"}, token=staff.checker_token)
    assert response.status_code == 200 and response.get_json()["status"] == "BLACKLISTED"
    assert len(outbox("PartnerBlacklisted")) == 1
    retry = api.post("/api/partners", json=profile(pan, legal_name="New Name Same PAN"), token=staff.maker_token)
    assert retry.status_code == 409
    reopen = api.post(f"/api/partners/{partner_id}/reactivate", json={"reason": "oops"}, token=staff.checker_token)
    assert reopen.status_code == 409 and reopen.get_json()["code"] == "INVALID_TRANSITION"
