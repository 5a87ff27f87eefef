"""Append-only audit entries, written in the same transaction as the change they describe.

Each entry belongs to organizations (`orgIds`), and the audit log shows an administrator only the entries
of its own organizations (functions/auth/audit_query.py): those the writer names (`orgIds=[...]` or
`orgId=...` among the extra fields), else the acting user's (its changes are made within them; a
sign-in attempt on an account acts as that account), else PLATFORM: entries of no organization (jobs,
partner users, attempts on unknown e-mails), which every administrator of the audit log sees.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import clock
from shared.db import collection
from shared.logging import redact

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

AUDIT_COLLECTION = "auditLog"
# Never copied into an audit entry, whatever the caller passes.
PLATFORM = "*"                    # the orgIds of an entry that belongs to no organization
SECRET_FIELDS = {"passwordHash", "passwordHistory", "refreshTokenHash", "previousRefreshHashes", "otpHash",
                 "codeHash", "nonce", "tokenHash", "inviteId", "knownDevices", "secret"}


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """{field: {"before": x, "after": y}} for the fields that differ (bookkeeping fields left out)."""
    before, after = before or {}, after or {}
    ignore = {"updatedAt", "updatedBy", "version"} | SECRET_FIELDS
    changes = {}
    for key in sorted(set(before) | set(after)):
        if key in ignore or before.get(key) == after.get(key):
            continue
        changes[key] = {"before": before.get(key), "after": after.get(key)}
    return redact(changes)


def entry_organizations(extra: dict[str, Any], actor: Any) -> list[str]:
    """The organizations an entry belongs to (see the module's docstring)."""
    named = extra.pop("orgIds", None) or ([extra["orgId"]] if extra.get("orgId") else None)
    if named is None:
        named = getattr(actor, "organization_ids", None) or ()
    return sorted({str(org_id) for org_id in named}) or [PLATFORM]


def write_entry(uow: UnitOfWork, action: str, entity: str, entity_id: str, before: dict | None,
                after: dict | None, extra: dict[str, Any]) -> None:
    actor = uow.actor
    entry = {
        "orgIds": entry_organizations(extra, actor),
        "at": clock.now(),
        "action": action,
        "entity": entity,
        "entityId": entity_id,
        "userId": actor.user_id if actor else None,
        "ip": actor.ip if actor else None,
        "userAgent": actor.user_agent if actor else None,
        "requestId": actor.request_id if actor else None,
        "changes": changed_fields(before, after),
        **redact({k: v for k, v in extra.items() if k not in SECRET_FIELDS}),
    }
    uow.create(collection(AUDIT_COLLECTION).document(), entry)
