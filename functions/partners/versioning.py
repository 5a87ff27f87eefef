"""Partner profile versions and the diff between two of them: pure, no I/O.

Each applied change makes a new version `partners/{id}/versions/{n}` holding the whole profile, so any
two versions can be compared. The diff walks nested objects and lists and names each changed leaf by
its path (`address.pincode`, `contacts[1].email`).
"""
from __future__ import annotations

from typing import Any

# The fields that make up a partner's profile (what versions hold and change requests may change).
CONTACT_FIELDS = ("tradeName", "address", "contacts", "website")
COMPLIANCE_FIELDS = ("legalName", "pan", "gstins", "bankAccount")
PROFILE_FIELDS = ("kind", *CONTACT_FIELDS, *COMPLIANCE_FIELDS)

_MISSING = object()


def profile_of(partner: dict[str, Any]) -> dict[str, Any]:
    return {name: partner.get(name) for name in PROFILE_FIELDS}


def diff(before: Any, after: Any, prefix: str = "") -> list[dict[str, Any]]:
    """[{field, before, after}] for every leaf that differs, in a stable order."""
    changes: list[dict[str, Any]] = []
    _walk(before, after, prefix, changes)
    return changes


def _walk(before: Any, after: Any, path: str, out: list[dict[str, Any]]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            child = f"{path}.{key}" if path else str(key)
            _walk(before.get(key, _MISSING), after.get(key, _MISSING), child, out)
        return
    if isinstance(before, list) and isinstance(after, list):
        for index in range(max(len(before), len(after))):
            _walk(before[index] if index < len(before) else _MISSING,
                  after[index] if index < len(after) else _MISSING, f"{path}[{index}]", out)
        return
    if before is _MISSING and after is _MISSING:
        return
    old = None if before is _MISSING else before
    new = None if after is _MISSING else after
    if old != new:
        out.append({"field": path, "before": old, "after": new})
