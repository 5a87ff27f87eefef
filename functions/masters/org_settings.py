"""Per-organization settings: typed key-values with defaults, stored at `settings/{orgId}`.

The document holds every key of the registry (models.OrgSettingsValues) at top level, e.g.
`passwordPolicy` (minLength, maxLength, requireUppercase, requireLowercase, requireDigit,
requireSpecial, historyCount, expiryDays, expiryReminderDays, nistMode, nistMinLength, blocklist) and
`subUserLimit`; the identity service reads them there. `settings/global` has the same keys and applies
to partner users (who belong to no organization). Changes are versioned like every master.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from functions.masters import store, versioning
from functions.masters.access import ORGANIZATIONS, require_organization_access
from functions.masters.models import OrgSettingsValues
from functions.masters.store import Kind
from shared.errors import Conflict, NotFound, Unprocessable

if TYPE_CHECKING:
    from shared.auth.principal import Actor, Principal
    from shared.uow import UnitOfWork

KIND = Kind("settings", "settings", "Settings", "SETTINGS_NOT_FOUND")
GLOBAL = "global"
DESCRIPTIONS = {
    "passwordPolicy": "password composition, history and expiry rules (nistMode switches to NIST SP 800-63B)",
    "subUserLimit": "how many sub-users a partner's primary user may invite",
    "lockoutPolicy": "failed logins before the account locks, and for how long",
    "sessionPolicy": "idle and absolute session timeouts",
    "inviteExpiryDays": "days before a user or sub-user invitation expires",
    "tradeValidityDays": "default validity of a trade request",
    "deliveryTolerancePercent": "default delivery quantity tolerance (plus or minus)",
}


def default_values() -> dict[str, Any]:
    return store.to_store(OrgSettingsValues().model_dump(by_alias=True))


def registry() -> list[dict[str, Any]]:
    """Every setting key with its type and default (GET /api/settings/keys)."""
    defaults = default_values()
    schema = OrgSettingsValues.model_json_schema(by_alias=True)["properties"]
    out = []
    for key, value in defaults.items():
        kind = schema[key].get("type") or ("object" if isinstance(value, dict) else "number")
        out.append({"key": key, "type": kind, "default": value, "description": DESCRIPTIONS.get(key)})
    return out


def _settings_ref(org_id: str) -> Any:
    return store.ref_of(KIND, org_id)


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """The full typed settings, or a 422 naming each bad key and the rule."""
    try:
        model = OrgSettingsValues.model_validate(values)
    except ValidationError as error:
        fields = [{"field": ".".join(str(p) for p in item["loc"]), "message": item["msg"], "rule": item["type"]}
                  for item in error.errors(include_url=False, include_input=False)]
        raise Unprocessable("VALIDATION_FAILED", "The settings have invalid values", {"fields": fields}) from None
    policy = model.password_policy
    entries = []
    if policy.max_length < policy.min_length:
        entries.append({"field": "passwordPolicy.maxLength", "rule": "max_below_min",
                        "message": "maxLength must be at least minLength"})
    if policy.max_length < policy.nist_min_length:
        entries.append({"field": "passwordPolicy.nistMinLength", "rule": "max_below_min",
                        "message": "nistMinLength must not exceed maxLength"})
    if entries:
        raise Unprocessable("VALIDATION_FAILED", entries[0]["message"], {"fields": entries})
    return store.to_store(model.model_dump(by_alias=True))


def merge(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`patch` over `current`, one level deep for the object-valued settings."""
    merged = dict(current)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(current.get(key), dict):
            merged[key] = {**current[key], **value}
        else:
            merged[key] = value
    return merged


def creation_hook(org_id: str, actor: Actor | None) -> store.Hook:
    """For the organization's creation transaction: the settings document with the defaults."""

    def hook(uow: UnitOfWork, current: dict[str, Any] | None, after: dict[str, Any]):
        ref = _settings_ref(org_id)
        if uow.get(ref).exists:
            return None

        def writes() -> None:
            planned = versioning.plan_create({"orgId": org_id, **default_values()},
                                             actor.user_id if actor else None, versioning.today())
            versioning.apply(uow, ref, planned, create=True)

        return writes

    return hook


def get(principal: Principal, org_id: str) -> dict[str, Any]:
    require_organization_access(principal, org_id)
    store.read(ORGANIZATIONS, org_id)     # 404 when the organization does not exist or was deleted
    snapshot = _settings_ref(org_id).get()
    if snapshot.exists:
        return {**default_values(), **(snapshot.to_dict() or {})}
    return {"orgId": org_id, **default_values(), "version": 0}


def get_global() -> dict[str, Any]:
    snapshot = _settings_ref(GLOBAL).get()
    doc = snapshot.to_dict() if snapshot.exists else {"version": 0}
    return {**default_values(), **(doc or {}), "orgId": None}


def patch(principal: Principal, org_id: str, changes: dict[str, Any], actor: Actor, if_match: str | None
          ) -> dict[str, Any]:
    require_organization_access(principal, org_id)

    def organization_exists() -> None:
        store.read(ORGANIZATIONS, org_id)

    try:
        organization_exists()             # deleted means deleted for its settings too
        return _patch(org_id, org_id, changes, actor, if_match, organization_exists)
    except NotFound:
        raise NotFound("ORGANIZATION_NOT_FOUND", f"Organization {org_id} not found") from None


def patch_global(changes: dict[str, Any], actor: Actor, if_match: str | None) -> dict[str, Any]:
    return {**_patch(GLOBAL, None, changes, actor, if_match, lambda: None), "orgId": None}


def _patch(doc_id: str, org_id: str | None, changes: dict[str, Any], actor: Actor, if_match: str | None,
           check_owner: Callable[[], None]) -> dict[str, Any]:
    if not _settings_ref(doc_id).get().exists:
        check_owner()
        values = validate(merge(default_values(), changes))
        try:
            return store.create(KIND, doc_id, {"orgId": org_id, **values}, actor)
        except Conflict:
            pass    # created concurrently: apply the change on top of it

    def change(current: dict[str, Any]) -> dict[str, Any]:
        base = {**default_values(), **{k: v for k, v in current.items() if k != "orgId"}}
        return {"orgId": org_id, **validate(merge(base, changes))}

    return store.update(KIND, doc_id, change, actor, if_match=if_match)


def ensure_global(actor: Actor | None) -> bool:
    """Create `settings/global` with the defaults when missing (the seed); True if created."""
    try:
        store.create(KIND, GLOBAL, {"orgId": None, **default_values()}, actor)
    except Conflict:
        return False
    return True
