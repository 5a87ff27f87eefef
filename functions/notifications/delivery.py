"""Email and SMS delivery consumers (topics `email-requests` and `sms-requests`)."""
from __future__ import annotations

from typing import Any


def handle_email(cloud_event: Any) -> None:
    raise NotImplementedError("email delivery consumer: notifications issue")


def handle_sms(cloud_event: Any) -> None:
    raise NotImplementedError("sms delivery consumer: notifications issue")
