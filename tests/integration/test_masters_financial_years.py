"""Financial years: dates and codes, exactly one active under concurrency, close with blockers and
carry-forward, admin reopen with a reason."""
from __future__ import annotations

import threading

import pytest

from shared import fiscal
from tests.support.client import ApiClient
from tests.support.masters import admin_token, field_rules, org_body, reader_token


@pytest.fixture
def org_id(masters_api):
    response = masters_api.post("/api/organizations", json=org_body(), token=admin_token())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def org_admin(org: str) -> str:
    """An administrator of `org` (organization scope is membership)."""
    return admin_token(organization_ids=(org,))


def create_year(api, token, org, status=201, **body):
    response = api.post("/api/financial-years", json={"organizationId": org, **body}, token=token)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def active_years(org):
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection
    query = (collection("financialYears").where(filter=FieldFilter("orgId", "==", org))
             .where(filter=FieldFilter("active", "==", True)))
    return sorted(snapshot.to_dict()["code"] for snapshot in query.stream())


def test_create_from_code_or_dates(masters_api, org_id):
    token = org_admin(org_id)
    by_code = create_year(masters_api, token, org_id, code="2025-26")
    assert (by_code["id"], by_code["startDate"], by_code["endDate"]) == (f"{org_id}_2025-26", "2025-04-01",
                                                                          "2026-03-31")
    assert by_code["status"] == "OPEN" and by_code["active"] is False
    by_dates = create_year(masters_api, token, org_id, startDate="2026-04-01", endDate="2027-03-31")
    assert by_dates["code"] == "2026-27"
    duplicate = create_year(masters_api, token, org_id, status=409, code="2025-26")
    assert duplicate["code"] == "FINANCIAL_YEAR_EXISTS"


@pytest.mark.parametrize("body, expected", [
    ({"startDate": "2025-04-02", "endDate": "2026-03-31"}, [("startDate", "fy_start_april_1")]),
    ({"startDate": "2025-04-01", "endDate": "2026-03-30"}, [("endDate", "fy_end_march_31")]),
    ({"startDate": "2025-04-01", "endDate": "2027-03-31"}, [("endDate", "fy_one_year")]),
    ({"code": "2025-27"}, [("code", "fy_code_format")]),
    ({"code": "2024-25", "startDate": "2025-04-01"}, [("code", "fy_code_mismatch")]),
    ({}, [("code", "required")]),
])
def test_invalid_years_are_422_with_the_rule(masters_api, org_id, body, expected):
    response = masters_api.post("/api/financial-years", json={"organizationId": org_id, **body},
                                token=org_admin(org_id))
    assert response.status_code == 422
    assert field_rules(response) == expected


def test_unknown_organization_is_404(masters_api):
    response = masters_api.post("/api/financial-years", json={"organizationId": "nope", "code": "2025-26"},
                                token=org_admin("nope"))
    assert response.status_code == 404 and response.get_json()["code"] == "ORGANIZATION_NOT_FOUND"


def test_concurrent_activations_leave_exactly_one_active(masters_api, org_id):
    token = org_admin(org_id)
    codes = ["2023-24", "2024-25", "2025-26", "2026-27"]
    ids = [create_year(masters_api, token, org_id, code=code)["id"] for code in codes]
    from local.gateway import create_gateway

    gateway = create_gateway()
    tokens = [org_admin(org_id) for _ in ids]          # one user each: no shared rate-limit document
    results: list[int] = []
    barrier = threading.Barrier(len(ids))

    def activate(fy_id: str, user_token: str) -> None:
        client = ApiClient(gateway)
        barrier.wait()
        results.append(client.post(f"/api/financial-years/{fy_id}/activate", token=user_token).status_code)

    threads = [threading.Thread(target=activate, args=pair) for pair in zip(ids, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [200] * len(ids)
    active = active_years(org_id)
    assert len(active) == 1
    from shared.db import collection
    pointer = collection("activeFinancialYears").document(org_id).get().to_dict()
    assert pointer["financialYearId"] == f"{org_id}_{active[0]}"
    current = masters_api.get(f"/api/financial-years/active?organizationId={org_id}", token=token)
    assert current.status_code == 200 and current.get_json()["code"] == active[0]


def test_an_organization_with_an_active_financial_year_cannot_be_deleted(masters_api, org_id):
    """Issue 15 item 3: the delete answered 204 while the organization had an active year."""
    token = org_admin(org_id)
    create_year(masters_api, token, org_id, code="2025-26", activate=True)
    refused = masters_api.delete(f"/api/organizations/{org_id}", token=token)
    assert refused.status_code == 409, refused.get_data(as_text=True)
    body = refused.get_json()
    assert body["code"] == "ORGANIZATION_IN_USE" and body["details"] == {"activeFinancialYears": ["2025-26"]}
    assert masters_api.get(f"/api/organizations/{org_id}", token=token).status_code == 200


def test_activating_another_year_deactivates_the_previous(masters_api, org_id):
    token = org_admin(org_id)
    first = create_year(masters_api, token, org_id, code="2025-26", activate=True)
    assert first["active"] is True and active_years(org_id) == ["2025-26"]
    second = create_year(masters_api, token, org_id, code="2026-27")
    activated = masters_api.post(f"/api/financial-years/{second['id']}/activate", token=token)
    assert activated.status_code == 200 and activated.get_json()["active"] is True
    assert active_years(org_id) == ["2026-27"]
    again = masters_api.post(f"/api/financial-years/{second['id']}/activate", token=token)
    assert again.status_code == 200 and active_years(org_id) == ["2026-27"]


def test_no_active_year_is_404(masters_api, org_id):
    response = masters_api.get(f"/api/financial-years/active?organizationId={org_id}", token=org_admin(org_id))
    assert response.status_code == 404 and response.get_json()["code"] == "NO_ACTIVE_FINANCIAL_YEAR"


def _put(collection_name, org, code, status, n=1):
    from shared.db import collection
    refs = []
    for _ in range(n):
        ref = collection(collection_name).document()
        ref.set({"orgId": org, "financialYear": code, "status": status})
        refs.append(ref)
    return refs


def test_close_is_blocked_by_drafts_then_records_the_carry_forward(masters_api, org_id):
    token = org_admin(org_id)
    year = create_year(masters_api, token, org_id, code="2025-26", activate=True)
    create_year(masters_api, token, org_id, code="2026-27", activate=False)
    drafts = _put("contracts", org_id, "2025-26", "DRAFT", 2)
    _put("contracts", org_id, "2025-26", "PENDING_APPROVAL")        # submitted: not a draft
    _put("contracts", org_id, "2024-25", "DRAFT")                   # another year: not a blocker
    _put("contracts", "other-org", "2025-26", "DRAFT")              # another organization: not a blocker
    blocked = masters_api.post(f"/api/financial-years/{year['id']}/close", token=token)
    assert blocked.status_code == 409 and blocked.get_json()["code"] == "FINANCIAL_YEAR_HAS_BLOCKERS"
    blockers = {b["code"]: b["count"] for b in blocked.get_json()["details"]["blockers"]}
    assert blockers == {"DRAFT_CONTRACTS": 2, "ACTIVE_FINANCIAL_YEAR": 1}

    masters_api.post(f"/api/financial-years/{org_id}_2026-27/activate", token=token)
    for ref in drafts:
        ref.update({"status": "ACTIVE"})
    # DOMAIN.md statuses: invoices UNPAID/PARTIALLY_PAID/OVERDUE carry, PAID/CANCELLED do not;
    # commissions DUE/INVOICED carry, PAID does not; disputes OPEN/UNDER_REVIEW carry.
    _put("invoices", org_id, "2025-26", "UNPAID", 2)
    _put("invoices", org_id, "2025-26", "PARTIALLY_PAID")
    _put("invoices", org_id, "2025-26", "OVERDUE")
    _put("invoices", org_id, "2025-26", "PAID", 3)
    _put("invoices", org_id, "2025-26", "CANCELLED")
    _put("commissions", org_id, "2025-26", "DUE", 4)
    _put("commissions", org_id, "2025-26", "INVOICED")
    _put("commissions", org_id, "2025-26", "PAID")
    _put("disputes", org_id, "2025-26", "OPEN")
    _put("disputes", org_id, "2025-26", "UNDER_REVIEW")
    _put("disputes", org_id, "2025-26", "RESOLVED")
    summary = masters_api.get(f"/api/financial-years/{year['id']}/closing-summary", token=token).get_json()
    assert summary["blockers"] == []
    closed = masters_api.post(f"/api/financial-years/{year['id']}/close", token=token)
    assert closed.status_code == 200, closed.get_data(as_text=True)
    body = closed.get_json()
    assert body["status"] == "CLOSED" and body["closedAt"]
    carry = body["carryForward"]
    assert (carry["fromFinancialYear"], carry["toFinancialYear"]) == ("2025-26", "2026-27")
    assert (carry["unpaidInvoices"], carry["dueCommissions"], carry["openDisputes"]) == (4, 5, 2)
    again = masters_api.post(f"/api/financial-years/{year['id']}/close", token=token)
    assert again.status_code == 409 and again.get_json()["code"] == "FINANCIAL_YEAR_CLOSED"
    reactivate = masters_api.post(f"/api/financial-years/{year['id']}/activate", token=token)
    assert reactivate.status_code == 409 and reactivate.get_json()["code"] == "FINANCIAL_YEAR_CLOSED"


def test_reopen_needs_a_reason_and_records_it(masters_api, org_id):
    token = org_admin(org_id)
    year = create_year(masters_api, token, org_id, code="2024-25")
    not_closed = masters_api.post(f"/api/financial-years/{year['id']}/reopen", json={"reason": "typo fix"},
                                  token=token)
    assert not_closed.status_code == 409 and not_closed.get_json()["code"] == "FINANCIAL_YEAR_NOT_CLOSED"
    assert masters_api.post(f"/api/financial-years/{year['id']}/close", token=token).status_code == 200
    no_reason = masters_api.post(f"/api/financial-years/{year['id']}/reopen", json={}, token=token)
    assert no_reason.status_code == 422
    reopened = masters_api.post(f"/api/financial-years/{year['id']}/reopen",
                                json={"reason": "Late purchase invoice from a ginner"}, token=token)
    assert reopened.status_code == 200
    body = reopened.get_json()
    assert body["status"] == "OPEN" and body["closedAt"] is None
    assert [entry["reason"] for entry in body["reopenings"]] == ["Late purchase invoice from a ginner"]
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection
    audit = [s.to_dict() for s in collection("auditLog").where(filter=FieldFilter("entityId", "==", year["id"]))
             .stream()]
    assert sorted(entry["action"] for entry in audit) == ["close", "create", "reopen"]
    assert [e["reason"] for e in audit if e["action"] == "reopen"] == ["Late purchase invoice from a ginner"]


def test_reader_cannot_manage_years_and_sees_only_its_organization(masters_api, org_id):
    reader = reader_token(organization_ids=(org_id,))
    denied = masters_api.post("/api/financial-years", json={"organizationId": org_id, "code": "2025-26"},
                              token=reader)
    assert denied.status_code == 403
    create_year(masters_api, org_admin(org_id), org_id, code="2025-26", activate=True)
    mine = masters_api.get(f"/api/financial-years/active?organizationId={org_id}", token=reader)
    assert mine.status_code == 200 and mine.get_json()["code"] == "2025-26"
    stranger = reader_token(organization_ids=("another-org",))
    hidden = masters_api.get(f"/api/financial-years/active?organizationId={org_id}", token=stranger)
    assert hidden.status_code == 404


def test_list_is_newest_first_with_cursors(masters_api, org_id):
    token = org_admin(org_id)
    for start in range(2020, 2025):
        create_year(masters_api, token, org_id, code=fiscal.code_for_start_year(start))
    first = masters_api.get(f"/api/financial-years?organizationId={org_id}&pageSize=3", token=token).get_json()
    second = masters_api.get(f"/api/financial-years?organizationId={org_id}&pageSize=3"
                             f"&pageToken={first['nextPageToken']}", token=token).get_json()
    assert [y["code"] for y in first["items"] + second["items"]] == ["2024-25", "2023-24", "2022-23", "2021-22",
                                                                      "2020-21"]
    assert second["nextPageToken"] is None
