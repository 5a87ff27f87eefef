"""Issue 15 item 3, cross-organization admin: two organizations, each with its own admin, through HTTP.

An admin reaches only its own organizations and their settings (404 for the other's, nothing written);
the creator of an organization becomes its member from its next call on; deleting an organization in use
is 409 with what uses it; a deleted organization's settings are gone until it is restored.
"""
from __future__ import annotations

import pytest

from shared.db import collection
from tests.support.auth import audit_entries, make_user, sign_in, user_doc
from tests.support.masters import make_gstin, org_body

ALPHA_ADMIN, BETA_ADMIN = "alpha.admin@example.com", "beta.admin@example.com"
BETA_PAN = "AAKCB7777B"


def create_org(api, token, body=None) -> dict:
    response = api.post("/api/organizations", json=body or org_body(), token=token)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def two_orgs(masters_api, capture):
    """Two admins who each created one organization (neither belonged to any before)."""
    alpha_id = make_user(ALPHA_ADMIN, role="ADMIN", organization_ids=[])
    beta_id = make_user(BETA_ADMIN, role="ADMIN", organization_ids=[])
    alpha = sign_in(masters_api, ALPHA_ADMIN)["tokens"]["accessToken"]
    beta = sign_in(masters_api, BETA_ADMIN)["tokens"]["accessToken"]
    alpha_org = create_org(masters_api, alpha)
    beta_org = create_org(masters_api, beta, org_body(pan=BETA_PAN, legalName="Beta Cotton Private Limited",
                                                      gstins=[{"gstin": make_gstin("27", BETA_PAN)}]))
    return {"alpha": alpha, "beta": beta, "alpha_id": alpha_id, "beta_id": beta_id,
            "alpha_org": alpha_org["id"], "beta_org": beta_org["id"]}


def test_the_creator_administers_its_new_organization_from_its_next_call(masters_api, two_orgs):
    alpha, org = two_orgs["alpha"], two_orgs["alpha_org"]
    changed = masters_api.patch(f"/api/organizations/{org}", json={"tradeName": "Alpha"}, token=alpha)
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["tradeName"] == "Alpha"
    assert [item["id"] for item in masters_api.get("/api/organizations", token=alpha).get_json()["items"]] == [org]
    # its user document holds the membership (audited), so a new sign-in carries it too
    assert user_doc(two_orgs["alpha_id"])["organizationIds"] == [org]
    assert [e["reason"] for e in audit_entries(entity="user", entityId=two_orgs["alpha_id"], action="user.updated")] \
        == ["organization_created"]
    fresh = sign_in(masters_api, ALPHA_ADMIN)["user"]
    assert fresh["organizationIds"] == [org]


def test_an_admin_cannot_read_change_delete_or_restore_another_organization_or_its_settings(masters_api, two_orgs):
    alpha, beta, theirs = two_orgs["alpha"], two_orgs["beta"], two_orgs["beta_org"]
    before = collection("organizations").document(theirs).get().to_dict()
    settings_before = collection("settings").document(theirs).get().to_dict()
    attempts = {
        "get": masters_api.get(f"/api/organizations/{theirs}", token=alpha),
        "patch": masters_api.patch(f"/api/organizations/{theirs}", json={"tradeName": "Taken"}, token=alpha),
        "delete": masters_api.delete(f"/api/organizations/{theirs}", token=alpha),
        "restore": masters_api.post(f"/api/organizations/{theirs}/restore", token=alpha),
        "versions": masters_api.get(f"/api/organizations/{theirs}/versions", token=alpha),
        "settings get": masters_api.get(f"/api/organizations/{theirs}/settings", token=alpha),
        "settings patch": masters_api.patch(f"/api/organizations/{theirs}/settings", token=alpha,
                                            json={"lockoutPolicy": {"maxFailedAttempts": 50}}),
        "year": masters_api.post("/api/financial-years", token=alpha,
                                 json={"organizationId": theirs, "code": "2025-26"}),
    }
    answers = {name: (r.status_code, r.get_json()["code"]) for name, r in attempts.items()}
    assert answers == {name: (404, "ORGANIZATION_NOT_FOUND") for name in attempts}
    assert collection("organizations").document(theirs).get().to_dict() == before
    assert collection("settings").document(theirs).get().to_dict() == settings_before
    listed = masters_api.get("/api/organizations", token=alpha).get_json()["items"]
    assert [item["id"] for item in listed] == [two_orgs["alpha_org"]]
    # its own admin still can
    assert masters_api.get(f"/api/organizations/{theirs}/settings", token=beta).status_code == 200


def test_deleting_an_organization_in_use_is_409_with_what_uses_it(masters_api, two_orgs):
    alpha, org = two_orgs["alpha"], two_orgs["alpha_org"]
    sales = make_user("alpha.sales@example.com", role="SALES", organization_ids=[org])
    make_user("gone.sales@example.com", role="SALES", organization_ids=[org], status="DELETED")
    make_user("beta.sales@example.com", role="SALES", organization_ids=[two_orgs["beta_org"]])
    collection("contracts").document("c-1").set({"orgId": org, "status": "CLOSED"})
    collection("trades").document("t-1").set({"orgId": org, "status": "EXPIRED"})
    collection("trades").document("t-2").set({"orgId": two_orgs["beta_org"], "status": "OPEN"})
    year = masters_api.post("/api/financial-years", token=alpha, json={"organizationId": org, "code": "2025-26"})
    assert year.status_code == 201, year.get_data(as_text=True)
    assert masters_api.post(f"/api/financial-years/{year.get_json()['id']}/activate", token=alpha).status_code == 200

    refused = masters_api.delete(f"/api/organizations/{org}", token=alpha)
    assert refused.status_code == 409
    body = refused.get_json()
    # the deleting admin's own membership does not count; the deleted user's does not either
    assert body["code"] == "ORGANIZATION_IN_USE"
    assert body["details"] == {"users": 1, "contracts": 1, "tradeRequests": 1, "activeFinancialYears": ["2025-26"]}
    assert collection("organizations").document(org).get().to_dict()["deletedAt"] is None

    collection("contracts").document("c-1").delete()
    collection("trades").document("t-1").delete()
    collection("financialYears").document(year.get_json()["id"]).update({"active": False})
    assert masters_api.delete(f"/api/users/{sales}", token=alpha).status_code == 204
    deleted = masters_api.delete(f"/api/organizations/{org}", token=alpha)
    assert deleted.status_code == 204, deleted.get_data(as_text=True)


def test_a_deleted_organization_and_its_settings_are_gone_until_its_admin_restores_it(masters_api, two_orgs):
    alpha, org = two_orgs["alpha"], two_orgs["alpha_org"]
    assert masters_api.delete(f"/api/organizations/{org}", token=alpha).status_code == 204
    for path in (f"/api/organizations/{org}", f"/api/organizations/{org}/settings"):
        gone = masters_api.get(path, token=alpha)
        assert (gone.status_code, gone.get_json()["code"]) == (404, "ORGANIZATION_NOT_FOUND")
    # the other organization's admin cannot restore it
    assert masters_api.post(f"/api/organizations/{org}/restore", token=two_orgs["beta"]).status_code == 404
    restored = masters_api.post(f"/api/organizations/{org}/restore", token=alpha)
    assert restored.status_code == 200, restored.get_data(as_text=True)
    settings = masters_api.get(f"/api/organizations/{org}/settings", token=alpha)
    assert settings.status_code == 200 and settings.get_json()["organizationId"] == org
