"""Issue 15, privilege and scope: nobody acts on a user whose permissions or organizations are beyond
its own, and a change of role, grants or organizations ends the user's sessions at once."""
from __future__ import annotations

import pytest

from shared.auth.principal import PARTNER
from tests.support.auth import GOOD_PASSWORD, ORG, OTHER_ORG, audit_entries, login, make_user, sign_in, user_doc

ADMIN = "chief.admin@example.com"
HELPDESK = "helpdesk@example.com"


@pytest.fixture
def admin(api, capture):
    make_user(ADMIN, role="ADMIN", organization_ids=[ORG])
    return sign_in(api, ADMIN)["tokens"]["accessToken"]


@pytest.fixture
def helpdesk(api, admin):
    """A custom user administrator: {users:read, users:manage} and nothing else."""
    created = api.post("/api/roles", token=admin, json={"name": "USER_ADMIN",
                                                        "permissions": ["users:read", "users:manage"]})
    assert created.status_code == 201, created.get_data(as_text=True)
    make_user(HELPDESK, role="USER_ADMIN", organization_ids=[ORG])
    return sign_in(api, HELPDESK)["tokens"]["accessToken"]


def assert_outranked(response, **details):
    assert response.status_code == 403, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == "USER_OUTRANKS_CALLER" and body["message"]
    for key, value in details.items():
        assert body["details"][key] == value


def test_a_user_administrator_cannot_take_over_demote_disable_or_delete_an_admin(api, helpdesk):
    target = make_user("other.admin@example.com", role="ADMIN", organization_ids=[ORG])
    etag = api.get(f"/api/users/{target}", token=helpdesk).headers["ETag"]
    before = user_doc(target)
    attempts = {
        "temporary password": api.post(f"/api/users/{target}/temporary-password", token=helpdesk),
        "demote": api.patch(f"/api/users/{target}", token=helpdesk, headers={"If-Match": etag},
                            json={"role": "USER_ADMIN"}),
        "rename": api.patch(f"/api/users/{target}", token=helpdesk, headers={"If-Match": etag},
                            json={"name": "Taken Over"}),
        "disable": api.post(f"/api/users/{target}/disable", token=helpdesk, json={"reason": "x"}),
        "enable": api.post(f"/api/users/{target}/enable", token=helpdesk),
        "unlock": api.post(f"/api/users/{target}/unlock", token=helpdesk),
        "re-invite": api.post(f"/api/users/{target}/invite", token=helpdesk),
        "delete": api.delete(f"/api/users/{target}", token=helpdesk),
    }
    for what, response in attempts.items():
        assert response.status_code == 403, what
        assert_outranked(response)
        assert "organizations:write" in response.get_json()["details"]["permissions"], what
        assert "temporaryPassword" not in response.get_data(as_text=True)
    after = user_doc(target)
    assert (after["role"], after["status"], after["version"], after["passwordHash"]) == (
        "ADMIN", "ACTIVE", before["version"], before["passwordHash"])
    assert login(api, "other.admin@example.com", GOOD_PASSWORD).status_code == 200


def test_a_user_administrator_still_manages_users_within_its_own_permissions(api, helpdesk):
    peer = make_user("peer@example.com", role="USER_ADMIN", organization_ids=[ORG])
    response = api.post(f"/api/users/{peer}/disable", token=helpdesk, json={})
    assert response.status_code == 200 and response.get_json()["status"] == "DISABLED"
    issued = api.post(f"/api/users/{peer}/enable", token=helpdesk)
    assert issued.status_code == 200 and issued.get_json()["status"] == "ACTIVE"


def test_a_back_office_user_manager_cannot_act_on_partner_users_beyond_its_permissions(api, admin, helpdesk):
    partner_user = make_user("owner@ginning.example", role="PARTNER_PRIMARY", kind=PARTNER, partner_id="P-1")
    refused = api.post(f"/api/users/{partner_user}/temporary-password", token=helpdesk)
    assert_outranked(refused)
    assert "self:profile" in refused.get_json()["details"]["permissions"]
    assert_outranked(api.post(f"/api/users/{partner_user}/disable", token=helpdesk, json={}))
    assert user_doc(partner_user)["status"] == "ACTIVE"
    # an ADMIN holds every permission a partner user has
    issued = api.post(f"/api/users/{partner_user}/temporary-password", token=admin)
    assert issued.status_code == 200 and issued.get_json()["mustChangePassword"] is True


def test_an_admin_cannot_remove_a_membership_of_an_organization_it_does_not_administer(api, admin):
    shared_user = make_user("both.orgs@example.com", role="SALES", organization_ids=[ORG, OTHER_ORG])
    etag = api.get(f"/api/users/{shared_user}", token=admin).headers["ETag"]
    response = api.patch(f"/api/users/{shared_user}", token=admin, headers={"If-Match": etag},
                         json={"organizationIds": [ORG]})
    assert_outranked(response, organizationIds=[OTHER_ORG])
    assert user_doc(shared_user)["organizationIds"] == [ORG, OTHER_ORG]
    assert_outranked(api.post(f"/api/users/{shared_user}/disable", token=admin, json={}),
                     organizationIds=[OTHER_ORG])
    # an admin of both organizations may
    make_user("group.admin@example.com", role="ADMIN", organization_ids=[ORG, OTHER_ORG])
    group = sign_in(api, "group.admin@example.com")["tokens"]["accessToken"]
    done = api.patch(f"/api/users/{shared_user}", token=group, headers={"If-Match": etag},
                     json={"organizationIds": [ORG]})
    assert done.status_code == 200 and done.get_json()["organizationIds"] == [ORG]


# ---- item 4: a change of access ends the sessions ---------------------------------------------------------

def test_a_demoted_admin_loses_its_power_on_its_next_call(api, admin):
    deputy = make_user("deputy@example.com", role="ADMIN", organization_ids=[ORG])
    session = sign_in(api, "deputy@example.com")["tokens"]
    assert api.get("/api/auth/me", token=session["accessToken"]).status_code == 200
    etag = api.get(f"/api/users/{deputy}", token=admin).headers["ETag"]
    demoted = api.patch(f"/api/users/{deputy}", token=admin, headers={"If-Match": etag}, json={"role": "SALES"})
    assert demoted.status_code == 200, demoted.get_data(as_text=True)
    sneaky = api.post("/api/users", token=session["accessToken"], json={
        "email": "sneaky@example.com", "name": "Sneaky", "role": "ADMIN", "organizationIds": [ORG]})
    assert sneaky.status_code == 401 and sneaky.get_json()["code"] == "SESSION_REVOKED"
    assert api.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]}).status_code == 401
    again = sign_in(api, "deputy@example.com")
    assert "users:manage" not in again["user"]["permissions"]
    [entry] = [e for e in audit_entries(action="user.updated", entityId=deputy)]
    assert entry["sessionsEnded"] == 1


def test_a_change_of_grants_or_organizations_ends_the_sessions_and_a_rename_does_not(api, admin):
    make_user("group.admin@example.com", role="ADMIN", organization_ids=[ORG, OTHER_ORG])
    group = sign_in(api, "group.admin@example.com")["tokens"]["accessToken"]
    worker = make_user("worker@example.com", role="SALES", organization_ids=[ORG])

    def signed_in():
        return sign_in(api, "worker@example.com")["tokens"]["accessToken"]

    def alive(token):
        return api.get("/api/auth/me", token=token).status_code

    token = signed_in()
    assert api.patch(f"/api/users/{worker}", token=group, json={"name": "Renamed"}).status_code == 200
    assert api.patch(f"/api/users/{worker}", token=group, json={"organizationIds": [ORG]}).status_code == 200
    assert alive(token) == 200                       # nothing about its access changed
    assert api.put(f"/api/users/{worker}/permissions", token=group,
                   json={"grants": ["audit:read"], "revocations": []}).status_code == 200
    assert alive(token) == 401
    token = signed_in()
    assert api.put(f"/api/users/{worker}/permissions", token=group,
                   json={"grants": ["audit:read"], "revocations": ["trades:create"]}).status_code == 200
    assert alive(token) == 401
    token = signed_in()
    assert api.patch(f"/api/users/{worker}", token=group,
                     json={"organizationIds": [ORG, OTHER_ORG]}).status_code == 200
    assert alive(token) == 401
    assert sign_in(api, "worker@example.com")["user"]["organizationIds"] == [ORG, OTHER_ORG]


def test_taking_a_permission_from_a_custom_role_ends_its_holders_sessions_and_adding_one_does_not(api, admin,
                                                                                               helpdesk):
    bystander = sign_in(api, ADMIN)["tokens"]["accessToken"]
    second = sign_in(api, HELPDESK)["tokens"]["accessToken"]
    added = api.patch("/api/roles/USER_ADMIN", token=admin,
                      json={"permissions": ["users:read", "users:manage", "audit:read"]})
    assert added.status_code == 200, added.get_data(as_text=True)
    assert api.get("/api/users", token=helpdesk).status_code == 200          # nothing taken away
    assert audit_entries(action="user.sessions_ended") == []

    taken = api.patch("/api/roles/USER_ADMIN", token=admin, json={"permissions": ["users:read", "audit:read"]})
    assert taken.status_code == 200, taken.get_data(as_text=True)
    for token in (helpdesk, second):                   # no window: the very next call is refused
        assert api.get("/api/users", token=token).status_code == 401
    assert api.get("/api/auth/me", token=bystander).status_code == 200      # other roles untouched
    again = sign_in(api, HELPDESK)["tokens"]["accessToken"]
    assert api.get("/api/users", token=again).status_code == 200
    assert api.post("/api/users/x/disable", token=again, json={}).status_code == 403   # users:manage is gone
    [ended] = audit_entries(action="user.sessions_ended")
    assert ended["reason"] == "ROLE_CHANGED" and ended["sessionsEnded"] == 2
    [change] = [e for e in audit_entries(action="role.updated") if e.get("permissionsRemoved")]
    assert change["permissionsRemoved"] == ["users:manage"]
