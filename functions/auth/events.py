"""The domain events the auth group emits (exported through functions.auth.public)."""
from __future__ import annotations

from datetime import datetime

from shared.events.model import DomainEventModel


class AccountLocked(DomainEventModel):
    producer = "auth"
    user_id: str
    locked_until: datetime


class NewDeviceSignIn(DomainEventModel):
    producer = "auth"
    user_id: str
    session_id: str
    signed_in_at: datetime | None = None
    device: str | None = None
