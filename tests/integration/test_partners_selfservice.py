"""Self-service onboarding with verification tokens and the application token (no user exists yet)."""
from __future__ import annotations

import pytest
import requests

from shared.adapters import storage
from shared.auth.verification import issue_verification_token
from shared.db import collection
from tests.support.partners import PDF, Staff, active_partner, branch, profile, random_pan

pytestmark = pytest.mark.usefixtures("capture")
BASE = "/api/onboarding/applications"


def _tokens(email="applicant@spinmills.in", mobile="+919812345678", purpose="partner_onboarding"):
    return {"emailVerificationToken": issue_verification_token(email, purpose, "email")[0],
            "mobileVerificationToken": issue_verification_token(mobile, purpose, "sms")[0]}


def _start(api, **fields):
    body = {**_tokens(), "applicantName": "Sunita Rao", "kind": "BUYER", "legalName": "Sunita Spinning Mills", **fields}
    response = api.post(BASE, json=body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    return data["application"]["id"], {"X-Application-Token": data["applicationToken"]}, data


def test_start_needs_both_verification_tokens_for_onboarding(api):
    good = _tokens()
    cases = [
        ({**good, "emailVerificationToken": "forged"}, "emailVerificationToken"),
        ({**good, "mobileVerificationToken": _tokens(purpose="change_mobile")["mobileVerificationToken"]},
         "mobileVerificationToken"),
        ({**good, "mobileVerificationToken": good["emailVerificationToken"]}, "mobileVerificationToken"),
    ]
    for tokens, field in cases:
        response = api.post(BASE, json={**tokens, "applicantName": "X"})
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["details"]["fields"][0]["field"] == field
    assert api.post(BASE, json={"applicantName": "X"}).status_code == 422
    assert list(collection("partners").limit(1).stream()) == []


def test_the_applicant_builds_and_submits_the_application(api, emulators):
    storage.reset_client()
    storage.ensure_bucket()
    app_id, headers, started = _start(api)
    application = started["application"]
    assert application["status"] == "DRAFT" and application["source"] == "SELF_SERVICE"
    assert application["applicant"] == {"name": "Sunita Rao", "email": "applicant@spinmills.in",
                                        "mobile": "+919812345678"}
    assert application["contacts"][0]["isPrimary"] is True
    assert application["createdBy"] is None
    assert api.get(f"{BASE}/{app_id}").status_code == 401
    pan = random_pan()
    full = profile(pan)
    full.pop("contacts")
    saved = api.patch(f"{BASE}/{app_id}", json=full, headers=headers)
    assert saved.status_code == 200, saved.get_json()
    assert api.post(f"{BASE}/{app_id}/branches", json=branch("HO"), headers=headers).status_code == 201
    upload = api.post(f"{BASE}/{app_id}/documents", headers=headers,
                      json={"documentType": "PAN_CARD", "fileName": "pan.pdf", "contentType": "application/pdf"})
    assert upload.status_code == 201
    up = upload.get_json()
    assert requests.put(up["upload"]["url"], data=PDF, headers=up["upload"]["headers"], timeout=10).ok
    done = api.post(f"{BASE}/{app_id}/documents/{up['document']['id']}/complete", headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "VERIFIED_FILE"
    got = api.get(f"{BASE}/{app_id}", headers=headers).get_json()
    assert got["missingForSubmission"] == [] and got["pan"] == pan
    submitted = api.post(f"{BASE}/{app_id}/submit", headers=headers)
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "SUBMITTED"
    assert submitted.get_json()["submittedBy"] is None
    late = api.patch(f"{BASE}/{app_id}", json={"tradeName": "x"}, headers=headers)
    assert late.status_code == 409
    # back office sees it, approves it: the applicant becomes the primary user, the token stops working
    staff = Staff()
    listed = api.get("/api/partners?status=SUBMITTED", token=staff.checker_token).get_json()["items"]
    assert [item["id"] for item in listed] == [app_id]
    approved = api.post(f"/api/partners/{app_id}/approve", token=staff.checker_token)
    assert approved.status_code == 200, approved.get_json()
    user = collection("users").document(approved.get_json()["primaryUserId"]).get().to_dict()
    assert user["email"] == "applicant@spinmills.in" and user["mobile"] == "+919812345678"
    closed = api.get(f"{BASE}/{app_id}", headers=headers)
    assert closed.status_code == 401 and closed.get_json()["code"] == "APPLICATION_CLOSED"


def test_an_application_token_opens_only_its_application(api):
    first_id, first_headers, _ = _start(api)
    second_id, second_headers, _ = _start(api, legalName="Another Mill")
    assert api.get(f"{BASE}/{second_id}", headers=first_headers).status_code == 404
    assert api.patch(f"{BASE}/{second_id}", json={"tradeName": "hijack"}, headers=first_headers).status_code == 404
    assert api.get(f"{BASE}/{first_id}", headers={"X-Application-Token": "garbage"}).status_code == 401
    # an application token is not an access token, and an access token is not an application token
    assert api.get(f"/api/partners/{first_id}",
                   headers={"Authorization": f"Bearer {first_headers['X-Application-Token']}"}).status_code == 401
    staff = Staff()
    assert api.get(f"{BASE}/{first_id}", headers={"X-Application-Token": staff.maker_token}).status_code == 401
    assert api.get(f"{BASE}/{second_id}", headers=second_headers).get_json()["tradeName"] is None


def test_a_new_token_by_email_verification_revokes_the_old_one(api):
    app_id, old_headers, _ = _start(api)
    wrong = api.post(f"{BASE}/{app_id}/token",
                     json={"emailVerificationToken": _tokens(email="someone@else.in")["emailVerificationToken"]})
    assert wrong.status_code == 404
    response = api.post(f"{BASE}/{app_id}/token", json={"emailVerificationToken": _tokens()["emailVerificationToken"]})
    assert response.status_code == 200
    new_headers = {"X-Application-Token": response.get_json()["applicationToken"]}
    assert api.get(f"{BASE}/{app_id}", headers=new_headers).status_code == 200
    revoked = api.get(f"{BASE}/{app_id}", headers=old_headers)
    assert revoked.status_code == 401 and revoked.get_json()["code"] == "APPLICATION_TOKEN_REVOKED"


def test_an_applicant_gets_a_neutral_answer_for_a_taken_pan(api):
    staff = Staff()
    pan = random_pan()
    active_partner(api, staff, profile(pan))
    app_id, headers, _ = _start(api)
    response = api.patch(f"{BASE}/{app_id}", json={"pan": pan}, headers=headers)
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "DUPLICATE_REGISTRATION"
    assert "BP-" not in str(body) and "existingPartnerId" not in body["details"]
    start_with_pan = api.post(BASE, json={**_tokens(), "applicantName": "Y", "pan": pan})
    assert start_with_pan.status_code == 409 and "BP-" not in str(start_with_pan.get_json())
