"""Commodities: the seeded_masters cotton template, its read cost, the cache, versions and validation."""
from __future__ import annotations

from datetime import timedelta

from shared import clock
from tests.support.masters import admin_token, field_rules, reader_token


def test_cotton_template_lists_the_quality_parameters(masters_api, seeded_masters):
    response = masters_api.get("/api/commodities/COTTON/template", token=reader_token())
    assert response.status_code == 200, response.get_data(as_text=True)
    template = response.get_json()
    params = {p["key"]: p for p in template["qualityParameters"]}
    expected = {
        "stapleMm": ("Staple length (UHML)", "mm", 20, 40, 1.0),
        "micronaire": ("Micronaire", None, 2.5, 6.0, 1.0),
        "strengthGpt": ("Strength", "g/tex", 18, 40, 0.8),
        "trashPct": ("Trash", "%", 0, 10, 0.6),
        "moisturePct": ("Moisture", "%", 0, 15, 0.5),
    }
    for key, (label, unit, low, high, weight) in expected.items():
        p = params[key]
        assert (p["label"], p["unit"], p["min"], p["max"], p["weight"]) == (label, unit, low, high, weight), key
    assert {"rd", "plusB"} <= set(params)
    assert params["micronaire"]["direction"] == "TARGET_RANGE" and params["micronaire"]["targetMin"] == 3.6
    assert (template["hsnCode"], template["gstRate"], template["defaultUnit"]) == ("5201", 5.0, "CANDY")
    assert [t["code"] for t in template["tradeTypes"]] == ["SPOT", "FORWARD", "READY"]
    assert [b["code"] for b in template["bargainTypes"]] == ["EX_GIN", "EX_WAREHOUSE", "DELIVERED"]
    varieties = {v["name"]: v for v in template["varieties"]}
    assert varieties["Shankar-6"]["stapleMinMm"] == 28 and "S-6" in varieties["Shankar-6"]["aliases"]
    assert len(varieties) == 14
    assert all(isinstance(term["days"], int) for name in ("passingTerms", "weightmentTerms", "deliveryTerms",
                                                          "paymentTerms") for term in template[name])
    assert {c["code"] for c in template["certificates"]} >= {"BCI", "ORGANIC", "HVI_REPORT"}


def test_kapas_template_is_per_quintal_with_moisture(masters_api, seeded_masters):
    template = masters_api.get("/api/commodities/KAPAS/template", token=reader_token()).get_json()
    moisture = {p["key"]: p for p in template["qualityParameters"]}["moisturePct"]
    assert template["defaultUnit"] == "QUINTAL" and moisture["typicalMax"] == 12


def test_template_costs_at_most_three_reads_and_none_from_cache(masters_api, seeded_masters):
    token = reader_token()
    cold = masters_api.get("/api/commodities/COTTON/template", token=token)
    warm = masters_api.get("/api/commodities/COTTON/template", token=token)
    assert cold.status_code == warm.status_code == 200
    # session (guard) + the commodity document (the rate limit reads nothing); the cached call skips the last
    assert int(cold.headers["X-Firestore-Reads"]) <= 2
    assert int(warm.headers["X-Firestore-Reads"]) == 1
    assert cold.get_json() == warm.get_json()


def test_write_in_this_instance_invalidates_the_cached_template(masters_api, seeded_masters):
    token = admin_token()
    before = masters_api.get("/api/commodities/COTTON/template", token=token).get_json()
    params = before["qualityParameters"]
    params[0] = {**params[0], "weight": 0.9}
    response = masters_api.patch("/api/commodities/COTTON", json={"qualityParameters": params}, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    after = masters_api.get("/api/commodities/COTTON/template", token=token).get_json()
    assert after["qualityParameters"][0]["weight"] == 0.9 and after["version"] == before["version"] + 1


def test_cache_expires_after_the_ttl(masters_api, seeded_masters):
    token = reader_token()
    masters_api.get("/api/commodities/COTTON/template", token=token)
    from shared.db import collection
    collection("commodities").document("COTTON").update({"name": "Changed behind the cache"})
    cached = masters_api.get("/api/commodities/COTTON/template", token=token).get_json()
    assert cached["name"] == "Cotton (lint)"
    clock.advance(timedelta(seconds=61))
    fresh = masters_api.get("/api/commodities/COTTON/template", token=token).get_json()
    assert fresh["name"] == "Changed behind the cache"


def test_template_as_of_an_earlier_date_keeps_the_old_version(masters_api, seeded_masters):
    token = admin_token()
    masters_api.patch("/api/commodities/COTTON", json={"gstRate": 12}, token=token)
    today = masters_api.get("/api/commodities/COTTON/template", token=token).get_json()
    old = masters_api.get("/api/commodities/COTTON/template?asOf=2025-01-15", token=token).get_json()
    assert today["gstRate"] == 12 and old["gstRate"] == 5
    before_seed = masters_api.get("/api/commodities/COTTON/template?asOf=2020-01-01", token=token)
    assert before_seed.status_code == 404


def test_unknown_commodity_is_404(masters_api, seeded_masters):
    response = masters_api.get("/api/commodities/SILK/template", token=reader_token())
    assert response.status_code == 404 and response.get_json()["code"] == "COMMODITY_NOT_FOUND"


def test_commodity_rules_are_422_with_field_and_rule(masters_api, seeded_masters):
    token = admin_token()
    cotton = masters_api.get("/api/commodities/COTTON", token=token).get_json()
    params = cotton["qualityParameters"]
    bad = [{**params[0], "min": 40, "max": 20}, {**params[1], "key": "stapleMm"}]
    response = masters_api.patch("/api/commodities/COTTON", json={"qualityParameters": bad, "defaultUnit": "MAN"},
                                 token=token)
    assert response.status_code == 422
    assert set(field_rules(response)) == {("defaultUnit", "default_unit_not_allowed"),
                                          ("qualityParameters.0.max", "min_not_below_max"),
                                          ("qualityParameters.1.key", "duplicate_key")}
    past = masters_api.patch("/api/commodities/COTTON", json={"name": "x", "effectiveFrom": "2020-01-01"},
                             token=token)
    assert past.status_code == 422 and field_rules(past) == [("effectiveFrom", "effective_from_in_past")]


def test_create_list_and_delete_a_commodity(masters_api, seeded_masters):
    token = admin_token()
    body = {"code": "COTTONSEED", "name": "Cotton seed", "hsnCode": "1207", "gstRate": 5, "defaultUnit": "QUINTAL",
            "units": ["QUINTAL", "KG"], "qualityParameters": [
                {"key": "oilPct", "label": "Oil content", "unit": "%", "min": 10, "max": 30,
                 "direction": "HIGHER_BETTER", "weight": 1}]}
    created = masters_api.post("/api/commodities", json=body, token=token)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert masters_api.post("/api/commodities", json=body, token=token).status_code == 409
    listed = masters_api.get("/api/commodities?pageSize=2", token=token).get_json()
    more = masters_api.get(f"/api/commodities?pageSize=2&pageToken={listed['nextPageToken']}", token=token).get_json()
    assert [c["code"] for c in listed["items"] + more["items"]] == ["COTTON", "COTTONSEED", "KAPAS"]
    assert masters_api.delete("/api/commodities/COTTONSEED", token=token).status_code == 204
    assert masters_api.get("/api/commodities/COTTONSEED/template", token=token).status_code == 404
    denied = masters_api.post("/api/commodities", json={**body, "code": "OTHER"}, token=reader_token())
    assert denied.status_code == 403
