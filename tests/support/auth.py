"""Helpers for the identity tests: users made straight in Firestore, sign-in through the API, mail lookup."""
from __future__ import annotations

import itertools
import re
from typing import Any

from shared.auth.principal import BACK_OFFICE, PARTNER

ORG = "org-alpha"
OTHER_ORG = "org-beta"
GOOD_PASSWORD = "Kestrel#Lantern42"
OTHER_PASSWORD = "Quokka!Meadow718"
_ips = itertools.count(1)


def fresh_ip() -> str:
    """A distinct client address (X-Forwarded-For), so per-IP sign-in limits do not mix tests' calls."""
    number = next(_ips)
    return f"198.51.{number // 250}.{number % 250 + 1}"


def make_user(email: str, password: str | None = GOOD_PASSWORD, *, role: str = "ADMIN", kind: str = BACK_OFFICE,
              organization_ids: list[str] | None = None, partner_id: str | None = None, **fields: Any) -> str:
    """An active user with `password`, written directly (as the seed would); its id."""
    from functions.auth.password_policy import DEFAULT_POLICY
    from functions.auth.password_service import password_fields
    from shared.auth.passwords import hash_password
    from shared.auth.users import ACTIVE, PARTNER_USERS, create_user, new_user_doc, new_user_id
    from shared.db import collection
    from shared.uow import run_in_transaction

    if organization_ids is None:
        organization_ids = [] if kind == PARTNER else [ORG]
    user_id = new_user_id()
    doc = new_user_doc(email=email, name=email.split("@")[0].title(), kind=kind, role=role, actor_id="test",
                       organization_ids=organization_ids, partner_id=partner_id)
    doc["status"] = ACTIVE
    if password:
        doc.update(password_fields(hash_password(password), doc, DEFAULT_POLICY))
    doc.update(fields)

    def work(uow):
        create_user(uow, user_id, doc)
        if partner_id and role == "PARTNER_PRIMARY":
            uow.set(collection(PARTNER_USERS).document(partner_id),
                    {"partnerId": partner_id, "primaryUserId": user_id}, merge=True)

    run_in_transaction(work)
    return user_id


def user_doc(user_id: str) -> dict[str, Any]:
    from shared.db import collection

    return collection("users").document(user_id).get().to_dict()


def set_policy(org_id: str, **policy: Any) -> None:
    from shared.db import collection

    collection("settings").document(org_id).set({"passwordPolicy": policy}, merge=True)


def login(api, email: str, password: str, *, ip: str | None = None, user_agent: str | None = None):
    headers = {"X-Forwarded-For": ip or fresh_ip()}
    if user_agent:
        headers["User-Agent"] = user_agent
    return api.post("/api/auth/login", json={"email": email, "password": password}, headers=headers)


def sign_in(api, email: str, password: str = GOOD_PASSWORD, **kwargs: Any) -> dict[str, Any]:
    response = login(api, email, password, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def token_in(text: str, path: str) -> str:
    """The `token` query value of the link to `path` in an e-mail body."""
    found = re.search(re.escape(path) + r"\?token=([A-Za-z0-9_\-]+)", text)
    assert found, f"no {path} link in the e-mail"
    return found.group(1)


def audit_entries(**filters: Any) -> list[dict[str, Any]]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    query = collection("auditLog")
    for field, value in filters.items():
        query = query.where(filter=FieldFilter(field, "==", value))
    return [snapshot.to_dict() for snapshot in query.stream()]


__all__ = ["BACK_OFFICE", "GOOD_PASSWORD", "ORG", "OTHER_ORG", "OTHER_PASSWORD", "PARTNER", "audit_entries",
           "fresh_ip", "login", "make_user", "set_policy", "sign_in", "token_in", "user_doc"]
