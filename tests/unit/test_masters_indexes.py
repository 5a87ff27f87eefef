"""What the masters indexes cover (their declaration in Terraform: test_firestore_indexes.py)."""
from functions.masters.indexes import INDEXES
from shared.indexes import index_key


def test_station_search_has_an_index_for_every_filter_combination():
    stations = {index_key(index) for index in INDEXES if index["collectionGroup"] == "stations"}
    assert ("stations", "COLLECTION", (("searchKeys", "CONTAINS"), ("deletedAt", "ASCENDING"),
                                       ("state", "ASCENDING"), ("region", "ASCENDING"),
                                       ("nameLower", "ASCENDING"))) in stations
    assert len(stations) == 8
