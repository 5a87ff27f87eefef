"""Request and response shapes of `/api/notifications`."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, StrictBool

from shared.models import ApiModel, PageQuery


class Link(ApiModel):
    entity: str
    id: str


class NotificationOut(ApiModel):
    id: str
    title: str
    body: str
    category: str
    severity: str
    link: Link | None = None
    read: bool
    read_at: datetime | None = None
    created_at: datetime
    event_type: str | None = None


class NotificationPage(ApiModel):
    items: list[NotificationOut]
    next_page_token: str | None = None


class NotificationQuery(PageQuery):
    unread_only: bool = Field(False, description="only unread notifications (newest first)")


class UnreadCount(ApiModel):
    count: int


class ReadAllOut(ApiModel):
    updated: int


class ChannelChoice(ApiModel):
    in_app: StrictBool | None = None
    email: StrictBool | None = None
    sms: StrictBool | None = None


class CategoryPreference(ApiModel):
    label: str
    mandatory: bool
    in_app: bool
    email: bool
    sms: bool


class PreferencesOut(ApiModel):
    language: Literal["en", "hi"]
    categories: dict[str, CategoryPreference]


class PreferencesIn(ApiModel):
    language: Literal["en", "hi"] | None = Field(None, description="language of SMS texts")
    categories: dict[str, ChannelChoice] = Field(default_factory=dict,
                                                 description="category → the channels to change")


class FailureOut(ApiModel):
    id: str
    channel: str
    user_id: str | None = None
    recipient: str | None = Field(None, description="masked address")
    event_id: str | None = None
    event_type: str | None = None
    category: str | None = None
    template: str | None = None
    template_id: str | None = None
    reason: str
    status: int | None = None
    attempts: int
    last_attempt_at: datetime | None = None
    first_failed_at: datetime | None = None
    state: str
    resend_count: int = 0
    resolved_at: datetime | None = None


class FailurePage(ApiModel):
    items: list[FailureOut]
    next_page_token: str | None = None


class FailureQuery(PageQuery):
    state: Literal["OPEN", "RESEND_QUEUED", "RESOLVED"] | None = None
    channel: Literal["email", "sms"] | None = None
