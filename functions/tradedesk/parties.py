"""Who acts on the trade desk, for which partner, and in which RNRL organization.

- A partner user acts for its own partner (a `partnerId` in the body naming another one is 403).
- A back-office user (sales) acts on a partner's behalf and must name it (`partnerId`, 422 otherwise).
- Organization of a request: a back-office user names one of its own organizations (or its only one);
  a partner user may name any existing organization, and without one the request goes to the
  organization when RNRL has exactly one, else 422 ORGANIZATION_REQUIRED listing the choices. The
  organization is fixed when the request is created and every offer and contract on it inherits it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from functions.tradedesk.anonymity import Viewer
from shared.auth.principal import Principal
from shared.errors import Forbidden, NotFound, Unprocessable

ORGANIZATIONS = "organizations"


@dataclass(frozen=True)
class Acting:
    partner_id: str
    back_office: bool
    user_id: str


def acting_partner(principal: Principal, named: str | None) -> Acting:
    if principal.is_back_office:
        if not named:
            raise Unprocessable("PARTNER_REQUIRED", "Back-office users act for a partner: name it in partnerId",
                                {"fields": [{"field": "partnerId", "rule": "required",
                                             "message": "partnerId is required for back-office users"}]})
        return Acting(named, True, principal.user_id)
    if not principal.partner_id:
        raise Forbidden("NOT_A_PARTNER_USER", "Only partner and back-office users trade")
    if named and named != principal.partner_id:
        raise Forbidden("OTHER_PARTNER", "A partner user acts only for its own partner")
    return Acting(principal.partner_id, False, principal.user_id)


def viewer_of(principal: Principal) -> Viewer:
    return Viewer.back_office_user() if principal.is_back_office else Viewer(principal.partner_id)


def _organizations() -> list[str]:
    from shared.db import collection

    return sorted(s.id for s in collection(ORGANIZATIONS).select(["deletedAt"]).limit(50).stream()
                  if not (s.to_dict() or {}).get("deletedAt"))


def resolve_org(principal: Principal, requested: str | None) -> str:
    from shared.db import collection

    if principal.is_back_office:
        own = principal.organization_ids
        if requested:
            if own and requested not in own:
                raise NotFound("ORGANIZATION_NOT_FOUND", f"Organization {requested} not found")
            return requested
        if len(own) == 1:
            return own[0]
        choices: list[Any] = list(own) or _organizations()
        if len(choices) == 1:
            return str(choices[0])
        raise Unprocessable("ORGANIZATION_REQUIRED", "Name the organization of this request (orgId)",
                            {"choices": sorted(choices)})
    if requested:
        snapshot = collection(ORGANIZATIONS).document(requested).get()
        if not snapshot.exists or (snapshot.to_dict() or {}).get("deletedAt"):
            raise NotFound("ORGANIZATION_NOT_FOUND", f"Organization {requested} not found")
        return requested
    choices = _organizations()
    if len(choices) == 1:
        return choices[0]
    raise Unprocessable("ORGANIZATION_REQUIRED", "Name the organization of this request (orgId)",
                        {"choices": choices})
