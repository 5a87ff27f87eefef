"""HTTP routes of the `notifications` function: mapping only, rules live in the service."""
from __future__ import annotations

from functions.notifications import service
from functions.notifications.models import (
    FailureOut,
    FailurePage,
    FailureQuery,
    NotificationOut,
    NotificationPage,
    NotificationQuery,
    PreferencesIn,
    PreferencesOut,
    ReadAllOut,
    UnreadCount,
)
from shared.http import Router
from shared.http.etag import etag
from shared.http.request import ApiRequest, ApiResponse

router = Router("notifications")
TAGS = ("notifications",)


@router.get("/api/notifications", permission="notifications:read", query=NotificationQuery,
            response=NotificationPage, tags=TAGS)
def list_notifications(req: ApiRequest) -> NotificationPage:
    """My notifications: unread first, then newest first (cursor paging)."""
    items, token = service.list_notifications(req.user.user_id, req.query.page_size, req.query.page_token,
                                              req.query.unread_only)
    return NotificationPage(items=items, next_page_token=token)


@router.get("/api/notifications/unread-count", permission="notifications:read", response=UnreadCount, tags=TAGS)
def unread_count(req: ApiRequest) -> UnreadCount:
    """How many of my notifications are unread."""
    return UnreadCount(count=service.unread_count(req.user.user_id))


@router.post("/api/notifications/read-all", permission="notifications:read", response=ReadAllOut, tags=TAGS)
def read_all(req: ApiRequest) -> ReadAllOut:
    """Mark all my notifications read."""
    return ReadAllOut(updated=service.mark_all_read(req.user.user_id))


@router.post("/api/notifications/{notificationId}/read", permission="notifications:read",
             response=NotificationOut, tags=TAGS)
def read_one(req: ApiRequest, notificationId: str) -> NotificationOut:
    """Mark one of my notifications read."""
    return service.mark_read(req.user.user_id, notificationId)


@router.get("/api/notifications/preferences", permission="notifications:read", response=PreferencesOut,
            tags=TAGS)
def get_preferences(req: ApiRequest) -> ApiResponse:
    """My notification preferences per category (email, SMS, in-app) and SMS language."""
    preferences, version = service.get_preferences(req.user.user_id)
    return ApiResponse(preferences, 200, {"ETag": etag(version)})


@router.put("/api/notifications/preferences", permission="notifications:read", body=PreferencesIn,
            response=PreferencesOut, tags=TAGS)
def put_preferences(req: ApiRequest) -> ApiResponse:
    """Change my preferences; mandatory categories (security) cannot be turned off (422)."""
    preferences, version = service.update_preferences(req.user.user_id, req.body, req.if_match, req.actor)
    return ApiResponse(preferences, 200, {"ETag": etag(version)})


@router.get("/api/notifications/admin/failures", permission="notifications:admin", query=FailureQuery,
            response=FailurePage, tags=TAGS)
def list_failures(req: ApiRequest) -> FailurePage:
    """Failed email and SMS deliveries (dead letters), newest attempt first."""
    items, token = service.list_failures(req.query.state, req.query.channel, req.query.page_size,
                                         req.query.page_token)
    return FailurePage(items=items, next_page_token=token)


@router.post("/api/notifications/admin/failures/{failureId}/resend", permission="notifications:admin",
             response=FailureOut, status=202, tags=TAGS)
def resend(req: ApiRequest, failureId: str) -> FailureOut:
    """Queue a failed delivery again."""
    return service.resend(failureId, req.actor)
