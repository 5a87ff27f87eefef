"""The composite indexes the identity queries need (declared in infra/terraform/firestore_indexes.json;
tests/unit/test_firestore_indexes.py fails when one is missing there).

- users list (users_service.list_users): by organization (array-contains-any) or by partner, optionally
  with status and/or role, newest first;
- audit log (audit_query.search): the caller's organizations (orgIds contains any), equality on any
  combination of userId, action and entity (+ entityId), with an optional range on `at`, newest first;
- an organization's users still counted against its deletion (memberships.organization_user_count):
  organizationIds contains, status not DELETED.
Single-field queries (users by email or role, sessions by userId and revokedAt, anything by expiresAt)
use Firestore's automatic indexes.
"""
from __future__ import annotations

from itertools import product
from typing import Any

from shared.indexes import composite as _index


def _user_indexes() -> list[dict[str, Any]]:
    out = []
    for owner in (("organizationIds", "CONTAINS"), ("partnerId", "ASCENDING")):
        for status, role in product((False, True), repeat=2):
            fields = [owner]
            if status:
                fields.append(("status", "ASCENDING"))
            if role:
                fields.append(("role", "ASCENDING"))
            out.append(_index("users", [*fields, ("createdAt", "DESCENDING")]))
    return out


def _audit_indexes() -> list[dict[str, Any]]:
    out = []
    for user, action, entity in product((False, True), (False, True), (0, 1, 2)):
        fields = []
        if user:
            fields.append(("userId", "ASCENDING"))
        if action:
            fields.append(("action", "ASCENDING"))
        if entity:
            fields.append(("entity", "ASCENDING"))
        if entity == 2:
            fields.append(("entityId", "ASCENDING"))
        out.append(_index("auditLog", [("orgIds", "CONTAINS"), *fields, ("at", "DESCENDING")]))
    return out


INDEXES: list[dict[str, Any]] = [*_user_indexes(), *_audit_indexes(),
                                 _index("users", [("organizationIds", "CONTAINS"), ("status", "ASCENDING")])]
