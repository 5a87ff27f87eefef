"""shared/versions.py: the diff of two snapshots, the stale-version check and append-only version records."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared import clock
from shared.errors import Conflict
from shared.versions import append_version, diff, ensure_version


def test_diff_names_each_changed_leaf_with_from_and_to():
    before = {"rate": 43500, "terms": {"payment": "100% before dispatch", "lifting": 7},
              "specs": [{"param": "staple", "min": 28}], "remark": "x"}
    after = {"rate": 43250, "terms": {"payment": "100% before dispatch", "lifting": 8},
             "specs": [{"param": "staple", "min": 29}, {"param": "mic", "min": 3.6}], "validUntil": "2026-03-01"}
    assert diff(before, after) == {
        "rate": {"from": 43500, "to": 43250},
        "remark": {"from": "x", "to": None},
        "specs[0].min": {"from": 28, "to": 29},
        "specs[1]": {"from": None, "to": {"param": "mic", "min": 3.6}},
        "terms.lifting": {"from": 7, "to": 8},
        "validUntil": {"from": None, "to": "2026-03-01"},
    }
    assert list(diff(before, after)) == sorted(diff(before, after))


def test_identical_snapshots_have_no_diff():
    same = {"a": [1, {"b": None}], "c": {"d": "e"}}
    assert diff(same, {"a": [1, {"b": None}], "c": {"d": "e"}}) == {}
    assert diff(None, None) == {}
    assert diff({}, {"a": 1}) == {"a": {"from": None, "to": 1}}
    assert diff({"a": {"b": 1}}, {"a": 5}) == {"a": {"from": {"b": 1}, "to": 5}}


def test_a_stale_version_is_409_with_expected_and_actual():
    ensure_version(3, 3)
    for expected in (2, 4, None):
        with pytest.raises(Conflict) as caught:
            ensure_version(expected, 3)
        assert (caught.value.status, caught.value.code) == (409, "STALE_VERSION")
        assert caught.value.details == {"expected": expected, "actual": 3}


class _Ref:
    """Just enough of a DocumentReference to name paths (the writes go through the unit of work)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def collection(self, name: str) -> _Ref:
        return _Ref(f"{self.path}/{name}")

    def document(self, name: str) -> _Ref:
        return _Ref(f"{self.path}/{name}")


class _Uow:
    def __init__(self) -> None:
        self.writes: list[tuple[str, str, dict]] = []

    def create(self, ref, data):
        self.writes.append(("create", ref.path, data))


def test_append_version_creates_the_numbered_snapshot_never_sets_it():
    class Actor:
        user_id = "u-7"

    uow = _Uow()
    clock.reset()
    clock.advance(timedelta(days=1))
    ref = append_version(uow, _Ref("offers/O1"), 2, {"rate": 43250}, actor=Actor(), reason="counter",
                         changes={"rate": {"from": 43500, "to": 43250}})
    clock.reset()
    assert ref.path == "offers/O1/versions/2"
    [(kind, path, record)] = uow.writes
    assert (kind, path) == ("create", "offers/O1/versions/2")
    assert record["version"] == 2 and record["snapshot"] == {"rate": 43250}
    assert record["createdBy"] == "u-7" and record["reason"] == "counter"
    assert record["changes"] == {"rate": {"from": 43500, "to": 43250}}
    assert record["createdAt"] > datetime.now(UTC) + timedelta(hours=23)
    append_version(uow, _Ref("offers/O1"), 3, {}, actor="system")
    assert uow.writes[1][2]["createdBy"] == "system" and "changes" not in uow.writes[1][2]
    for bad in (0, -1, True, "3"):
        with pytest.raises(ValueError):
            append_version(uow, _Ref("offers/O1"), bad, {}, actor="u")
