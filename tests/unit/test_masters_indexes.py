"""Every composite index the masters queries need is declared for Terraform."""
import json
from pathlib import Path

from functions.masters.indexes import INDEXES

DECLARED = Path(__file__).resolve().parents[2] / "infra" / "terraform" / "firestore_indexes.json"


def _key(index: dict) -> tuple:
    return (index["collectionGroup"], index.get("queryScope", "COLLECTION"),
            tuple((f["fieldPath"], f.get("order") or f.get("arrayConfig")) for f in index["fields"]))


def test_masters_indexes_are_declared_in_terraform():
    declared = {_key(index) for index in json.loads(DECLARED.read_text())["indexes"]}
    assert [_key(index) for index in INDEXES if _key(index) not in declared] == []


def test_station_search_has_an_index_for_every_filter_combination():
    stations = {_key(index) for index in INDEXES if index["collectionGroup"] == "stations"}
    assert ("stations", "COLLECTION", (("searchKeys", "CONTAINS"), ("deletedAt", "ASCENDING"),
                                       ("state", "ASCENDING"), ("region", "ASCENDING"),
                                       ("nameLower", "ASCENDING"))) in stations
    assert len(stations) == 8
