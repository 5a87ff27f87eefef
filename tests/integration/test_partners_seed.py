"""The demo partners of the local stack: three ACTIVE partners through the real review flow, idempotent,
and a demo partner login that signs in."""
from __future__ import annotations

import re

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from functions.partners.seed import CHECKER, DEMO_PARTNERS, MAKER, SeedRefused, seed_partners
from shared import validators
from shared.db import collection
from tests.support.auth import login

# Approvals e-mail the invites: to the local capture endpoint, never the internet.
pytestmark = pytest.mark.usefixtures("capture")


def _partners() -> dict[str, dict]:
    return {snapshot.id: snapshot.to_dict() for snapshot in collection("partners").stream()}


def _counter() -> int:
    return collection("counters").document("global:partner").get().to_dict()["value"]


def _seller(results: list[dict]) -> dict:
    [seller] = [partner for partner in results if partner["kind"] == "SELLER"]
    return seller


def test_seed_makes_three_active_partners_through_the_review_flow(api, capture):
    from local.demo_partners import seed_partners_with_logins

    results = seed_partners_with_logins()
    assert [(p["kind"], p["legalName"]) for p in results] == [
        ("SELLER", "Saurashtra Cotton Ginning Pvt Ltd"), ("BUYER", "Kovai Spinning Mills Pvt Ltd"),
        ("TRADER", "Vidarbha Cotton Traders")]
    assert sorted(p["code"] for p in results) == ["BP-000001", "BP-000002", "BP-000003"]
    assert all(p["status"] == "ACTIVE" and p["created"] and p["inviteToken"] for p in results)
    stored = _partners()
    assert set(stored) == {p["id"] for p in results}
    places = {}
    for demo, result in zip(DEMO_PARTNERS, results, strict=True):
        data = stored[result["id"]]
        assert data["status"] == "ACTIVE" and data["code"] == result["code"] and data["source"] == "BACK_OFFICE"
        # maker-checker: drafted and submitted by one system principal, approved by the other
        assert (data["createdBy"], data["submittedBy"], data["approvedBy"]) == (MAKER.user_id, MAKER.user_id,
                                                                                 CHECKER.user_id)
        assert data["pan"][3] in "CF" and validators.pan(data["pan"]) == data["pan"]
        [gstin] = data["gstins"]
        assert validators.gstin(gstin) == gstin and gstin[2:12] == data["pan"]
        assert gstin[:2] == data["address"]["stateCode"]
        assert gstin[14] == validators.gstin_check_char(gstin[:14])
        validators.ifsc(data["bankAccount"]["ifsc"])
        validators.pincode(data["address"]["pincode"])
        [contact] = data["contacts"]
        assert contact["isPrimary"] and contact["email"].endswith("@demo.rnrl.in")
        assert re.fullmatch(r"\+91[6-9]\d{9}", contact["mobile"])
        places[data["kind"]] = (data["address"]["city"], data["address"]["state"], data["address"]["stateCode"])
        [head] = [b.to_dict() for b in collection("partners").document(result["id"]).collection("branches").stream()]
        assert head["isHeadOffice"] and head["gstin"] == gstin
        assert collection("partnerKeys").document(f"pan:{demo.pan}").get().to_dict()["partnerId"] == result["id"]
        user = collection("users").document(data["primaryUserId"]).get().to_dict()
        assert (user["kind"], user["role"], user["partnerId"]) == ("partner", "PARTNER_PRIMARY", result["id"])
        assert user["email"] == contact["email"]
        assert len(capture.emails(to=contact["email"])) == 1          # the invite e-mail went out
    assert places == {"SELLER": ("Rajkot", "Gujarat", "24"), "BUYER": ("Coimbatore", "Tamil Nadu", "33"),
                      "TRADER": ("Akola", "Maharashtra", "27")}
    assert _counter() == 3
    approved = collection("outbox").where(filter=FieldFilter("type", "==", "PartnerApproved")).stream()
    assert sorted(e.to_dict()["data"]["partnerId"] for e in approved) == sorted(p["id"] for p in results)
    # every invite is accepted: a seller, a buyer and a trader demo partner login (local/demo_partners.py)
    statuses = {p["kind"]: collection("users").document(p["primaryUserId"]).get().to_dict()["status"]
                for p in results}
    assert statuses == {"SELLER": "ACTIVE", "BUYER": "ACTIVE", "TRADER": "ACTIVE"}
    assert [p["login"]["email"] for p in results] == [
        "ginner.rajkot@demo.rnrl.in", "mill.coimbatore@demo.rnrl.in", "trader.akola@demo.rnrl.in"]
    assert len({p["login"]["password"] for p in results}) == 3


def test_seeding_twice_changes_nothing(api):
    first = seed_partners()
    before = _partners()
    users_before = {s.id for s in collection("users").stream()}
    second = seed_partners()
    assert [(p["id"], p["code"]) for p in second] == [(p["id"], p["code"]) for p in first]
    assert not any(p["created"] or "inviteToken" in p for p in second)
    assert _partners() == before                    # no new partner, no changed one (same versions too)
    assert _counter() == 3
    assert {s.id for s in collection("users").stream()} == users_before
    assert len(list(collection("partnerKeys").stream())) == 6      # a PAN and a GSTIN each


def test_the_seller_login_signs_in_and_a_later_run_gives_a_fresh_password(api):
    from local.demo_partners import seed_partners_with_logins

    seller = _seller(seed_partners_with_logins())
    credentials = seller["login"]
    assert credentials["email"] == "ginner.rajkot@demo.rnrl.in" and credentials["partnerId"] == seller["id"]
    response = login(api, credentials["email"], credentials["password"])
    assert response.status_code == 200, response.get_json()
    user = response.get_json()["user"]
    assert (user["kind"], user["partnerId"], user["role"]) == ("partner", seller["id"], "PARTNER_PRIMARY")
    assert response.get_json()["requiresPasswordChange"] is False
    me = api.get("/api/partners/me", token=response.get_json()["tokens"]["accessToken"])
    assert me.status_code == 200 and me.get_json()["code"] == seller["code"]

    again = _seller(seed_partners_with_logins())["login"]
    assert again["email"] == credentials["email"] and again["password"] != credentials["password"]
    assert login(api, again["email"], again["password"]).status_code == 200
    assert login(api, credentials["email"], credentials["password"]).status_code == 401


def test_an_application_left_by_an_interrupted_run_is_taken_on(api):
    from functions.partners import access, service

    buyer = DEMO_PARTNERS[1]
    draft_id, _ = service.create_draft(buyer.profile(), access.for_back_office(MAKER, "partners:create"), None)
    results = seed_partners()
    assert results[1]["id"] == draft_id and results[1]["status"] == "ACTIVE" and not results[1]["created"]
    assert len(_partners()) == 3


def test_the_local_stack_seed_adds_the_partner_login_without_a_second_primary_user(api):
    from local.stack import seed_demo_data

    logins = seed_demo_data(lambda _note: None)
    emails = [entry["email"] for entry in logins]
    assert "ginner.rajkot@demo.rnrl.in" in emails and "partner@demo.rnrl.in" not in emails
    assert "checker@demo.rnrl.in" in emails
    seller = next(s for s in collection("partners").stream() if s.to_dict()["kind"] == "SELLER")
    partner_users = collection("users").where(filter=FieldFilter("partnerId", "==", seller.id)).stream()
    assert [u.id for u in partner_users] == [seller.to_dict()["primaryUserId"]]
    seats = collection("partnerUsers").document(seller.id).get().to_dict()
    assert seats["primaryUserId"] == seller.to_dict()["primaryUserId"]
    [entry] = [e for e in logins if e["email"] == "ginner.rajkot@demo.rnrl.in"]
    response = login(api, entry["email"], entry["password"])
    assert response.status_code == 200 and response.get_json()["user"]["partnerId"] == seller.id


def test_seed_refuses_production(api, monkeypatch):
    from functions.partners import seed
    from shared.config import load_settings

    production = {"TRADEHUB_ENV": "production", "JWT_SIGNING_KEY": "k" * 48, "SENDGRID_API_KEY": "SG.x",
                  "TWILIO_AUTH_TOKEN": "t", "JOBS_SHARED_SECRET": "j", "GOOGLE_CLOUD_PROJECT": "rnrl-tradehub",
                  "STORAGE_BUCKET": "rnrl-docs", "PUBLIC_BASE_URL": "https://tradehub.rnrl.in",
                  "TWILIO_ACCOUNT_SID": "AC1", "WEB_APP_ORIGINS": "https://desk.rnrl.in"}
    monkeypatch.setattr(seed, "settings", lambda: load_settings(production))
    with pytest.raises(SeedRefused):
        seed_partners()
    monkeypatch.undo()
    assert _partners() == {}
