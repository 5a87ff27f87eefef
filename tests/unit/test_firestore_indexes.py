"""Every composite index a query of the platform or of a group needs is declared for Terraform."""
import importlib
import importlib.util
import json
from pathlib import Path

from shared.indexes import PLATFORM_INDEXES, index_key
from shared.routing import HTTP_FUNCTIONS

DECLARED = Path(__file__).resolve().parents[2] / "infra" / "terraform" / "firestore_indexes.json"


def needed_indexes() -> dict[str, list[dict]]:
    needed = {"platform": PLATFORM_INDEXES}
    for spec in HTTP_FUNCTIONS:
        if importlib.util.find_spec(f"{spec.module}.indexes") is not None:
            needed[spec.name] = importlib.import_module(f"{spec.module}.indexes").INDEXES
    return needed


def test_every_needed_index_is_declared_in_terraform():
    declared = {index_key(index) for index in json.loads(DECLARED.read_text())["indexes"]}
    needed = needed_indexes()
    assert {"platform", "auth", "masters", "partners", "notifications"} <= set(needed)
    missing = {group: [index_key(i) for i in indexes if index_key(i) not in declared]
               for group, indexes in needed.items()}
    assert {group: keys for group, keys in missing.items() if keys} == {}
