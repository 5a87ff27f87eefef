"""Row scope for organization-owned data (organizations, their settings and financial years).

Organization administrators (`organizations:write`) see every organization; other back-office users
see the organizations they belong to; partner users see none. Outside the scope the answer is 404,
as if the organization did not exist.
"""
from __future__ import annotations

from functions.masters.store import Kind
from shared.auth.principal import Principal
from shared.errors import NotFound

ORG_NOT_FOUND = "ORGANIZATION_NOT_FOUND"
# Here rather than in organizations.py so that the settings (which organizations.py creates) can check
# that an organization exists without importing it.
ORGANIZATIONS = Kind("organizations", "organization", "Organization", ORG_NOT_FOUND)


def sees_all_organizations(principal: Principal) -> bool:
    return principal.is_back_office and principal.has("organizations:write")


def can_access_organization(principal: Principal, org_id: str) -> bool:
    if sees_all_organizations(principal):
        return True
    return principal.is_back_office and org_id in principal.organization_ids


def require_organization_access(principal: Principal, org_id: str) -> None:
    if not can_access_organization(principal, org_id):
        raise NotFound(ORG_NOT_FOUND, f"Organization {org_id} not found")
