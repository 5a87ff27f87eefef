"""E-mails a group sends straight to one address, outside the event fan-out of the catalog.

Auth's invitation, password reset, verification code, password-changed, lock and new sign-in mails
hold a one-time link or code, or must leave before the action answers: they never travel through the
outbox, Pub/Sub or the delivery store. They use the catalog's template language and rendering
(`{name}` placeholders, `rendering.context`, India time, the same HTML body), so there is one template
system. A failed send is logged with the recipient masked and never the body or the values, and is
recorded in the one delivery-failure store as not re-sendable (the secret is never stored).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from functions.notifications import rendering
from shared import clock
from shared.adapters.email import send_email
from shared.adapters.masking import mask_email
from shared.config import settings
from shared.delivery_failures import record_unresendable
from shared.logging import get_logger, log

logger = get_logger("notifications.direct_mail")


@dataclass(frozen=True)
class DirectMail:
    category: str         # the provider category and the failure record's category
    subject: str
    text: str


@dataclass(frozen=True)
class RenderedMail:
    category: str
    subject: str
    text: str
    html: str


_PRODUCT = "RNRL TradeHub"

TEMPLATES: dict[str, DirectMail] = {mail.category: mail for mail in (
    DirectMail(
        "auth_invite", f"Your {_PRODUCT} invitation",
        "Hello {userName},\n\n{invitedByPhrase} to " + _PRODUCT + "{forPartner}.\n\n"
        "Set your password here (the link works once and expires in 7 days):\n"
        "{appUrl}/accept-invite?token={token}\n\n"
        "If you did not expect this invitation, ignore this e-mail."),
    DirectMail(
        "auth_password_reset", f"Reset your {_PRODUCT} password",
        "Hello {userName},\n\nSomeone (hopefully you) asked to reset your " + _PRODUCT + " password.\n\n"
        "Choose a new password here (the link works once and expires in 60 minutes):\n"
        "{appUrl}/reset-password?token={token}\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is."),
    DirectMail(
        "auth_password_changed", f"Your {_PRODUCT} password was changed",
        "Hello {userName},\n\nYour " + _PRODUCT + " password was {how} on {changedAt}. "
        "All your other sessions have been signed out.\n\n"
        "If this was not you, reset your password at once and tell your administrator."),
    DirectMail(
        "auth_account_locked", f"Your {_PRODUCT} account was locked",
        "Hello {userName},\n\nYour " + _PRODUCT + " account was locked after too many failed sign-in attempts. "
        "It unlocks on {lockedUntil}, or reset your password to unlock it now.\n\n"
        "If these attempts were not yours, reset your password and tell your administrator."),
    DirectMail(
        "auth_new_sign_in", f"New sign-in to your {_PRODUCT} account",
        "Hello {userName},\n\nThere was a new sign-in to your " + _PRODUCT + " account on {signedInAt} "
        "from {device}{fromIp}.\n\n"
        "If this was you, nothing to do. If not, change your password and sign out all sessions."),
    DirectMail(
        "auth_otp", f"Your {_PRODUCT} verification code",
        "{code} is your " + _PRODUCT + " verification code. It is valid for 10 minutes. "
        "Do not share it with anyone."),
)}


def _phrases(values: Mapping[str, Any]) -> dict[str, str]:
    """The optional parts of a sentence, from the raw values (before the context's defaults)."""
    invited_by, partner, ip = values.get("invitedBy"), values.get("partnerName"), values.get("ip")
    return {"invitedByPhrase": f"{invited_by} has invited you" if invited_by else "You have been invited",
            "forPartner": f" for {partner}" if partner else "",
            "fromIp": f" (IP {ip})" if ip else ""}


def render_direct_mail(template: str, values: Mapping[str, Any]) -> RenderedMail:
    """The subject, text and HTML of `template` (a TEMPLATES key) filled with `values`; KeyError for
    an unknown template."""
    mail = TEMPLATES[template]
    context = rendering.context(dict(values), today=clock.today_india(),
                                extra={"appUrl": settings().web_app_url, **_phrases(values)})
    text = rendering.render(mail.text, context)
    return RenderedMail(mail.category, rendering.render(mail.subject, context), text, rendering.text_to_html(text))


def send_direct_mail(to: str, template: str, values: Mapping[str, Any], *, source: str,
                     user_id: str | None = None, raise_on_failure: bool = False) -> bool:
    """Render and send one direct mail; True when the provider took it. A failure is logged (masked
    recipient, no body) and recorded under `source` (the producing group), not raised unless
    `raise_on_failure` (for a caller with a fallback)."""
    mail = render_direct_mail(template, values)
    try:
        send_email(to, mail.subject, mail.text, mail.html, category=mail.category)
        return True
    except Exception as error:  # noqa: BLE001 - the change is committed; a lost e-mail must not undo it
        reason = getattr(error, "reason", type(error).__name__)
        masked = mask_email(to)
        log(logger, logging.ERROR, "direct e-mail not delivered", category=mail.category, to=masked,
            userId=user_id, reason=reason, source=source)
        record_unresendable("email", mail.category, masked, user_id, reason, source=source)
        if raise_on_failure:
            raise
        return False
