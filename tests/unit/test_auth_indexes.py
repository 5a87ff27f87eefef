"""What the identity indexes cover (their declaration in Terraform: test_firestore_indexes.py)."""
from functions.auth.indexes import INDEXES
from shared.indexes import index_key


def test_audit_indexes_cover_every_filter_combination():
    audit = {index_key(index) for index in INDEXES if index["collectionGroup"] == "auditLog"}
    assert len(audit) == 12           # every filter combination, each within the caller's organizations
    assert all(key[2][0] == ("orgIds", "CONTAINS") and key[2][-1] == ("at", "DESCENDING") for key in audit)
    assert ("auditLog", "COLLECTION", (("orgIds", "CONTAINS"), ("userId", "ASCENDING"), ("action", "ASCENDING"),
                                       ("entity", "ASCENDING"), ("entityId", "ASCENDING"), ("at", "DESCENDING"))
            ) in audit
    users = {index_key(index) for index in INDEXES if index["collectionGroup"] == "users"}
    assert ("users", "COLLECTION", (("organizationIds", "CONTAINS"), ("createdAt", "DESCENDING"))) in users
