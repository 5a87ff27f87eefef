"""functions/masters/versioning.py: version records, in-force intervals, plans and effective dates."""
from __future__ import annotations

import pytest

from functions.masters import versioning
from shared import clock
from shared.errors import Unprocessable


def rules(call, *args):
    with pytest.raises(Unprocessable) as caught:
        call(*args)
    return [(f["field"], f["rule"]) for f in caught.value.details["fields"]]


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
