"""Partner profile versions and the diff between two of them: pure, no I/O.

Each applied change makes a new version `partners/{id}/versions/{n}` holding the whole profile, so any
two versions can be compared. The diff walks nested objects and lists and names each changed leaf by
its path (`address.pincode`, `contacts[1].email`).
"""
from __future__ import annotations

from typing import Any

from shared import versions

# The fields that make up a partner's profile (what versions hold and change requests may change).
CONTACT_FIELDS = ("tradeName", "address", "contacts", "website")
COMPLIANCE_FIELDS = ("legalName", "pan", "gstins", "bankAccount")
PROFILE_FIELDS = ("kind", *CONTACT_FIELDS, *COMPLIANCE_FIELDS)

def profile_of(partner: dict[str, Any]) -> dict[str, Any]:
    return {name: partner.get(name) for name in PROFILE_FIELDS}


def diff(before: Any, after: Any) -> list[dict[str, Any]]:
    """[{field, before, after}] for every leaf that differs, in a stable order (shared.versions.diff)."""
    return [{"field": path, "before": change["from"], "after": change["to"]}
            for path, change in versions.diff(before, after).items()]
