"""The demo partner logins of the local stack: partners' demo seed, then each demo partner's primary user
signed up through auth (cross-group demo seeding lives here, not in either group).

On the approval run the invite is accepted through auth's own `accept_invite` with a generated password;
on a later run (the invite is spent) the user gets a fresh password, like functions/auth/seed.py's logins.
"""
from __future__ import annotations

from typing import Any

from functions.partners.seed import SEED_ACTOR, seed_partners
from shared.auth.principal import Actor

SEED_ACTOR_ID = "system-seed-maker"


def seed_partners_with_logins() -> list[dict[str, Any]]:
    """`seed_partners()`, each demo-login partner also carrying `login` (e-mail and password of its primary
    user, for .local/demo-credentials.json)."""
    partners = seed_partners()
    for partner in partners:
        if partner.get("demoLogin"):
            login = _demo_login(partner)
            if login is not None:
                partner["login"] = login
    return partners


def _strong_password(email: str, policy: Any) -> str:
    from functions.auth.password_policy import generate_password, validate

    while True:
        candidate = generate_password(policy)
        if not validate(candidate, policy, email=email):
            return candidate


def _set_password(user_id: str, password: str, policy: Any) -> None:
    """A fresh password for a demo partner user whose invite is spent (a later run), as functions/auth/seed.py
    does for its demo users."""
    from functions.auth import accounts
    from functions.auth.password_service import password_fields
    from shared.auth.passwords import hash_password
    from shared.auth.users import ACTIVE
    from shared.db import stamp_update
    from shared.uow import run_in_transaction

    new_hash = hash_password(password)

    def work(uow: Any) -> None:
        ref, current = accounts.read_user(user_id, uow)
        changes = {**password_fields(new_hash, current, policy), "status": ACTIVE, "disabledAt": None,
                   "inviteId": None, "inviteExpiresAt": None}
        uow.update(ref, stamp_update(changes, SEED_ACTOR_ID, current.get("version", 1)))
        uow.audit("user.password_set", "user", user_id, before={"status": current.get("status")},
                  after={"status": ACTIVE}, seeded=True)

    run_in_transaction(work, Actor(user_id=SEED_ACTOR_ID))


def _demo_login(partner: dict[str, Any]) -> dict[str, str] | None:
    """The demo partner login: the invite accepted (first run) or a fresh password (later runs)."""
    from functions.auth import accounts
    from functions.auth.password_service import load_policy
    from functions.auth.users_service import accept_invite
    from shared.auth.users import DELETED

    user_id = partner.get("primaryUserId")
    if not user_id:
        return None
    _, user = accounts.read_user(user_id)
    if user.get("status") == DELETED:
        return None
    policy = load_policy(user)
    password = _strong_password(user["email"], policy)
    if partner.get("inviteToken"):
        accept_invite(partner["inviteToken"], password, SEED_ACTOR)
    else:
        _set_password(user_id, password, policy)
    return {"email": user["email"], "password": password, "role": user.get("role", "PARTNER_PRIMARY"),
            "kind": "partner", "partnerId": partner["id"],
            "description": f"{partner['code']} {partner['legalName']} ({partner['kind']})"}
