"""Every composite index the notifications queries need is declared for Terraform."""
import json
from pathlib import Path

from functions.notifications.indexes import INDEXES

DECLARED = Path(__file__).resolve().parents[2] / "infra" / "terraform" / "firestore_indexes.json"


def _key(index: dict) -> tuple:
    return (index["collectionGroup"], index.get("queryScope", "COLLECTION"),
            tuple((field["fieldPath"], field.get("order")) for field in index["fields"]))


def test_notification_indexes_are_declared_in_terraform():
    declared = {_key(index) for index in json.loads(DECLARED.read_text())["indexes"]}
    assert [_key(index) for index in INDEXES if _key(index) not in declared] == []


def test_the_list_orders_match_the_declared_indexes():
    from functions.notifications.service import ADMIN_ORDER, UNREAD_FIRST

    assert ("notifications", "COLLECTION", tuple(UNREAD_FIRST)) in {_key(index) for index in INDEXES}
    for equality in (("state",), ("channel",), ("state", "channel")):
        fields = tuple((name, "ASCENDING") for name in equality) + tuple(ADMIN_ORDER)
        assert ("deliveryFailures", "COLLECTION", fields) in {_key(index) for index in INDEXES}
