"""The identity e-mails: invite, password reset, password changed, account locked, new sign-in, OTP code.

Always sent after the transaction that caused them has committed. A failed send never undoes the
change: it is logged (recipient masked, never the body: it holds links and codes) and recorded in the
one delivery-failure store (shared/delivery_failures.py), which the administrators' failure list reads.
The record holds no link or code and cannot be re-sent; the user asks for a new one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from shared import clock
from shared.adapters.email import send_email
from shared.adapters.masking import mask_email
from shared.config import settings
from shared.delivery_failures import record_unresendable
from shared.logging import get_logger, log

logger = get_logger("auth.mail")
PRODUCT = "RNRL TradeHub"


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    category: str


def _link(path: str, token: str) -> str:
    return f"{settings().web_app_url}{path}?token={token}"


def invite_message(name: str, token: str, *, partner_name: str | None = None, invited_by: str | None = None) -> Message:
    where = f" for {partner_name}" if partner_name else ""
    who = f"{invited_by} has invited you" if invited_by else "You have been invited"
    text = (f"Hello {name},\n\n{who} to {PRODUCT}{where}.\n\n"
            f"Set your password here (the link works once and expires in 7 days):\n"
            f"{_link('/accept-invite', token)}\n\n"
            "If you did not expect this invitation, ignore this e-mail.\n")
    return Message(f"Your {PRODUCT} invitation", text, "auth_invite")


def reset_message(name: str, token: str) -> Message:
    text = (f"Hello {name},\n\nSomeone (hopefully you) asked to reset your {PRODUCT} password.\n\n"
            f"Choose a new password here (the link works once and expires in 60 minutes):\n"
            f"{_link('/reset-password', token)}\n\n"
            "If you did not ask for this, ignore this e-mail: your password stays as it is.\n")
    return Message(f"Reset your {PRODUCT} password", text, "auth_password_reset")


def password_changed_message(name: str, how: str) -> Message:
    text = (f"Hello {name},\n\nYour {PRODUCT} password was {how} at {clock.iso(clock.now())} (UTC). "
            "All your other sessions have been signed out.\n\n"
            "If this was not you, reset your password at once and tell your administrator.\n")
    return Message(f"Your {PRODUCT} password was changed", text, "auth_password_changed")


def locked_message(name: str, locked_until: Any) -> Message:
    text = (f"Hello {name},\n\nYour {PRODUCT} account was locked after too many failed sign-in attempts. "
            f"It unlocks at {clock.iso(locked_until)} (UTC), or reset your password to unlock it now.\n\n"
            "If these attempts were not yours, reset your password and tell your administrator.\n")
    return Message(f"Your {PRODUCT} account was locked", text, "auth_account_locked")


def new_device_message(name: str, device: str, ip: str | None) -> Message:
    text = (f"Hello {name},\n\nThere was a new sign-in to your {PRODUCT} account at "
            f"{clock.iso(clock.now())} (UTC) from {device}" + (f" (IP {ip})" if ip else "") + ".\n\n"
            "If this was you, nothing to do. If not, change your password and sign out all sessions.\n")
    return Message(f"New sign-in to your {PRODUCT} account", text, "auth_new_sign_in")


def otp_message(code: str) -> Message:
    text = (f"{code} is your {PRODUCT} verification code. It is valid for 10 minutes. "
            "Do not share it with anyone.\n")
    return Message(f"Your {PRODUCT} verification code", text, "auth_otp")


def send(to: str, message: Message, *, user_id: str | None = None, raise_on_failure: bool = False) -> bool:
    """Send `message`; True when the provider took it. Failures are logged and recorded, not raised
    (unless `raise_on_failure`, for a caller with a fallback)."""
    try:
        send_email(to, message.subject, message.text, category=message.category)
        return True
    except Exception as error:  # noqa: BLE001 - the change is committed; a lost e-mail must not undo it
        reason = getattr(error, "reason", type(error).__name__)
        log(logger, logging.ERROR, "auth e-mail not delivered", category=message.category, to=mask_email(to),
            userId=user_id, reason=reason)
        record_failure("email", message.category, mask_email(to), user_id, reason)
        if raise_on_failure:
            raise
        return False


def record_failure(channel: str, category: str, masked_to: str, user_id: str | None, reason: str) -> None:
    record_unresendable(channel, category, masked_to, user_id, reason, source="auth")
