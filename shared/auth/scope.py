"""Row scope checks for services (DESIGN.md §5 step 4).

The route's permission says what a caller may do; these say on which rows. A row outside the caller's
scope is answered 404, exactly like a row that does not exist, so its existence is never revealed.
"""
from __future__ import annotations

from typing import Any

from shared.auth.principal import Principal
from shared.errors import NotFound


def can_see_organization(principal: Principal, org_id: str | None) -> bool:
    """Back-office users see the organizations they belong to; partner users see none by this path."""
    return bool(org_id) and principal.is_back_office and org_id in principal.organization_ids


def can_see_partner(principal: Principal, partner_id: str | None) -> bool:
    """Back-office users see every partner; a partner user only its own partner."""
    if principal.is_back_office:
        return True
    return bool(partner_id) and principal.partner_id == partner_id


def can_see_branch(principal: Principal, partner_id: str | None, branch_id: str | None) -> bool:
    """A partner sub-user with branch access sees only those branches (empty access: all branches)."""
    if not can_see_partner(principal, partner_id):
        return False
    if principal.is_back_office or not principal.branch_ids:
        return True
    return branch_id in principal.branch_ids


def require_organization(principal: Principal, org_id: str | None, code: str = "NOT_FOUND",
                         message: str = "Not found") -> None:
    if not can_see_organization(principal, org_id):
        raise NotFound(code, message)


def require_partner(principal: Principal, partner_id: str | None, code: str = "NOT_FOUND",
                    message: str = "Not found") -> None:
    if not can_see_partner(principal, partner_id):
        raise NotFound(code, message)


def require_row(principal: Principal, row: dict[str, Any] | None, code: str = "NOT_FOUND",
                message: str = "Not found") -> dict[str, Any]:
    """`row` when the caller may see it (by its `orgId` and/or `partnerId`); 404 when missing or out of scope."""
    if row is None or row.get("deletedAt") is not None:
        raise NotFound(code, message)
    partner_id, org_id = row.get("partnerId"), row.get("orgId")
    if principal.is_back_office:
        if org_id is not None and org_id not in principal.organization_ids:
            raise NotFound(code, message)
        return row
    if partner_id is None or partner_id != principal.partner_id:
        raise NotFound(code, message)
    return row


def partner_filter(principal: Principal) -> dict[str, str]:
    """The equality filter a list query must add for the caller ({} for back office)."""
    if principal.is_back_office:
        return {}
    if not principal.partner_id:
        raise NotFound("NOT_FOUND", "Not found")
    return {"partnerId": principal.partner_id}
