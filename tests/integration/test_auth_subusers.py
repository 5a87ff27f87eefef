"""A partner's sub-users: limit, permission and branch subsets, invites, revocation, partner scope."""
from __future__ import annotations

import concurrent.futures
from datetime import timedelta

import pytest

from shared import clock
from tests.support.auth import PARTNER, make_user, sign_in, token_in, user_doc

PRIMARY = "owner@cottonco.example"
RIVAL = "owner@rival.example"


@pytest.fixture
def primary(api, capture):
    from shared.db import collection

    for branch in ("BR-1", "BR-2"):
        collection("partners").document("P-1").collection("branches").document(branch).set({"name": branch})
    make_user(PRIMARY, role="PARTNER_PRIMARY", kind=PARTNER, partner_id="P-1")
    return sign_in(api, PRIMARY)["tokens"]["accessToken"]


def invite(api, token, email, permissions=("trades:read", "contracts:read"), branches=()):
    return api.post("/api/users/sub-users", token=token, json={"email": email, "name": email.split("@")[0],
                                                               "permissions": list(permissions),
                                                               "branchIds": list(branches)})


def test_a_primary_invites_a_sub_user_with_a_subset_of_its_permissions(api, primary, capture):
    response = invite(api, primary, "clerk@cottonco.example", branches=["BR-2"])
    assert response.status_code == 201, response.get_data(as_text=True)
    sub = response.get_json()
    assert (sub["role"], sub["partnerId"], sub["branchIds"], sub["status"]) == \
        ("PARTNER_SUB_USER", "P-1", ["BR-2"], "INVITED")
    token = token_in(capture.emails(to="clerk@cottonco.example")[0]["text"], "/accept-invite")
    assert api.post("/api/users/invites/accept", json={"token": token, "password": "Orchard#Velvet81"}
                    ).status_code == 200
    body = sign_in(api, "clerk@cottonco.example", "Orchard#Velvet81")
    assert sorted(body["user"]["permissions"]) == ["auth:self", "contracts:read", "trades:read"]
    assert body["user"]["branchIds"] == ["BR-2"] and body["user"]["partnerId"] == "P-1"
    clerk = body["tokens"]["accessToken"]
    assert invite(api, clerk, "x@cottonco.example").status_code == 403          # sub-users cannot invite
    listed = api.get("/api/users/sub-users", token=primary).get_json()["items"]
    assert [item["email"] for item in listed] == ["clerk@cottonco.example"]


def test_permissions_and_branches_must_be_a_subset(api, primary):
    beyond = invite(api, primary, "a@cottonco.example", permissions=["users:manage"])
    assert beyond.status_code == 422 and beyond.get_json()["details"]["fields"][0]["rule"] == "subset"
    delegate = invite(api, primary, "b@cottonco.example", permissions=["subusers:manage"])
    assert delegate.status_code == 422
    unknown_branch = invite(api, primary, "c@cottonco.example", branches=["BR-9"])
    assert unknown_branch.status_code == 422 and unknown_branch.get_json()["details"]["fields"][0]["rule"] == "branch"


def test_at_most_two_sub_users_and_a_revoke_or_expiry_frees_a_seat(api, primary, capture):
    first = invite(api, primary, "one@cottonco.example").get_json()["id"]
    assert invite(api, primary, "two@cottonco.example").status_code == 201
    third = invite(api, primary, "three@cottonco.example")
    assert third.status_code == 409
    assert third.get_json()["code"] == "SUB_USER_LIMIT_REACHED" and third.get_json()["details"]["limit"] == 2
    assert api.delete(f"/api/users/sub-users/{first}", token=primary).status_code == 204
    assert user_doc(first)["status"] == "DELETED"
    assert invite(api, primary, "three@cottonco.example").status_code == 201
    clock.advance(timedelta(days=7, seconds=1))                    # both pending invites lapse
    primary = sign_in(api, PRIMARY)["tokens"]["accessToken"]
    assert invite(api, primary, "four@cottonco.example").status_code == 201
    assert invite(api, primary, "one@cottonco.example").status_code == 201   # the revoked e-mail is free again


def test_the_limit_holds_under_concurrent_invites(api, primary):
    emails = [f"racer{n}@cottonco.example" for n in range(4)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(lambda email: invite(api, primary, email).status_code, emails))
    assert statuses == [201, 201, 409, 409]


def test_the_limit_is_a_setting(api, primary):
    from shared.db import collection

    collection("settings").document("global").set({"subUserLimit": 1})
    assert invite(api, primary, "one@cottonco.example").status_code == 201
    assert invite(api, primary, "two@cottonco.example").status_code == 409
    collection("partners").document("P-1").set({"subUserLimit": 3}, merge=True)     # the partner's own override
    assert invite(api, primary, "two@cottonco.example").status_code == 201


def test_revoking_ends_the_sub_users_sessions(api, primary, capture):
    sub_id = invite(api, primary, "temp@cottonco.example").get_json()["id"]
    token = token_in(capture.emails(to="temp@cottonco.example")[0]["text"], "/accept-invite")
    api.post("/api/users/invites/accept", json={"token": token, "password": "Orchard#Velvet81"})
    session = sign_in(api, "temp@cottonco.example", "Orchard#Velvet81")["tokens"]["accessToken"]
    changed = api.patch(f"/api/users/sub-users/{sub_id}", token=primary, json={"permissions": ["trades:read"]})
    assert changed.status_code == 200 and sorted(changed.get_json()["permissions"]) == ["auth:self", "trades:read"]
    assert api.delete(f"/api/users/sub-users/{sub_id}", token=primary).status_code == 204
    assert api.get("/api/auth/me", token=session).status_code == 401


def test_another_partners_sub_user_is_404(api, primary, capture):
    sub_id = invite(api, primary, "mine@cottonco.example").get_json()["id"]
    make_user(RIVAL, role="PARTNER_PRIMARY", kind=PARTNER, partner_id="P-2")
    rival = sign_in(api, RIVAL)["tokens"]["accessToken"]
    for response in (api.delete(f"/api/users/sub-users/{sub_id}", token=rival),
                     api.patch(f"/api/users/sub-users/{sub_id}", token=rival, json={"permissions": ["trades:read"]})):
        assert response.status_code == 404 and response.get_json()["code"] == "SUB_USER_NOT_FOUND"
    assert api.get("/api/users/sub-users", token=rival).get_json()["items"] == []
    assert user_doc(sub_id)["status"] == "INVITED"
