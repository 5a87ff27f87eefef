"""Row scope: a partner user reaches only its own partner (404 otherwise); a sub-user needs the permission."""
from __future__ import annotations

import pytest

from tests.support.partners import Staff, active_partner, add_branch, branch, branch_user, partner_user, profile

pytestmark = pytest.mark.usefixtures("capture")


@pytest.fixture
def two_partners(api):
    staff = Staff()
    mine, _ = active_partner(api, staff)
    theirs, _ = active_partner(api, staff, profile(email="other@example.in", legal_name="Other Ginning Factory"))
    return staff, mine, theirs


def test_a_partner_user_sees_its_own_partner_without_back_office_fields(api, two_partners):
    _, mine, _ = two_partners
    token = partner_user(mine)
    own = api.get(f"/api/partners/{mine}", token=token)
    assert own.status_code == 200
    assert own.get_json()["id"] == mine and own.get_json()["createdBy"] is None
    me = api.get("/api/partners/me", token=token)
    assert me.status_code == 200 and me.get_json()["id"] == mine
    assert api.get(f"/api/partners/{mine}/branches", token=token).status_code == 200


def test_another_partner_is_404_everywhere(api, two_partners):
    _, mine, theirs = two_partners
    # even a partner user that was (wrongly) granted back-office permissions stays in its partner
    for token in (partner_user(mine), partner_user(mine, {"self:profile", "partners:read", "partners:update"})):
        for path in ("", "/branches", "/certifications", "/change-requests", "/versions", "/documents",
                     "/versions/diff?from=1&to=1"):
            response = api.get(f"/api/partners/{theirs}{path}", token=token)
            assert response.status_code == 404, (path, response.get_json())
            assert response.get_json()["code"] == "PARTNER_NOT_FOUND"
        assert api.post(f"/api/partners/{theirs}/branches", json=branch("X1"), token=token).status_code == 404
        assert api.post(f"/api/partners/{theirs}/change-requests", json={"tradeName": "Mine now"},
                        token=token).status_code == 404
        assert api.get("/api/partners/does-not-exist", token=token).status_code == 404
    assert api.get(f"/api/partners/{theirs}", token=two_partners[0].maker_token).status_code == 200


def test_partner_users_cannot_use_back_office_routes(api, two_partners):
    _, mine, _ = two_partners
    token = partner_user(mine)
    assert api.get("/api/partners", token=token).status_code == 403
    assert api.post(f"/api/partners/{mine}/approve", token=token).status_code == 403
    assert api.post(f"/api/partners/{mine}/suspend", json={"reason": "x"}, token=token).status_code == 403
    assert api.get("/api/kyc/due", token=token).status_code == 403
    # a partner user holding partners:update still cannot act as back office
    wide = partner_user(mine, {"self:profile", "partners:update", "partners:approve"})
    refused = api.post(f"/api/partners/{mine}/suspend", json={"reason": "x"}, token=wide)
    assert refused.status_code == 403
    assert api.get(f"/api/partners/{mine}", token=token).get_json()["status"] == "ACTIVE"


def test_a_sub_user_without_the_permission_is_403(api, two_partners):
    _, mine, _ = two_partners
    sub = partner_user(mine, {"trades:read", "contracts:read"})
    for path in (f"/api/partners/{mine}", f"/api/partners/{mine}/branches", "/api/partners/me"):
        response = api.get(path, token=sub)
        assert response.status_code == 403, path
        assert response.get_json()["code"] == "PERMISSION_DENIED"
    assert api.post(f"/api/partners/{mine}/branches", json=branch("S1"), token=sub).status_code == 403
    assert api.get(f"/api/partners/{mine}/branches", token=partner_user(mine)).get_json()["items"][0]["code"] == "HO"


def test_a_sub_user_limited_to_branches_sees_only_those(api, two_partners):
    staff, mine, _ = two_partners
    extra = add_branch(api, staff.maker_token, mine, branch("PUNE"))
    head = api.get(f"/api/partners/{mine}/branches", token=staff.maker_token).get_json()["items"][0]
    assert head["code"] == "HO"
    limited = branch_user(mine, [extra["id"]])
    items = api.get(f"/api/partners/{mine}/branches", token=limited).get_json()["items"]
    assert [b["code"] for b in items] == ["PUNE"]
    assert api.get(f"/api/partners/{mine}/branches/{head['id']}", token=limited).status_code == 404
    hidden = api.patch(f"/api/partners/{mine}/branches/{head['id']}", json={"name": "x"}, token=limited)
    assert hidden.status_code == 404
    renamed = api.patch(f"/api/partners/{mine}/branches/{extra['id']}", json={"name": "Pune Depot"}, token=limited)
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Pune Depot"
    refused = api.post(f"/api/partners/{mine}/branches/{extra['id']}/make-head-office", token=limited)
    assert refused.status_code == 403 and refused.get_json()["code"] == "BRANCH_SCOPE"
    assert api.post(f"/api/partners/{mine}/branches", json=branch("NEW"), token=limited).status_code == 403
