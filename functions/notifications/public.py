"""What other groups may use of the notifications group (the only module of it they import).

Other groups tell people things by emitting their own typed domain events (the catalog keys on them);
this module names the events notifications emits itself (its reminders), and renders and sends the
e-mails a group addresses straight to one person (`send_direct_mail`: one-time links and codes).
"""
from __future__ import annotations

from functions.notifications.direct_mail import RenderedMail, render_direct_mail, send_direct_mail
from functions.notifications.events import PasswordExpiring, SessionExpiring

__all__ = ["PasswordExpiring", "RenderedMail", "SessionExpiring", "render_direct_mail", "send_direct_mail"]
