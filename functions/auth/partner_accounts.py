"""A partner's accounts: its primary user, created when the partners group approves it.

`create_partner_primary_user` writes the user, its e-mail index entry, the invite and the partner's
seat document `partnerUsers/{partnerId}` inside the caller's transaction and returns the invite token
for the e-mail the caller sends after its commit (functions.auth.mail.send_invite_email).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from shared import clock
from shared.auth.principal import PARTNER
from shared.auth.users import (
    PARTNER_PRIMARY,
    PARTNER_USERS,
    check_email_available,
    create_user,
    issue_invite,
    new_user_doc,
    new_user_id,
    public_view,
)
from shared.db import collection
from shared.errors import field_error
from shared.validators import InvalidValue
from shared.validators import email as valid_email

if TYPE_CHECKING:
    from shared.uow import UnitOfWork


def create_partner_primary_user(uow: UnitOfWork, partner_id: str, email: str, name: str,
                                mobile: str | None) -> tuple[str, str]:
    """Create the primary user of an approved partner inside the caller's transaction.

    Returns (user_id, invite_token); the caller sends `send_invite_email(...)` after its commit.
    A taken e-mail is 409 EMAIL_TAKEN; the e-mail index is created with `create`, so a duplicate that
    slipped in concurrently fails the whole commit rather than making two users.
    """
    try:
        address = valid_email(email)
    except InvalidValue as error:
        raise field_error("email", error.message, rule=error.rule) from None
    check_email_available(uow, address)
    actor_id = uow.actor.user_id if uow.actor else None
    user_id = new_user_id()
    doc = new_user_doc(email=address, name=name, kind=PARTNER, role=PARTNER_PRIMARY, actor_id=actor_id,
                       partner_id=partner_id, mobile=mobile)
    token, invite_fields = issue_invite(uow, user_id, doc, invited_by=actor_id)
    doc.update(invite_fields)
    create_user(uow, user_id, doc)
    uow.set(collection(PARTNER_USERS).document(partner_id),
            {"partnerId": partner_id, "primaryUserId": user_id, "updatedAt": clock.now()}, merge=True)
    uow.audit("user.created", "user", user_id, after=public_view(doc), partnerId=partner_id)
    uow.audit("user.invited", "user", user_id, partnerId=partner_id)
    return user_id, token
