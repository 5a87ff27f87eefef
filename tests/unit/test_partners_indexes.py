"""What the partners indexes cover (their declaration in Terraform: test_firestore_indexes.py)."""
from functions.partners.indexes import INDEXES
from shared.indexes import index_key


def test_search_indexes_cover_every_filter_combination():
    partner_indexes = {index_key(index) for index in INDEXES if index["collectionGroup"] == "partners"}
    wanted = ("partners", "COLLECTION", (("kind", "ASCENDING"), ("address.stateCode", "ASCENDING"),
                                         ("nameLower", "ASCENDING")))
    assert wanted in partner_indexes
    assert len(partner_indexes) == 7 * 3 + 1
