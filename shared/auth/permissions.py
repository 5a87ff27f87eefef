"""The permission catalogue (`module:action`) and the built-in roles.

Routes declare one permission each; a user's effective permissions are its role's set plus per-user
grants minus per-user revocations, plus the baseline every signed-in user has (its own session,
profile and password); functions/auth computes them at login and on refresh.
"""
from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    # identity and access
    "auth:self": "own session, sessions list, profile and password (every signed-in user)",
    "users:read": "see back-office users",
    "users:manage": "create, update, disable back-office users",
    "roles:read": "see roles",
    "roles:manage": "define roles and per-user grants",
    "audit:read": "query the audit log",
    "subusers:manage": "invite and revoke a partner's sub-users",
    # masters
    "masters:read": "read master data and settings",
    "masters:write": "change master data and settings",
    "organizations:read": "read organizations",
    "organizations:write": "create and change organizations",
    "financial-years:manage": "create, activate, close and reopen financial years",
    # partners
    "partners:read": "read business partners",
    "partners:create": "onboard partners (back office) and edit drafts",
    "partners:update": "change partner records and statuses",
    "partners:approve": "approve, reject or request changes to applications",
    "partners:blacklist": "blacklist a partner",
    "kyc:verify": "verify KYC and certifications",
    "documents:read": "download partner documents",
    "self:profile": "a partner user's own profile, branches, documents and change requests",
    # trade desk
    "trades:read": "see trade requests and offers",
    "trades:create": "post trade requests and offers",
    "trades:negotiate": "counter, accept, reject offers",
    "nlp:parse": "parse chat messages into draft trades",
    # contracts and settlement
    "contracts:read": "see contracts",
    "contracts:manage": "create, submit, cancel and amend contracts",
    "contracts:approve": "approve contracts and their amendments (never one's own: maker-checker)",
    "invoices:read": "see invoices",
    "invoices:manage": "raise invoices",
    "payments:manage": "record payments",
    "commissions:read": "see commissions",
    "disputes:read": "see disputes on the contracts one may see (a partner: only shared comments)",
    "disputes:raise": "raise a dispute on a contract one may see, comment on it, add evidence, withdraw one's own",
    "disputes:manage": "handle disputes: assign, resolve (with a credit or debit note), close, withdraw for a party",
    # notifications
    "notifications:read": "read own notifications and preferences",
    "notifications:admin": "see failed deliveries and re-send",
}

_ALL = frozenset(PERMISSIONS)
# Granted to every user whatever its role, grants or revocations: signing out must always be possible.
BASELINE_PERMISSIONS = frozenset({"auth:self"})
_PARTNER = frozenset({"self:profile", "trades:read", "trades:create", "trades:negotiate", "nlp:parse",
                      "contracts:read", "invoices:read", "masters:read", "notifications:read",
                      "subusers:manage", "disputes:read", "disputes:raise"})

BUILT_IN_ROLES: dict[str, frozenset[str]] = {
    "ADMIN": _ALL,
    "SALES": frozenset({"masters:read", "organizations:read", "partners:read", "partners:create",
                        "trades:read", "trades:create", "trades:negotiate", "nlp:parse", "contracts:read",
                        "contracts:manage", "notifications:read", "documents:read", "disputes:read",
                        "disputes:raise"}),
    "ACCOUNTS": frozenset({"masters:read", "organizations:read", "partners:read", "contracts:read", "contracts:approve",
                           "invoices:read", "invoices:manage", "payments:manage", "commissions:read",
                           "notifications:read", "kyc:verify", "documents:read", "partners:approve",
                           "disputes:read"}),
    "DISPUTE_MANAGER": frozenset({"masters:read", "partners:read", "contracts:read", "disputes:manage",
                                  "disputes:read", "disputes:raise", "invoices:read",
                                  "notifications:read", "documents:read"}),
    "PARTNER_PRIMARY": _PARTNER,
    "PARTNER_SUB_USER": _PARTNER - {"subusers:manage"},
}


def effective_permissions(role_permissions: frozenset[str] | set[str], grants: list[str] | None = None,
                          revocations: list[str] | None = None) -> frozenset[str]:
    return frozenset((set(role_permissions) | set(grants or ())) - set(revocations or ())) | BASELINE_PERMISSIONS


def unknown_permissions(permissions: list[str] | set[str] | tuple[str, ...]) -> list[str]:
    """The names in `permissions` that are not in the catalogue."""
    return sorted(set(permissions) - set(PERMISSIONS))
