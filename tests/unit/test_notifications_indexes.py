"""What the notifications indexes cover (their declaration in Terraform: test_firestore_indexes.py)."""
from functions.notifications.indexes import INDEXES
from shared.indexes import index_key


def test_the_list_orders_match_the_declared_indexes():
    from functions.notifications.service import ADMIN_ORDER, UNREAD_FIRST

    assert ("notifications", "COLLECTION", tuple(UNREAD_FIRST)) in {index_key(index) for index in INDEXES}
    for equality in (("state",), ("channel",), ("state", "channel")):
        fields = tuple((name, "ASCENDING") for name in equality) + tuple(ADMIN_ORDER)
        assert ("deliveryFailures", "COLLECTION", fields) in {index_key(index) for index in INDEXES}
