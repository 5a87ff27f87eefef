"""Locations search, GST rates, commission structures and CCI terms by date, organization settings."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from tests.support.masters import admin_token, field_rules, reader_token

# --- locations ----------------------------------------------------------------------------------------

def search(api, query, token=None):
    response = api.get(f"/api/settings/locations?{query}", token=token or reader_token())
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_prefix_search_finds_rajkot_with_state_and_region(masters_api, seeded_masters):
    items = search(masters_api, "q=raj")["items"]
    by_name = {item["name"]: item for item in items}
    assert set(by_name) == {"Rajkot", "Rajapalayam"}
    assert (by_name["Rajkot"]["state"], by_name["Rajkot"]["region"], by_name["Rajkot"]["stateCode"]) == (
        "Gujarat", "Saurashtra", "24")
    assert [item["name"] for item in search(masters_api, "q=RAJK")["items"]] == ["Rajkot"]


@pytest.mark.parametrize("alias, station, state", [("Morvi", "Morbi", "Gujarat"), ("Bhatinda", "Bathinda", "Punjab"),
                                                   ("bhat", "Bathinda", "Punjab")])
def test_aliases_resolve_to_their_stations(masters_api, seeded_masters, alias, station, state):
    items = search(masters_api, f"q={alias}")["items"]
    match = [item for item in items if item["name"] == station]
    assert match and match[0]["state"] == state
    if alias == "Morvi":
        assert match[0]["matchedAlias"] == "Morvi"


def test_search_by_a_later_word_and_filters(masters_api, seeded_masters):
    assert [i["name"] for i in search(masters_api, "q=ganga")["items"]] == ["Sri Ganganagar"]
    items = search(masters_api, "q=a&state=MH&pageSize=100")["items"]
    assert items and {i["state"] for i in items} == {"Maharashtra"}
    assert {i["name"] for i in items} >= {"Akola", "Amravati", "Aurangabad"}
    vidarbha = search(masters_api, "state=Maharashtra&region=Vidarbha&pageSize=100")["items"]
    assert len(vidarbha) == 10 and {i["region"] for i in vidarbha} == {"Vidarbha"}


def test_search_pages_with_cursors(masters_api, seeded_masters):
    first = search(masters_api, "q=b&pageSize=3")
    second = search(masters_api, f"q=b&pageSize=3&pageToken={first['nextPageToken']}")
    names = [i["name"] for i in first["items"] + second["items"]]
    assert names == sorted(names) and len(set(names)) == 6


def test_search_reads_only_the_matches(masters_api, seeded_masters):
    token = reader_token()
    response = masters_api.get("/api/settings/locations?q=raj", token=token)
    assert int(response.headers["X-Firestore-Reads"]) <= 1 + 2      # guard, 2 matches
    cached = masters_api.get("/api/settings/locations?q=raj", token=token)
    assert int(cached.headers["X-Firestore-Reads"]) == 1


def test_new_station_is_searchable_at_once_and_unknown_state_is_422(masters_api, seeded_masters):
    token = admin_token()
    search(masters_api, "q=kalol", token)        # cached empty answer must not survive the write
    created = masters_api.post("/api/settings/locations", json={"name": "Kalol", "aliases": ["Kalol (N.G.)"],
                                                               "state": "Gujarat", "region": "North Gujarat"},
                               token=token)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["id"] == "24-kalol"
    assert [i["name"] for i in search(masters_api, "q=kalol", token)["items"]] == ["Kalol"]
    bad = masters_api.post("/api/settings/locations", json={"name": "Xyz", "state": "Atlantis", "region": "West"},
                           token=token)
    assert bad.status_code == 422 and field_rules(bad) == [("state", "state_unknown")]


def test_states_and_regions(masters_api, seeded_masters):
    token = reader_token()
    states = masters_api.get("/api/settings/states", token=token).get_json()["items"]
    assert len(states) == 36 and {"code": "38", "name": "Ladakh", "aliases": ["LA"]} in states
    regions = masters_api.get("/api/settings/regions?state=Gujarat", token=token).get_json()["items"]
    assert [r["name"] for r in regions] == ["Central Gujarat", "North Gujarat", "Saurashtra", "South Gujarat"]


# --- GST rates -----------------------------------------------------------------------------------------

def test_gst_rates_seeded_and_versioned(masters_api, seeded_masters):
    token = admin_token()
    cotton = masters_api.get("/api/settings/gst-rates/HSN-5201", token=token).get_json()
    brokerage = masters_api.get("/api/settings/gst-rates/SAC-996111", token=token).get_json()
    assert (cotton["rate"], brokerage["rate"]) == (5.0, 18.0)
    future = (clock.today_india() + timedelta(days=30)).isoformat()
    changed = masters_api.patch("/api/settings/gst-rates/HSN-5201", json={"rate": 12, "effectiveFrom": future},
                                token=token)
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert masters_api.get("/api/settings/gst-rates/HSN-5201", token=token).get_json()["rate"] == 5.0
    assert masters_api.get(f"/api/settings/gst-rates/HSN-5201?asOf={future}", token=token).get_json()["rate"] == 12
    bad = masters_api.post("/api/settings/gst-rates", json={"codeType": "SAC", "code": "123456",
                                                             "description": "x", "rate": 18}, token=token)
    assert bad.status_code == 422 and field_rules(bad) == [("code", "sac_format")]
    listed = masters_api.get("/api/settings/gst-rates?codeType=SAC", token=token).get_json()["items"]
    assert [r["id"] for r in listed] == ["SAC-996111"]


# --- commission structures ----------------------------------------------------------------------------

def test_editing_a_commission_structure_keeps_what_an_earlier_date_returns(masters_api, seeded_masters):
    token = admin_token()
    path = "/api/settings/commission-structures/STANDARD"
    earlier = masters_api.get(f"{path}?asOf=2025-06-30", token=token).get_json()
    assert earlier["buyerSide"] == {"basis": "PERCENTAGE", "value": 0.5}
    edit = masters_api.patch(path, json={"buyerSide": {"basis": "PER_BALE", "value": 40.5},
                                         "sellerSide": {"basis": "PERCENTAGE", "value": 0.75}},
                             token=token, headers={"If-Match": '"v1"'})
    assert edit.status_code == 200, edit.get_data(as_text=True)
    assert edit.get_json()["buyerSide"] == {"basis": "PER_BALE", "value": 40.5}
    again = masters_api.get(f"{path}?asOf=2025-06-30", token=token).get_json()
    assert again.pop("effectiveTo") == clock.today_india().isoformat()      # the old version now has an end
    assert earlier.pop("effectiveTo") is None
    assert again == earlier
    today = masters_api.get(path, token=token).get_json()
    assert today["buyerSide"] == {"basis": "PER_BALE", "value": 40.5} and today["version"] == 2
    from shared.db import collection
    stored = collection("commissionStructures").document("STANDARD").get().to_dict()
    assert stored["buyerSide"] == {"basis": "PER_BALE", "amountPaise": 4050}
    first = collection("commissionStructures").document("STANDARD").collection("versions").document("1").get()
    assert first.to_dict()["effectiveTo"] == clock.today_india().isoformat()
    history = masters_api.get(f"{path}/versions", token=token).get_json()["items"]
    assert [v["version"] for v in history] == [2, 1]


def test_commission_rules(masters_api, seeded_masters):
    token = admin_token()
    body = {"code": "BAD", "name": "Bad", "buyerSide": {"basis": "PERCENTAGE", "value": 101},
            "sellerSide": {"basis": "PER_BALE", "value": 10}}
    response = masters_api.post("/api/settings/commission-structures", json=body, token=token)
    assert response.status_code == 422 and field_rules(response) == [("buyerSide.value", "percent_out_of_range")]
    body["buyerSide"] = {"basis": "PER_BALE", "value": 10.005}
    response = masters_api.post("/api/settings/commission-structures", json=body, token=token)
    assert response.status_code == 422 and field_rules(response) == [("buyerSide.value", "amount_precision")]
    response = masters_api.patch("/api/settings/commission-structures/STANDARD", json={"name": "x"},
                                 token=reader_token())
    assert response.status_code == 403


# --- CCI terms -----------------------------------------------------------------------------------------

def test_cci_terms_version_in_force_on_a_date(masters_api, seeded_masters):
    token = admin_token()
    current = masters_api.get("/api/settings/cci-terms", token=token).get_json()
    assert current["season"] == "2025-26" and current["candyKg"] == 355.62 and current["freeLiftingDays"] == 15
    next_season = (clock.today_india() + timedelta(days=10)).isoformat()
    body = {key: current[key] for key in ("name", "candyKg", "emdPercentByBuyerType",
                                          "carryingChargePerCandyPerMonth", "freeLiftingDays", "lateLiftingTiers",
                                          "moistureBand", "notes")}
    body.update({"season": "2026-27", "freeLiftingDays": 20, "effectiveFrom": next_season,
                 "lateLiftingTiers": [{"fromDay": 21, "toDay": None, "chargePercentPerMonth": 1.25}]})
    created = masters_api.post("/api/settings/cci-terms", json=body, token=token)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert masters_api.get("/api/settings/cci-terms", token=token).get_json()["season"] == "2025-26"
    later = masters_api.get(f"/api/settings/cci-terms?asOf={next_season}", token=token).get_json()
    assert (later["season"], later["freeLiftingDays"]) == ("2026-27", 20)
    assert masters_api.get("/api/settings/cci-terms?asOf=2025-09-30", token=token).status_code == 404
    versions = masters_api.get("/api/settings/cci-terms/versions", token=token).get_json()["items"]
    assert [v["season"] for v in versions] == ["2026-27", "2025-26"]
    body["lateLiftingTiers"] = [{"fromDay": 25, "toDay": None, "chargePercentPerMonth": 1}]
    bad = masters_api.post("/api/settings/cci-terms", json=body, token=token)
    assert bad.status_code == 422 and field_rules(bad) == [("lateLiftingTiers.0.fromDay", "tiers_not_contiguous")]


# --- organization settings -----------------------------------------------------------------------------

def test_settings_typed_values_at_settings_org_id(masters_api, seeded_masters):
    org = seeded_masters["organizationIds"][0]
    token = admin_token(organization_ids=(org,))
    current = masters_api.get(f"/api/organizations/{org}/settings", token=token)
    assert current.status_code == 200
    values = current.get_json()
    assert values["subUserLimit"] == 2 and values["passwordPolicy"]["historyCount"] == 5
    assert values["passwordPolicy"]["expiryDays"] == 90 and values["passwordPolicy"]["nistMode"] is False
    changed = masters_api.patch(f"/api/organizations/{org}/settings",
                                json={"subUserLimit": 3, "passwordPolicy": {"nistMode": True}},
                                token=token, headers={"If-Match": current.headers["ETag"]})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    from shared.db import collection
    stored = collection("settings").document(org).get().to_dict()
    assert stored["subUserLimit"] == 3 and stored["passwordPolicy"]["nistMode"] is True
    assert stored["passwordPolicy"]["minLength"] == 8          # untouched keys kept
    wrong = masters_api.patch(f"/api/organizations/{org}/settings", json={"subUserLimit": "many"}, token=token)
    assert wrong.status_code == 422
    unknown = masters_api.patch(f"/api/organizations/{org}/settings", json={"colour": "red"}, token=token)
    assert unknown.status_code == 422
    inconsistent = masters_api.patch(f"/api/organizations/{org}/settings",
                                     json={"passwordPolicy": {"minLength": 20, "maxLength": 16}}, token=token)
    assert inconsistent.status_code == 422
    assert field_rules(inconsistent)[0] == ("passwordPolicy.maxLength", "max_below_min")
    stale = masters_api.patch(f"/api/organizations/{org}/settings", json={"subUserLimit": 1}, token=token,
                              headers={"If-Match": current.headers["ETag"]})
    assert stale.status_code == 412
    keys = masters_api.get("/api/settings/keys", token=reader_token()).get_json()["items"]
    assert {k["key"] for k in keys} >= {"passwordPolicy", "subUserLimit"}
    denied = masters_api.patch(f"/api/organizations/{org}/settings", json={"subUserLimit": 1},
                               token=reader_token(organization_ids=(org,)))
    assert denied.status_code == 403


def test_global_settings_for_partner_users(masters_api, seeded_masters):
    token = admin_token()
    current = masters_api.get("/api/settings/global", token=reader_token())
    assert current.status_code == 200
    assert current.get_json()["organizationId"] is None and current.get_json()["subUserLimit"] == 2
    changed = masters_api.patch("/api/settings/global", json={"subUserLimit": 4, "lockoutPolicy": {"lockMinutes": 45}},
                                token=token, headers={"If-Match": current.headers["ETag"]})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    from shared.db import collection
    stored = collection("settings").document("global").get().to_dict()
    assert stored["subUserLimit"] == 4 and stored["lockoutPolicy"] == {"maxFailedAttempts": 5, "lockMinutes": 45}
    assert masters_api.patch("/api/settings/global", json={"subUserLimit": 1}, token=reader_token()).status_code == 403
