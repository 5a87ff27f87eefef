"""The domain events the notifications group emits itself: its reminders (password expiry, session end).
Exported through functions.notifications.public."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared.events.model import DomainEventModel


class PasswordExpiring(DomainEventModel):
    producer = "notifications"
    user_id: str
    expires_at: datetime
    days_left: int | None = None
    milestone: int | None = None


class SessionExpiring(DomainEventModel):
    producer = "notifications"
    user_id: str
    session_id: str
    reason: Literal["idle", "absolute"]
    ends_at: datetime
