"""Every composite index the partners queries need is declared for Terraform."""
import json
from pathlib import Path

from functions.partners.indexes import INDEXES

DECLARED = Path(__file__).resolve().parents[2] / "infra" / "terraform" / "firestore_indexes.json"


def _key(index: dict) -> tuple:
    return (index["collectionGroup"], index.get("queryScope", "COLLECTION"),
            tuple((field["fieldPath"], field.get("order")) for field in index["fields"]))


def test_partner_indexes_are_declared_in_terraform():
    declared = {_key(index) for index in json.loads(DECLARED.read_text())["indexes"]}
    missing = [_key(index) for index in INDEXES if _key(index) not in declared]
    assert missing == []


def test_search_indexes_cover_every_filter_combination():
    partner_indexes = {_key(index) for index in INDEXES if index["collectionGroup"] == "partners"}
    wanted = ("partners", "COLLECTION", (("kind", "ASCENDING"), ("address.stateCode", "ASCENDING"),
                                         ("nameLower", "ASCENDING")))
    assert wanted in partner_indexes
    assert len(partner_indexes) == 7 * 3 + 1
