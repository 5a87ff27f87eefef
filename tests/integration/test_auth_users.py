"""Back-office users, invites, roles, grants, disable/enable, and the partner primary user service."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from tests.support.auth import (
    GOOD_PASSWORD,
    ORG,
    OTHER_ORG,
    audit_entries,
    login,
    make_user,
    sign_in,
    token_in,
    user_doc,
)

ADMIN = "chief.admin@example.com"
NEW = "nikhil.new@example.com"


@pytest.fixture
def admin(api, capture):
    make_user(ADMIN, role="ADMIN", organization_ids=[ORG])
    return sign_in(api, ADMIN)["tokens"]["accessToken"]


def create(api, token, email=NEW, role="SALES", orgs=(ORG,), **extra):
    return api.post("/api/users", token=token, json={"email": email, "name": "Nikhil New", "role": role,
                                                     "organizationIds": list(orgs), **extra})


def accept(api, token, password="Orchard#Velvet81"):
    return api.post("/api/users/invites/accept", json={"token": token, "password": password})


def invite_token(capture, email=NEW) -> str:
    return token_in(capture.emails(to=email)[-1]["text"], "/accept-invite")


def test_admin_creates_a_user_who_accepts_the_invite_and_signs_in(api, admin, capture):
    response = create(api, admin, mobile="9876543210")
    assert response.status_code == 201, response.get_data(as_text=True)
    user = response.get_json()
    assert response.headers["ETag"] == '"v1"'
    assert (user["status"], user["role"], user["mobile"]) == ("INVITED", "SALES", "+919876543210")
    assert user["inviteExpiresAt"] and "passwordHash" not in user
    [email] = capture.emails(to=NEW)
    token = invite_token(capture)
    assert "/accept-invite?token=" in email["text"] and user_doc(user["id"])["passwordHash"] is None
    assert login(api, NEW, GOOD_PASSWORD).status_code == 401
    weak = accept(api, token, "nikhil-short")
    assert weak.status_code == 422 and {f["rule"] for f in weak.get_json()["details"]["fields"]} >= {"uppercase"}
    accepted = accept(api, token)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "ACTIVE"
    body = sign_in(api, NEW, "Orchard#Velvet81")
    assert body["user"]["role"] == "SALES" and body["requiresPasswordChange"] is False
    again = accept(api, token, "Granite!Sparrow27")
    assert again.status_code == 422 and again.get_json()["code"] == "INVITE_INVALID"
    assert {e["action"] for e in audit_entries(entityId=user["id"])} >= {
        "user.created", "user.invited", "user.invite_accepted", "auth.login"}


def test_invites_expire_after_7_days_and_a_resend_replaces_the_link(api, admin, capture):
    user_id = create(api, admin).get_json()["id"]
    old = invite_token(capture)
    clock.advance(timedelta(days=7, seconds=1))
    expired = accept(api, old)
    assert expired.status_code == 422 and expired.get_json()["code"] == "INVITE_EXPIRED"
    admin = sign_in(api, ADMIN)["tokens"]["accessToken"]
    assert api.post(f"/api/users/{user_id}/invite", token=admin).status_code == 200
    new = invite_token(capture)
    assert new != old
    assert accept(api, new).status_code == 200


def test_emails_are_unique_case_insensitively(api, admin, capture):
    assert create(api, admin).status_code == 201
    duplicate = create(api, admin, email=NEW.upper())
    assert duplicate.status_code == 409 and duplicate.get_json()["code"] == "EMAIL_TAKEN"


def test_scope_organizations_and_escalation(api, admin, capture):
    outside = create(api, admin, orgs=(OTHER_ORG,))
    assert outside.status_code == 422 and outside.get_json()["details"]["fields"][0]["rule"] == "scope"
    stranger = make_user("stranger@example.com", role="SALES", organization_ids=[OTHER_ORG])
    assert api.get(f"/api/users/{stranger}", token=admin).status_code == 404
    assert api.post(f"/api/users/{stranger}/disable", token=admin, json={}).status_code == 404
    # a user administrator without every permission cannot create an ADMIN
    assert api.post("/api/roles", token=admin, json={"name": "USER_ADMIN", "permissions": [
        "users:read", "users:manage"]}).status_code == 201
    make_user("helpdesk@example.com", role="USER_ADMIN")
    helpdesk = sign_in(api, "helpdesk@example.com")["tokens"]["accessToken"]
    escalate = create(api, helpdesk, email="sneaky@example.com", role="ADMIN")
    assert escalate.status_code == 403 and escalate.get_json()["code"] == "PERMISSION_ESCALATION"
    assert create(api, helpdesk, email="ok@example.com", role="USER_ADMIN").status_code == 201
    assert create(api, admin, email="p@example.com", role="PARTNER_PRIMARY").status_code == 422


def test_disable_ends_sessions_and_blocks_sign_in_until_enabled(api, admin, capture):
    user_id = make_user("worker@example.com", role="SALES")
    session = sign_in(api, "worker@example.com")["tokens"]
    response = api.post(f"/api/users/{user_id}/disable", token=admin, json={"reason": "left the company"})
    assert response.status_code == 200 and response.get_json()["status"] == "DISABLED"
    assert api.get("/api/auth/me", token=session["accessToken"]).status_code == 401
    assert api.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]}).status_code == 401
    assert login(api, "worker@example.com", GOOD_PASSWORD).get_json()["code"] == "ACCOUNT_DISABLED"
    assert api.post(f"/api/users/{user_id}/enable", token=admin).get_json()["status"] == "ACTIVE"
    sign_in(api, "worker@example.com")
    me = sign_in(api, ADMIN)["user"]["id"]
    assert api.post(f"/api/users/{me}/disable", token=admin, json={}).status_code == 409


def test_grants_and_revocations_change_permissions_and_end_the_sessions(api, admin, capture):
    user_id = make_user("grantee@example.com", role="SALES")
    session = sign_in(api, "grantee@example.com")["tokens"]
    assert api.get("/api/audit", token=session["accessToken"]).status_code == 403
    etag = api.get(f"/api/users/{user_id}", token=admin).headers["ETag"]
    response = api.put(f"/api/users/{user_id}/permissions", token=admin, headers={"If-Match": etag},
                       json={"grants": ["audit:read"], "revocations": ["trades:create"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "audit:read" in response.get_json()["permissions"]
    assert "trades:create" not in response.get_json()["permissions"]
    stale = api.put(f"/api/users/{user_id}/permissions", token=admin, headers={"If-Match": etag},
                    json={"grants": [], "revocations": []})
    assert stale.status_code == 412
    assert api.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]}).status_code == 401
    again = sign_in(api, "grantee@example.com")["tokens"]
    assert api.get("/api/audit", token=again["accessToken"]).status_code == 200
    unknown = api.put(f"/api/users/{user_id}/permissions", token=admin, json={"grants": ["nuke:all"]})
    assert unknown.status_code == 422
    [entry] = audit_entries(action="user.permissions_changed", entityId=user_id)
    assert entry["changes"]["grants"] == {"before": [], "after": ["audit:read"]}


def test_custom_roles_lifecycle(api, admin, capture):
    roles = api.get("/api/roles", token=admin).get_json()["items"]
    assert {"ADMIN", "SALES", "PARTNER_PRIMARY"} <= {role["name"] for role in roles}
    created = api.post("/api/roles", token=admin, json={"name": "AUDITOR", "description": "reads the log",
                                                        "permissions": ["audit:read", "users:read"]})
    assert created.status_code == 201
    user_id = make_user("auditor@example.com", role="AUDITOR")
    session = sign_in(api, "auditor@example.com")
    assert sorted(session["user"]["permissions"]) == ["audit:read", "auth:self", "users:read"]
    changed = api.patch("/api/roles/AUDITOR", token=admin, headers={"If-Match": created.headers["ETag"]},
                        json={"permissions": ["audit:read"]})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    # a permission taken away ended the holder's session; its next sign-in has the role's new permissions
    ended = api.post("/api/auth/refresh", json={"refreshToken": session["tokens"]["refreshToken"]})
    assert ended.status_code == 401
    again = sign_in(api, "auditor@example.com")
    assert sorted(again["user"]["permissions"]) == ["audit:read", "auth:self"]
    assert api.get("/api/users", token=again["tokens"]["accessToken"]).status_code == 403
    assert api.delete("/api/roles/AUDITOR", token=admin).get_json()["code"] == "ROLE_IN_USE"
    assert api.patch("/api/roles/ADMIN", token=admin, json={"description": "x"}).status_code == 409
    assert api.post("/api/roles", token=admin, json={"name": "AUDITOR", "permissions": ["audit:read"]}
                    ).status_code == 409
    assert api.post("/api/roles", token=admin, json={"name": "BAD", "permissions": ["nope:x"]}).status_code == 422
    etag = api.get(f"/api/users/{user_id}", token=admin).headers["ETag"]
    assert api.patch(f"/api/users/{user_id}", token=admin, headers={"If-Match": etag},
                     json={"role": "SALES"}).status_code == 200
    assert api.delete("/api/roles/AUDITOR", token=admin).status_code == 204
    assert api.get("/api/roles/AUDITOR", token=admin).status_code == 404
    assert len(api.get("/api/roles/permissions", token=admin).get_json()["items"]) >= 30


def test_delete_is_soft_and_frees_the_email(api, admin, capture):
    user_id = create(api, admin).get_json()["id"]
    assert api.delete(f"/api/users/{user_id}", token=admin).status_code == 204
    assert user_doc(user_id)["status"] == "DELETED" and user_doc(user_id)["deletedEmail"] == NEW
    assert api.get(f"/api/users/{user_id}", token=admin).status_code == 404
    assert create(api, admin).status_code == 201


def test_listing_users_pages_with_a_cursor(api, admin, capture):
    for n in range(3):
        clock.advance(timedelta(seconds=1))
        assert create(api, admin, email=f"person{n}@example.com").status_code == 201
    make_user("elsewhere@example.com", organization_ids=[OTHER_ORG])
    first = api.get("/api/users?pageSize=2", token=admin).get_json()
    assert [u["email"] for u in first["items"]] == ["person2@example.com", "person1@example.com"]
    second = api.get(f"/api/users?pageSize=2&pageToken={first['nextPageToken']}", token=admin).get_json()
    assert [u["email"] for u in second["items"]] == ["person0@example.com", ADMIN]
    assert second["nextPageToken"] is None
    invited = api.get("/api/users?status=INVITED", token=admin).get_json()["items"]
    assert len(invited) == 3


def test_partner_primary_user_is_created_inside_the_callers_transaction(api, capture):
    from functions.auth.mail import send_invite_email
    from functions.auth.partner_accounts import create_partner_primary_user
    from shared.auth.users import check_email_available
    from shared.db import collection
    from shared.errors import Conflict
    from shared.uow import run_in_transaction

    def approve(uow):
        uow.get(collection("partners").document("P-1"))
        check_email_available(uow, "owner@ginning.example")             # the read phase
        uow.set(collection("partners").document("P-1"), {"status": "ACTIVE", "code": "BP-000001"})
        return create_partner_primary_user(uow, "P-1", "Owner@Ginning.example", "Gin Owner", "+919812345678")

    user_id, token = run_in_transaction(approve)
    assert collection("partners").document("P-1").get().to_dict()["status"] == "ACTIVE"
    assert send_invite_email("owner@ginning.example", "Gin Owner", token) is True
    assert accept(api, token_in(capture.emails(to="owner@ginning.example")[0]["text"], "/accept-invite")
                  ).status_code == 200
    body = sign_in(api, "owner@ginning.example", "Orchard#Velvet81")
    assert body["user"]["id"] == user_id
    assert (body["user"]["kind"], body["user"]["role"], body["user"]["partnerId"]) == \
        ("partner", "PARTNER_PRIMARY", "P-1")
    with pytest.raises(Conflict):
        run_in_transaction(lambda uow: create_partner_primary_user(uow, "P-2", "owner@ginning.example", "X", None))
