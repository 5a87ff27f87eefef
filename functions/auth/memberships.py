"""Organization memberships that other groups change or count (through functions/auth/public.py).

- `add_creator_membership`: whoever creates an organization administers it. The creator's user
  document gets the organization (a new version, audited), and so does the session it created it in
  (`sessions/{sid}.addedOrganizationIds`, which the guard reads anyway on every call), so the creator's
  next call already reaches it without a refresh; its other sessions get it at their next refresh.
  Adding a membership takes no power away, so unlike other organization changes it ends no session.
- `organization_user_count`: the users (not deleted) that still belong to an organization, but for
  the one asking.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from functions.auth import accounts
from functions.auth.sessions import session_ref
from shared.auth.guard import ADDED_ORGANIZATIONS
from shared.auth.users import DELETED, USERS, public_view, user_ref
from shared.db import collection

if TYPE_CHECKING:
    from shared.uow import UnitOfWork


def add_creator_membership(uow: UnitOfWork, user_id: str, session_id: str, org_id: str) -> None:
    """Make `user_id` (and its session `session_id`) a member of the new organization `org_id`."""
    ref = user_ref(user_id) if accounts.valid_id(user_id) else None
    snapshot = uow.get(ref) if ref is not None else None
    user = snapshot.to_dict() if snapshot is not None and snapshot.exists else None
    session = uow.get(session_ref(session_id)) if accounts.valid_id(session_id) else None
    if user and user.get("status") != DELETED and org_id not in (user.get("organizationIds") or ()):
        organizations = [*(user.get("organizationIds") or ()), org_id]
        updated = accounts.write_user(uow, ref, user, {"organizationIds": organizations}, user_id)
        uow.audit("user.updated", "user", user_id, before=public_view(user), after=public_view(updated),
                  reason="organization_created", orgIds=organizations)
    if session is not None and session.exists:
        added = (session.to_dict() or {}).get(ADDED_ORGANIZATIONS) or []
        if org_id not in added:
            uow.update(session.reference, {ADDED_ORGANIZATIONS: [*added, org_id]})


def organization_user_count(org_id: str, except_user_id: str | None = None) -> int:
    """How many users that are not deleted still belong to `org_id`, leaving out `except_user_id` (the
    administrator deleting it, who stays a member so that it can restore it): one count aggregation,
    and one read of that user when any are counted."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (collection(USERS).where(filter=FieldFilter("organizationIds", "array_contains", org_id))
             .where(filter=FieldFilter("status", "!=", DELETED)))
    result = query.count().get()
    count = int(result[0][0].value) if result else 0
    if count and except_user_id and accounts.valid_id(except_user_id):
        snapshot = user_ref(except_user_id).get()
        user = snapshot.to_dict() if snapshot.exists else None
        if user and user.get("status") != DELETED and org_id in (user.get("organizationIds") or ()):
            count -= 1
    return count
