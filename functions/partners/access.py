"""Who may touch which partner.

- Back-office users: any partner, with the back-office permission the action needs.
- Partner users (Principal.kind == "partner"): only their own partner, with `self:profile`; another
  partner's id answers 404 (never reveal that it exists).
- Applicants (self-service, before any user exists): an application token returned when they start,
  sent as `X-Application-Token`. It is a signed JWT scoped to that one application (audience
  `tradehub-application`, subject = the application id, 14 days), and the application keeps the id of
  the one token currently valid, so issuing a new token revokes the old one. It stops working once the
  application is approved (the applicant then has a real user and logs in).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from functions.partners import store
from shared import clock
from shared.auth import signed
from shared.auth.principal import BACK_OFFICE, PARTNER, Principal
from shared.errors import Forbidden, NotFound, Unauthorized

SELF_PROFILE = "self:profile"
APPLICATION_TOKEN_HEADER = "x-application-token"
APPLICATION_TOKEN_TTL = timedelta(days=14)
_AUDIENCE = "tradehub-application"


@dataclass(frozen=True)
class Caller:
    """The party acting on a partner: a principal or an applicant."""

    user_id: str | None
    back_office: bool
    partner_id: str | None = None     # the partner a partner user or applicant is bound to
    branch_ids: tuple[str, ...] = ()  # a partner sub-user limited to these branches (empty: all)

    @property
    def applicant(self) -> bool:
        return self.user_id is None and not self.back_office


def not_found() -> NotFound:
    return NotFound("PARTNER_NOT_FOUND", "No such partner")


def check(principal: Principal, partner_id: str, back_office_permission: str, *,
          partner_permission: str = SELF_PROFILE) -> Caller:
    """Scope and permission for an action on `partner_id`; returns the Caller."""
    if principal.kind == PARTNER:
        if not principal.partner_id or principal.partner_id != partner_id:
            raise not_found()
        if not principal.has(partner_permission):
            raise Forbidden("PERMISSION_DENIED", f"This needs the permission {partner_permission}",
                            {"permission": partner_permission})
        return Caller(principal.user_id, False, partner_id, tuple(getattr(principal, "branch_ids", ()) or ()))
    if principal.kind != BACK_OFFICE or not principal.has(back_office_permission):
        raise Forbidden("PERMISSION_DENIED", f"This needs the permission {back_office_permission}",
                        {"permission": back_office_permission})
    return Caller(principal.user_id, True)


def back_office(principal: Principal, permission: str) -> Caller:
    if principal.kind != BACK_OFFICE or not principal.has(permission):
        raise Forbidden("PERMISSION_DENIED", f"This needs the permission {permission} (back office)",
                        {"permission": permission})
    return Caller(principal.user_id, True)


# ---------------------------------------------------------------- application tokens

def issue_application_token(application_id: str) -> tuple[str, str, datetime]:
    """(token, token id, expiry) for the applicant of `application_id`."""
    issued = clock.now()
    token, claims = signed.sign(_AUDIENCE, application_id, APPLICATION_TOKEN_TTL, {"typ": "application"},
                                issued=issued)
    return token, claims["jti"], issued + APPLICATION_TOKEN_TTL


def read_application_token(headers: dict[str, str], application_id: str) -> str:
    """The token id of a valid application token for `application_id` (401 otherwise, 404 for another id)."""
    token = (headers.get(APPLICATION_TOKEN_HEADER) or "").strip()
    if not token:
        raise Unauthorized("MISSING_APPLICATION_TOKEN", "Send the application token as X-Application-Token")
    try:
        claims = signed.verify(token, _AUDIENCE, required=("jti",))
    except signed.TokenRejected as rejected:
        if rejected.expired:
            raise Unauthorized("APPLICATION_TOKEN_EXPIRED",
                               "The application token has expired; verify your e-mail again") from None
        raise Unauthorized("INVALID_APPLICATION_TOKEN", "The application token is not valid") from None
    if claims.get("typ") != "application":
        raise Unauthorized("INVALID_APPLICATION_TOKEN", "The application token is not valid")
    if claims["sub"] != application_id:
        raise NotFound("APPLICATION_NOT_FOUND", "No such application")
    return str(claims["jti"])


def check_application(partner: dict[str, Any] | None, token_id: str) -> dict[str, Any]:
    """The application a token id may act on: still its current token, not yet approved."""
    if partner is None or partner.get("source") != "SELF_SERVICE":
        raise NotFound("APPLICATION_NOT_FOUND", "No such application")
    if partner.get("primaryUserId") or partner.get("status") in ("ACTIVE", "SUSPENDED", "BLACKLISTED"):
        raise Unauthorized("APPLICATION_CLOSED", "This application is closed; sign in with your user instead")
    if partner.get("applicationTokenId") != token_id:
        raise Unauthorized("APPLICATION_TOKEN_REVOKED", "This application token was replaced; use the newest one")
    return partner


@dataclass(frozen=True)
class Access:
    """A caller checked against the route's permission; `load` adds the row checks once the partner is read."""

    caller: Caller
    application_token_id: str | None = None

    @property
    def back_office(self) -> bool:
        return self.caller.back_office

    @property
    def user_id(self) -> str | None:
        return self.caller.user_id

    @property
    def is_applicant(self) -> bool:
        return self.application_token_id is not None

    def sees_branch(self, branch_id: str) -> bool:
        return not self.caller.branch_ids or branch_id in self.caller.branch_ids

    def require_all_branches(self) -> None:
        """Adding branches or moving the head office is for users with access to every branch."""
        if self.caller.branch_ids:
            raise Forbidden("BRANCH_SCOPE", "Your access is limited to some branches")

    def load(self, reader: Any, partner_id: str) -> dict[str, Any]:
        """The partner (through `reader.get`: a unit of work or None for a plain read) or 404."""
        ref = store.partner_ref(partner_id)
        snapshot = reader.get(ref) if reader is not None else ref.get()
        data = store.live(snapshot)
        if self.is_applicant:
            return check_application(data, self.application_token_id or "")
        if data is None:
            raise not_found()
        return data


def for_principal(principal: Principal, partner_id: str, back_office_permission: str, *,
                  partner_permission: str = SELF_PROFILE) -> Access:
    return Access(check(principal, partner_id, back_office_permission, partner_permission=partner_permission))


def for_back_office(principal: Principal, permission: str) -> Access:
    return Access(back_office(principal, permission))


def for_applicant(headers: dict[str, str], application_id: str) -> Access:
    token_id = read_application_token(headers, application_id)
    return Access(Caller(None, False, application_id), token_id)
