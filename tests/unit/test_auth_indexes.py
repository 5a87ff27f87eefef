"""Every composite index the identity queries need is declared for Terraform."""
import json
from pathlib import Path

from functions.auth.indexes import INDEXES

DECLARED = Path(__file__).resolve().parents[2] / "infra" / "terraform" / "firestore_indexes.json"


def _key(index: dict) -> tuple:
    return (index["collectionGroup"], index.get("queryScope", "COLLECTION"),
            tuple((field["fieldPath"], field.get("order") or field.get("arrayConfig")) for field in index["fields"]))


def test_identity_indexes_are_declared_in_terraform():
    declared = {_key(index) for index in json.loads(DECLARED.read_text())["indexes"]}
    assert [_key(index) for index in INDEXES if _key(index) not in declared] == []


def test_audit_indexes_cover_every_filter_combination():
    audit = {_key(index) for index in INDEXES if index["collectionGroup"] == "auditLog"}
    assert len(audit) == 11
    assert ("auditLog", "COLLECTION", (("userId", "ASCENDING"), ("action", "ASCENDING"), ("entity", "ASCENDING"),
                                       ("entityId", "ASCENDING"), ("at", "DESCENDING"))) in audit
    users = {_key(index) for index in INDEXES if index["collectionGroup"] == "users"}
    assert ("users", "COLLECTION", (("organizationIds", "CONTAINS"), ("createdAt", "DESCENDING"))) in users
