"""GET /api/dashboard/trades-summary on the emulators: counts by status per organization."""
from __future__ import annotations

from shared.db import collection
from tests.support.identity import token_for


def test_counts_by_status_per_organization_of_the_caller(api):
    for n, (org, status) in enumerate([("o1", "POSTED"), ("o1", "POSTED"), ("o1", "AGREED"), ("o2", "DRAFT"),
                                       ("o3", "POSTED")]):
        collection("trades").document(f"t{n}").set({"orgId": org, "status": status})
    staff, _ = token_for({"trades:read"}, organization_ids=("o1", "o2"))
    response = api.get("/api/dashboard/trades-summary", token=staff)
    assert response.status_code == 200, response.get_json()
    items = {item["orgId"]: item for item in response.get_json()["items"]}
    assert set(items) == {"o1", "o2"}
    assert (items["o1"]["counts"]["POSTED"], items["o1"]["counts"]["AGREED"], items["o1"]["total"]) == (2, 1, 3)
    assert (items["o2"]["counts"]["DRAFT"], items["o2"]["total"]) == (1, 1)
    only = api.get("/api/dashboard/trades-summary?orgId=o2", token=staff).get_json()["items"]
    assert [item["orgId"] for item in only] == ["o2"]
    assert api.get("/api/dashboard/trades-summary?orgId=o3", token=staff).status_code == 404
    partner, _ = token_for({"trades:read"}, kind="partner", partner_id="p1")
    assert api.get("/api/dashboard/trades-summary", token=partner).status_code == 403


def test_the_desk_list_pages_filters_and_counts_offers_with_the_best_match_score(api):
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n, (org, status) in enumerate([("o1", "POSTED"), ("o1", "NEGOTIATING"), ("o1", "POSTED"), ("o9", "POSTED")]):
        collection("trades").document(f"t{n}").set({"orgId": org, "status": status, "side": "BUY",
                                                    "commodityId": "COTTON", "createdAt": start + timedelta(hours=n)})
    for n, score in enumerate([71.5, 88.25, 60]):
        collection("offers").document(f"of{n}").set({"tradeId": "t1", "matchScore": {"total": score}})
    staff, _ = token_for({"trades:read"}, organization_ids=("o1",))
    first = api.get("/api/dashboard/trades?pageSize=2", token=staff)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert [(i["id"], i["offersCount"], i["bestMatchScore"]) for i in body["items"]] == [
        ("t2", 0, None), ("t1", 3, 88.25)]
    rest = api.get(f"/api/dashboard/trades?pageSize=2&pageToken={body['nextPageToken']}", token=staff).get_json()
    assert [i["id"] for i in rest["items"]] == ["t0"] and rest["nextPageToken"] is None
    posted = api.get("/api/dashboard/trades?status=POSTED&side=BUY&commodityId=COTTON", token=staff).get_json()
    assert [i["id"] for i in posted["items"]] == ["t2", "t0"]
    assert api.get("/api/dashboard/trades?orgId=o9", token=staff).status_code == 404
