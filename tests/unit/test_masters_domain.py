"""Pure rules of the masters function: search keys, version records, financial-year dates, validations."""
from __future__ import annotations

from datetime import date

import pytest

from functions.masters import search, versioning
from functions.masters.commodities import validate_commodity
from functions.masters.financial_years import resolve_dates
from functions.masters.organizations import validate_organization
from functions.masters.seed_data import ORGANIZATIONS, cotton, kapas
from shared import clock
from shared.errors import Unprocessable


def rules(call, *args):
    with pytest.raises(Unprocessable) as caught:
        call(*args)
    return [(f["field"], f["rule"]) for f in caught.value.details["fields"]]


# search keys

def test_search_keys_hold_prefixes_of_names_aliases_and_words():
    keys = search.search_keys("Sri Ganganagar", ["Ganganagar"])
    for key in ("s", "sri", "sri g", "sriganga", "ganga", "ganganagar"):
        assert key in keys
    assert "anga" not in keys
    assert search.query_key("  RAJ ") == "raj"
    assert search.matched_alias("Morbi", ["Morvi"], "morv") == "Morvi"
    assert search.matched_alias("Morbi", ["Morvi"], "mor") is None


def test_search_keys_are_bounded():
    keys = search.search_keys("A" * 80)
    assert max(len(k) for k in keys) == search.MAX_KEY


# version records

def test_version_in_force_intervals():
    record = {"effectiveFrom": "2025-04-01", "effectiveTo": "2025-10-01"}
    assert versioning.is_in_force(record, "2025-04-01") and versioning.is_in_force(record, "2025-09-30")
    assert not versioning.is_in_force(record, "2025-10-01") and not versioning.is_in_force(record, "2025-03-31")
    assert versioning.is_in_force({"effectiveFrom": "2025-04-01", "effectiveTo": None}, "2099-01-01")


def test_effective_keys_order_by_date_then_version():
    keys = [versioning.effective_key("2025-04-01", 2), versioning.effective_key("2025-04-01", 10),
            versioning.effective_key("2025-03-31", 11)]
    assert sorted(keys) == [keys[2], keys[0], keys[1]]


def test_plans_close_the_previous_version():
    clock.reset()
    created = versioning.plan_create({"rate": 5.0}, "u1", "2025-04-01")
    assert created.document["version"] == 1 and created.version_record["effectiveKey"] == "2025-04-01#000001"
    today = versioning.today()
    updated = versioning.plan_update(created.document, {"rate": 12.0}, "u2", today)
    assert updated.document["version"] == 2 and updated.document["rate"] == 12.0
    assert updated.close_previous == {"effectiveTo": today} and updated.previous_version == 1
    assert updated.document["createdAt"] == created.document["createdAt"]
    deleted = versioning.plan_delete(updated.document, "u3")
    assert deleted.document["deletedAt"] is not None
    assert deleted.document["effectiveFrom"] == deleted.document["effectiveTo"] == today


def test_changes_cannot_rewrite_history():
    clock.reset()
    today = versioning.today()
    assert versioning.check_effective_from(None, None) == today
    assert versioning.check_effective_from("2020-01-01", None) == "2020-01-01"    # a first version may be older
    assert rules(versioning.check_effective_from, "2020-01-01", {"effectiveFrom": "2019-01-01"}) == [
        ("effectiveFrom", "effective_from_in_past")]
    assert rules(versioning.check_effective_from, today, {"effectiveFrom": "2999-01-01"}) == [
        ("effectiveFrom", "effective_from_before_latest")]


# financial-year dates

def test_resolve_dates():
    assert resolve_dates("2025-26", None, None) == ("2025-26", date(2025, 4, 1), date(2026, 3, 31))
    assert resolve_dates(None, date(2025, 4, 1), date(2026, 3, 31))[0] == "2025-26"
    assert resolve_dates(None, None, date(2026, 3, 31))[0] == "2025-26"
    assert rules(resolve_dates, None, date(2025, 1, 1), date(2025, 12, 31)) == [
        ("startDate", "fy_start_april_1"), ("endDate", "fy_end_march_31")]
    assert rules(resolve_dates, "2025-26", date(2024, 4, 1), None) == [("code", "fy_code_mismatch")]


# seed content passes the service validations

def test_seed_organizations_are_valid():
    for body in ORGANIZATIONS.values():
        content = validate_organization(body)
        assert content["gstins"][0]["primary"] is True
        assert all(g["gstin"][2:12] == content["pan"] for g in content["gstins"])


def test_seed_commodities_are_valid():
    for commodity in (cotton(), kapas()):
        assert validate_commodity(commodity)["nameLower"] == commodity["name"].casefold()


def test_organization_rules():
    body = {**ORGANIZATIONS["rnrl-gujarat"], "cin": "U51101GJ2012PTC071234", "pan": "AAKPR5710M", "gstins": []}
    assert rules(validate_organization, body) == [("pan", "pan_holder_type_mismatch")]
    gstin = ORGANIZATIONS["rnrl-gujarat"]["gstins"][0]["gstin"]
    twice = {**ORGANIZATIONS["rnrl-gujarat"], "gstins": [{"gstin": gstin}, {"gstin": gstin}]}
    assert rules(validate_organization, twice) == [("gstins.1.gstin", "gstin_duplicate")]
    two_primary = {**ORGANIZATIONS["rnrl-gujarat"], "gstins": [{"gstin": gstin, "primary": True}],
                   "bankAccounts": [{"accountName": "a", "accountNumber": "123456789", "ifsc": "SBIN0000001",
                                     "primary": True},
                                    {"accountName": "b", "accountNumber": "987654321", "ifsc": "SBIN0000002",
                                     "primary": True}]}
    assert rules(validate_organization, two_primary) == [("bankAccounts.1.primary", "primary_multiple")]


def test_commodity_target_range_rules():
    commodity = cotton()
    micronaire = {**commodity["qualityParameters"][1], "targetMin": None}
    commodity["qualityParameters"] = [micronaire]
    assert rules(validate_commodity, commodity) == [("qualityParameters.0.targetMin", "target_range_required")]
    commodity["qualityParameters"] = [{**micronaire, "targetMin": 3.6, "basis": 9.0}]
    assert rules(validate_commodity, commodity) == [("qualityParameters.0.basis", "outside_allowed_range")]
