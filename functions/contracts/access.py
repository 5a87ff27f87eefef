"""Who sees which contract (DESIGN.md §8, issue 12 "Scope everywhere").

- A partner user sees only the contracts its partner is a party to (buyer, seller or sub-broker);
  any other contract answers 404, as if it did not exist.
- A back-office user acts within its organizations (or all of them with `organizations:write`, as
  for the organizations themselves), with the permission the action needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from functions.contracts.store import not_found
from shared.auth.principal import BACK_OFFICE, PARTNER, Principal
from shared.errors import Forbidden

READ, MANAGE, APPROVE = "contracts:read", "contracts:manage", "contracts:approve"


@dataclass(frozen=True)
class Viewer:
    user_id: str
    back_office: bool
    partner_id: str | None = None
    organization_ids: tuple[str, ...] = ()
    all_organizations: bool = False

    def sees_org(self, org_id: str | None) -> bool:
        return self.back_office and (self.all_organizations or (org_id or "") in self.organization_ids)

    def sees(self, data: dict[str, Any]) -> bool:
        if self.back_office:
            return self.sees_org(data.get("orgId"))
        return bool(self.partner_id) and self.partner_id in (data.get("partyIds") or [])

    def check(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """The contract when this viewer may see it; 404 otherwise (also when it does not exist)."""
        if data is None or data.get("deletedAt") is not None or not self.sees(data):
            raise not_found()
        return data


def _denied(permission: str) -> Forbidden:
    return Forbidden("PERMISSION_DENIED", f"This needs the permission {permission}", {"permission": permission})


def viewer(principal: Principal, permission: str = READ) -> Viewer:
    """Readers: partner users with `contracts:read` (their own contracts) and back office."""
    if not principal.has(permission):
        raise _denied(permission)
    if principal.kind == PARTNER:
        return Viewer(principal.user_id, False, principal.partner_id)
    if principal.kind != BACK_OFFICE:
        raise _denied(permission)
    return Viewer(principal.user_id, True, None, tuple(principal.organization_ids),
                  principal.has("organizations:write"))


def back_office(principal: Principal, permission: str) -> Viewer:
    """Back-office only actions (create, submit, approve, cancel, amend)."""
    if principal.kind != BACK_OFFICE:
        raise _denied(permission)
    return viewer(principal, permission)
