"""Demo identities for the local stack (`make run`): never in production.

`seed_identity(org_ids, partner_id)` makes sure these users exist and are active, with a fresh random
password each run (returned for `.local/demo-credentials.json`, never logged):
- an ADMIN per demo organization (`admin.<org>@demo.rnrl.in`),
- a second ADMIN of every demo organization for maker-checker (`checker@demo.rnrl.in`),
- a SALES user of every demo organization (`sales@demo.rnrl.in`),
- the demo partner's primary user when `partner_id` is given (`partner@demo.rnrl.in`).
Running it twice creates nothing new: existing users get a new password and their demo role back.
"""
from __future__ import annotations

import re
from typing import Any

from functions.auth import accounts
from functions.auth.password_policy import DEFAULT_POLICY, generate_password, validate
from functions.auth.password_service import password_fields
from shared.auth.passwords import hash_password
from shared.auth.principal import BACK_OFFICE, PARTNER, SYSTEM
from shared.auth.users import ACTIVE, PARTNER_USERS, create_user, new_user_doc, new_user_id, public_view
from shared.config import settings
from shared.db import collection, stamp_update
from shared.uow import run_in_transaction

DEMO_DOMAIN = "demo.rnrl.in"


class SeedRefused(RuntimeError):
    """Demo data must never reach a production project."""


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40] or "org"


def _plan(org_ids: list[str], partner_id: str | None) -> list[dict[str, Any]]:
    people = [{"email": f"admin.{_slug(org)}@{DEMO_DOMAIN}", "name": f"Admin {org}", "role": "ADMIN",
               "kind": BACK_OFFICE, "organizationIds": [org]} for org in org_ids]
    people.append({"email": f"checker@{DEMO_DOMAIN}", "name": "Checker Admin", "role": "ADMIN", "kind": BACK_OFFICE,
                   "organizationIds": list(org_ids)})
    people.append({"email": f"sales@{DEMO_DOMAIN}", "name": "Sales Desk", "role": "SALES", "kind": BACK_OFFICE,
                   "organizationIds": list(org_ids)})
    if partner_id:
        people.append({"email": f"partner@{DEMO_DOMAIN}", "name": "Demo Partner", "role": "PARTNER_PRIMARY",
                       "kind": PARTNER, "organizationIds": [], "partnerId": partner_id})
    return people


def _password(email: str) -> str:
    while True:
        candidate = generate_password(DEFAULT_POLICY)
        if not validate(candidate, DEFAULT_POLICY, email=email):
            return candidate


def seed_identity(org_ids: list[str], partner_id: str | None = None) -> list[dict[str, str]]:
    if settings().is_production:
        raise SeedRefused("demo identities are never seeded in production")
    credentials = []
    for person in _plan(org_ids, partner_id):
        password = _password(person["email"])
        new_hash = hash_password(password)
        found = accounts.find_by_email(person["email"])

        def work(uow: Any, person: dict[str, Any] = person, new_hash: str = new_hash,
                 found: tuple[str, dict] | None = found) -> None:
            fields = {"role": person["role"], "kind": person["kind"], "organizationIds": person["organizationIds"],
                      "partnerId": person.get("partnerId"), "status": ACTIVE, "disabledAt": None, "inviteId": None}
            if found is None:
                user_id = new_user_id()
                doc = new_user_doc(email=person["email"], name=person["name"], kind=person["kind"],
                                   role=person["role"], actor_id=SYSTEM.user_id,
                                   organization_ids=person["organizationIds"], partner_id=person.get("partnerId"))
                doc.update({**fields, **password_fields(new_hash, doc, DEFAULT_POLICY)})
                create_user(uow, user_id, doc)
                uow.audit("user.created", "user", user_id, after=public_view(doc), seeded=True)
            else:
                user_id, current = found
                ref, current = accounts.read_user(user_id, uow)
                changes = {**fields, **password_fields(new_hash, {}, DEFAULT_POLICY)}
                uow.update(ref, stamp_update(changes, SYSTEM.user_id, current.get("version", 1)))
                uow.audit("user.updated", "user", user_id, before=public_view(current),
                          after=public_view({**current, **changes}), seeded=True)
            if person.get("partnerId"):
                uow.set(collection(PARTNER_USERS).document(person["partnerId"]),
                        {"partnerId": person["partnerId"], "primaryUserId": user_id}, merge=True)

        run_in_transaction(work, SYSTEM)
        credentials.append({"email": person["email"], "password": password, "role": person["role"]})
    return credentials
