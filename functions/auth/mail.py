"""Auth's e-mails: invitation, password reset, password changed, account locked, new sign-in, OTP code.

The templates are notifications' (functions/notifications/direct_mail.py, through notifications.public);
auth gives the values. Always sent after the transaction that caused them has committed; a failed send
never undoes the change: notifications logs it (recipient masked, never the body: it holds links and
codes) and records it in the one delivery-failure store, not re-sendable (the user asks again).
"""
from __future__ import annotations

from datetime import datetime

from functions.notifications.public import render_direct_mail, send_direct_mail
from shared import clock

SOURCE = "auth"


def send_invite_email(email: str, name: str, invite_token: str, *, partner_name: str | None = None,
                      invited_by: str | None = None, user_id: str | None = None) -> bool:
    """The set-password invitation. True when the provider accepted it."""
    return send_direct_mail(email, "auth_invite", {"userName": name, "token": invite_token,
                                                   "partnerName": partner_name, "invitedBy": invited_by},
                            source=SOURCE, user_id=user_id)


def send_reset_email(email: str, name: str, reset_token: str, *, user_id: str) -> bool:
    return send_direct_mail(email, "auth_password_reset", {"userName": name, "token": reset_token},
                            source=SOURCE, user_id=user_id)


def send_password_changed_email(email: str, name: str, how: str, *, user_id: str) -> bool:
    """`how`: "changed" (by the user) or "reset" (through a reset link)."""
    return send_direct_mail(email, "auth_password_changed", {"userName": name, "how": how,
                                                             "changedAt": clock.now()},
                            source=SOURCE, user_id=user_id)


def send_locked_email(email: str, name: str, locked_until: datetime, *, user_id: str) -> bool:
    return send_direct_mail(email, "auth_account_locked", {"userName": name, "lockedUntil": locked_until},
                            source=SOURCE, user_id=user_id)


def send_new_sign_in_email(email: str, name: str, device: str, ip: str | None, *, user_id: str) -> bool:
    return send_direct_mail(email, "auth_new_sign_in", {"userName": name, "device": device, "ip": ip,
                                                        "signedInAt": clock.now()},
                            source=SOURCE, user_id=user_id)


def send_otp_email(email: str, code: str) -> None:
    """The verification code by e-mail; raises when the provider refuses it (the caller answers 503)."""
    send_direct_mail(email, "auth_otp", {"code": code}, source=SOURCE, raise_on_failure=True)


def otp_text(code: str) -> str:
    """The verification code's text, also the SMS body (its DLT template is the same sentence)."""
    return render_direct_mail("auth_otp", {"code": code}).text
