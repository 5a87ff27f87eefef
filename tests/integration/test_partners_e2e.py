"""The whole self-service onboarding as a new user goes through it, on the running stack: OTPs read from
the capture endpoint, the application, a real PDF through the signed URL, submission, review by two
back-office users, the invite e-mail, and the first login of the new primary user."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import requests

from shared import clock
from shared.adapters import storage
from tests.support.identity import token_for
from tests.support.partners import BACK_OFFICE_ALL, PDF, branch, profile, random_pan

EMAIL, MOBILE = "founder@vardhman-ginning.in", "9822012345"
PASSWORD = "Kapas#Bales-2025"


def _otp(api, capture, channel: str, destination: str) -> str:
    sent = api.post("/api/auth/otp/send", json={"channel": channel, "destination": destination,
                                                "purpose": "partner_onboarding"})
    assert sent.status_code == 202, sent.get_json()
    messages = capture.emails(to=destination) if channel == "email" else capture.sms(to=f"+91{destination}")
    code = re.search(r"\b(\d{6})\b", messages[-1]["text"]).group(1)
    verified = api.post("/api/auth/otp/verify", json={"destination": destination, "purpose": "partner_onboarding",
                                                      "code": code})
    assert verified.status_code == 200, verified.get_json()
    return verified.get_json()["verificationToken"]


def test_self_service_onboarding_to_first_login(api, capture, emulators):
    storage.reset_client()
    storage.ensure_bucket()
    email_token = _otp(api, capture, "email", EMAIL)
    clock.advance(timedelta(seconds=61))   # one OTP send a minute per caller
    mobile_token = _otp(api, capture, "sms", MOBILE)

    started = api.post("/api/onboarding/applications", json={
        "emailVerificationToken": email_token, "mobileVerificationToken": mobile_token,
        "applicantName": "Anil Vardhman", "kind": "SELLER", "legalName": "Vardhman Ginning and Pressing"})
    assert started.status_code == 201, started.get_json()
    app_id = started.get_json()["application"]["id"]
    headers = {"X-Application-Token": started.get_json()["applicationToken"]}
    pan = random_pan("F")
    details = profile(pan, legal_name="Vardhman Ginning and Pressing", kind="SELLER")
    details.pop("contacts")
    assert api.patch(f"/api/onboarding/applications/{app_id}", json=details, headers=headers).status_code == 200
    assert api.post(f"/api/onboarding/applications/{app_id}/branches", json=branch("HO"),
                    headers=headers).status_code == 201

    upload = api.post(f"/api/onboarding/applications/{app_id}/documents", headers=headers, json={
        "documentType": "PAN_CARD", "fileName": "pan.pdf", "contentType": "application/pdf"}).get_json()
    put = requests.put(upload["upload"]["url"], data=PDF, headers=upload["upload"]["headers"], timeout=10)
    assert put.status_code == 200
    document_id = upload["document"]["id"]
    done = api.post(f"/api/onboarding/applications/{app_id}/documents/{document_id}/complete", headers=headers)
    assert done.get_json()["status"] == "VERIFIED_FILE"
    assert api.post(f"/api/onboarding/applications/{app_id}/submit", headers=headers).get_json()["status"] == \
        "SUBMITTED"

    reviewer, _ = token_for(BACK_OFFICE_ALL)
    approver, approver_principal = token_for(BACK_OFFICE_ALL)
    assert api.post(f"/api/partners/{app_id}/start-review", token=reviewer).status_code == 200
    kyc = api.post(f"/api/partners/{app_id}/kyc/verify", json={"documentIds": [document_id]}, token=reviewer)
    assert kyc.status_code == 200, kyc.get_json()
    approved = api.post(f"/api/partners/{app_id}/approve", token=approver)
    assert approved.status_code == 200, approved.get_json()
    partner = approved.get_json()
    assert partner["status"] == "ACTIVE" and partner["code"] == "BP-000001"
    assert partner["approvedBy"] == approver_principal.user_id and partner["kyc"]["status"] == "VERIFIED"

    [invite] = [m for m in capture.emails(to=EMAIL) if "accept-invite" in (m["text"] or "")]
    link = re.search(r"https?://\S+accept-invite\?token=\S+", invite["text"]).group(0)
    invite_token = parse_qs(urlsplit(link).query)["token"][0]
    accepted = api.post("/api/users/invites/accept", json={"token": invite_token, "password": PASSWORD})
    assert accepted.status_code == 200, accepted.get_json()

    login = api.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200, login.get_json()
    access = login.get_json()["tokens"]["accessToken"]
    me = api.get("/api/partners/me", token=access)
    assert me.status_code == 200, me.get_json()
    assert me.get_json()["id"] == app_id and me.get_json()["code"] == "BP-000001"
    assert api.get(f"/api/partners/{app_id}/documents/{document_id}/download", token=access).status_code == 200
    # the application token is done: the applicant now signs in as a user
    assert api.get(f"/api/onboarding/applications/{app_id}", headers=headers).status_code == 401
