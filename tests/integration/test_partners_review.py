"""Review of applications: maker-checker, approval (code, user, event, invite), rejection, changes requested,
the status machine after approval, and listing by status."""
from __future__ import annotations

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.db import collection
from tests.support.identity import token_for
from tests.support.partners import (
    BACK_OFFICE_ALL,
    Staff,
    active_partner,
    add_branch,
    draft,
    outbox,
    profile,
    random_pan,
    submitted_partner,
)

# Approvals send the invite e-mail: to the local capture endpoint, never the internet.
pytestmark = pytest.mark.usefixtures("capture")

def test_creator_or_submitter_cannot_approve(api):
    staff = Staff()
    partner_id = submitted_partner(api, staff)
    response = api.post(f"/api/partners/{partner_id}/approve", token=staff.maker_token)
    assert response.status_code == 403
    assert response.get_json()["code"] == "MAKER_CHECKER"
    # created by one user, submitted by another: neither may approve
    other_token, _ = token_for({"partners:create", "partners:approve", "partners:read"})
    second = draft(api, staff.maker_token, profile())
    add_branch(api, staff.maker_token, second)
    assert api.post(f"/api/partners/{second}/submit", token=other_token).status_code == 200
    for token in (staff.maker_token, other_token):
        refused = api.post(f"/api/partners/{second}/approve", token=token)
        assert refused.status_code == 403 and refused.get_json()["code"] == "MAKER_CHECKER"
    assert api.get(f"/api/partners/{partner_id}", token=staff.checker_token).get_json()["status"] == "SUBMITTED"
    assert outbox("PartnerApproved") == []


def test_whoever_changed_the_application_cannot_approve_it(api):
    """Issue 15 item 2: an admin set the bank account of a draft to its own, SALES submitted, and the
    same admin approved it. Changing the application (bank, PAN, GSTIN, branches) makes you a maker."""
    staff = Staff()
    banker_token, banker = token_for(BACK_OFFICE_ALL)
    brancher_token, brancher = token_for(BACK_OFFICE_ALL)
    partner_id = draft(api, staff.maker_token, profile())
    add_branch(api, staff.maker_token, partner_id)
    etag = api.get(f"/api/partners/{partner_id}", token=banker_token).headers["ETag"]
    changed = api.patch(f"/api/partners/{partner_id}", token=banker_token, headers={"If-Match": etag}, json={
        "bankAccount": {"accountHolderName": "Shree Ganesh Cotton Traders Pvt Ltd", "accountNumber": "009999999999",
                        "ifsc": "ICIC0000001", "bankName": "ICICI Bank"}})
    assert changed.status_code == 200, changed.get_json()
    add_branch(api, brancher_token, partner_id, {"code": "B2", "name": "Branch B2", "address": profile()["address"],
                                                 "isHeadOffice": False})
    assert api.post(f"/api/partners/{partner_id}/submit", token=staff.maker_token).status_code == 200
    for token in (banker_token, brancher_token):
        refused = api.post(f"/api/partners/{partner_id}/approve", token=token)
        assert refused.status_code == 403 and refused.get_json()["code"] == "MAKER_CHECKER"
    stored = collection("partners").document(partner_id).get().to_dict()
    assert set(stored["makers"]) == {staff.maker.user_id, banker.user_id, brancher.user_id}
    assert outbox("PartnerApproved") == []
    approved = api.post(f"/api/partners/{partner_id}/approve", token=staff.checker_token)
    assert approved.status_code == 200 and approved.get_json()["status"] == "ACTIVE"


def test_approval_creates_code_primary_user_event_and_invite(api, capture):
    staff = Staff()
    body = profile(email="Director@Ganesh-Cotton.in")
    partner_id, approved = active_partner(api, staff, body)
    assert approved["status"] == "ACTIVE"
    assert approved["code"] == "BP-000001"
    assert approved["approvedBy"] == staff.checker.user_id
    user_id = approved["primaryUserId"]
    user = collection("users").document(user_id).get().to_dict()
    assert user["email"] == "director@ganesh-cotton.in"
    assert user["kind"] == "partner" and user["partnerId"] == partner_id and user["role"] == "PARTNER_PRIMARY"
    assert user["mobile"] == "+919876543210"
    [event] = outbox("PartnerApproved")
    assert event["data"]["partnerId"] == partner_id and event["data"]["partnerCode"] == "BP-000001"
    assert event["data"]["primaryUserId"] == user_id
    [email] = capture.emails(to="director@ganesh-cotton.in")
    assert "accept-invite?token=" in email["text"]
    version = collection("partners").document(partner_id).collection("versions").document("1").get().to_dict()
    assert version["profile"]["legalName"] == body["legalName"]
    entries = collection("auditLog").where(filter=FieldFilter("entityId", "==", partner_id)).stream()
    audit = [entry.to_dict() for entry in entries]
    assert {"create", "submit", "approve"} <= {entry["action"] for entry in audit}
    # the next one gets the next number; approving twice is a 409
    _, second = active_partner(api, staff, profile(email="someone@else.in"))
    assert second["code"] == "BP-000002"
    again = api.post(f"/api/partners/{partner_id}/approve", token=staff.checker_token)
    assert again.status_code == 409 and again.get_json()["code"] == "INVALID_TRANSITION"


def test_approval_with_an_email_already_used_by_a_user_changes_nothing(api):
    staff = Staff()
    active_partner(api, staff, profile(email="taken@example.in"))
    partner_id = submitted_partner(api, staff, profile(email="taken@example.in"))
    response = api.post(f"/api/partners/{partner_id}/approve", token=staff.checker_token)
    assert response.status_code == 409 and response.get_json()["code"] == "EMAIL_TAKEN"
    data = api.get(f"/api/partners/{partner_id}", token=staff.checker_token).get_json()
    assert data["status"] == "SUBMITTED" and data["code"] is None
    assert len(outbox("PartnerApproved")) == 1
    assert collection("counters").document("global:partner").get().to_dict()["value"] == 1


def test_request_changes_then_resubmit_then_approve(api):
    staff = Staff()
    partner_id = submitted_partner(api, staff)
    review = api.post(f"/api/partners/{partner_id}/start-review", token=staff.checker_token)
    assert review.status_code == 200 and review.get_json()["status"] == "UNDER_REVIEW"
    comments = [{"field": "bankAccount", "comment": "Cheque is not cancelled"}, {"field": "tradeName", "comment": "?"}]
    response = api.post(f"/api/partners/{partner_id}/request-changes",
                        json={"comments": comments, "message": "Two fixes please"}, token=staff.checker_token)
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "CHANGES_REQUESTED"
    assert data["reviewComments"] == comments and data["reviewMessage"] == "Two fixes please"
    assert len(outbox("PartnerChangesRequested")) == 1
    fix = api.patch(f"/api/partners/{partner_id}", json={"tradeName": "Ganesh Cotton Co"}, token=staff.maker_token)
    assert fix.status_code == 200
    assert api.post(f"/api/partners/{partner_id}/submit", token=staff.maker_token).get_json()["status"] == "SUBMITTED"
    approved = api.post(f"/api/partners/{partner_id}/approve", token=staff.checker_token)
    assert approved.status_code == 200 and approved.get_json()["tradeName"] == "Ganesh Cotton Co"
    assert approved.get_json()["reviewComments"] == []


def test_invalid_transitions_are_409(api):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    for action, body in (("approve", None), ("start-review", None), ("reject", {"reason": "x"}),
                         ("suspend", {"reason": "x"}), ("reactivate", {"reason": "x"})):
        response = api.post(f"/api/partners/{partner_id}/{action}", json=body, token=staff.checker_token)
        assert response.status_code == 409, (action, response.get_json())
        assert response.get_json()["code"] == "INVALID_TRANSITION"
        assert response.get_json()["details"]["from"] == "DRAFT"
    assert api.get(f"/api/partners/{partner_id}", token=staff.checker_token).get_json()["status"] == "DRAFT"


def test_suspend_and_reactivate_with_reasons_and_events(api):
    from functions.partners.public import ensure_can_trade
    from shared.errors import Conflict

    staff = Staff()
    partner_id, _ = active_partner(api, staff)
    ensure_can_trade(partner_id)
    suspended = api.post(f"/api/partners/{partner_id}/suspend", json={"reason": "Payment default"},
                         token=staff.checker_token)
    assert suspended.status_code == 200
    assert suspended.get_json()["status"] == "SUSPENDED" and suspended.get_json()["statusReason"] == "Payment default"
    assert suspended.get_json()["canTrade"] is False
    try:
        ensure_can_trade(partner_id)
        raise AssertionError("a suspended partner traded")
    except Conflict as refused:
        assert refused.code == "PARTNER_CANNOT_TRADE" and refused.details["reason"] == "PARTNER_SUSPENDED"
    back = api.post(f"/api/partners/{partner_id}/reactivate", json={"reason": "Paid"}, token=staff.checker_token)
    assert back.status_code == 200 and back.get_json()["status"] == "ACTIVE"
    ensure_can_trade(partner_id)
    assert [e["data"]["reason"] for e in outbox("PartnerSuspended")] == ["Payment default"]
    assert [e["data"]["reason"] for e in outbox("PartnerReactivated")] == ["Paid"]


def test_only_the_right_permissions_decide(api):
    staff = Staff()
    partner_id = submitted_partner(api, staff)
    sales_token, _ = token_for({"partners:read", "partners:create"})
    response = api.post(f"/api/partners/{partner_id}/approve", token=sales_token)
    assert response.status_code == 403 and response.get_json()["code"] == "PERMISSION_DENIED"
    no_blacklist, _ = token_for({"partners:update", "partners:approve"})
    assert api.post(f"/api/partners/{partner_id}/blacklist", json={"reason": "x"},
                    token=no_blacklist).status_code == 403
    assert api.get(f"/api/partners/{partner_id}").status_code == 401


def test_list_by_status_with_cursor_paging(api):
    staff = Staff()
    submitted = [submitted_partner(api, staff, profile(random_pan(), legal_name=f"Submitted {i}")) for i in range(3)]
    draft(api, staff.maker_token, profile(legal_name="Still Drafting"))
    seen: list[str] = []
    token = None
    for _ in range(3):
        query = "status=SUBMITTED&pageSize=2" + (f"&pageToken={token}" if token else "")
        page = api.get(f"/api/partners?{query}", token=staff.checker_token).get_json()
        seen += [item["id"] for item in page["items"]]
        assert all(item["status"] == "SUBMITTED" for item in page["items"])
        token = page["nextPageToken"]
        if token is None:
            break
    assert sorted(seen) == sorted(submitted) and len(seen) == 3
    assert api.get("/api/partners?status=BOGUS", token=staff.checker_token).status_code == 422
