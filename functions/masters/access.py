"""Row scope for organization-owned data (organizations, their settings and financial years).

A back-office user reaches only the organizations it belongs to (DESIGN.md §8: back-office users act
only within their organizations), whatever its permissions: `organizations:write` lets it change
those, not others. There is no platform administrator above the organizations (neither DESIGN.md nor
DOMAIN.md has one): a user with no memberships reaches none until it creates one (the creator becomes
a member, organizations.create). Partner users reach none. Outside the scope the answer is 404, as if
the organization did not exist.
"""
from __future__ import annotations

from functions.masters.store import Kind
from shared.auth.principal import Principal
from shared.errors import NotFound

ORG_NOT_FOUND = "ORGANIZATION_NOT_FOUND"
# Here rather than in organizations.py so that the settings (which organizations.py creates) can check
# that an organization exists without importing it.
ORGANIZATIONS = Kind("organizations", "organization", "Organization", ORG_NOT_FOUND)


def can_access_organization(principal: Principal, org_id: str) -> bool:
    return principal.is_back_office and org_id in principal.organization_ids


def require_organization_access(principal: Principal, org_id: str) -> None:
    if not can_access_organization(principal, org_id):
        raise NotFound(ORG_NOT_FOUND, f"Organization {org_id} not found")
