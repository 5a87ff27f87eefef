"""Request and response shapes of the `auth` function (camelCase on the wire)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from shared.auth.verification import PURPOSES
from shared.models import ApiModel, PageQuery

# Password fields accept more than the policy's maximum so that the policy, not the schema, names the rule.
Password = Field(min_length=1, max_length=1024)
Email = Field(min_length=3, max_length=320)
Name = Field(min_length=1, max_length=120)
Purpose = Literal[PURPOSES]  # type: ignore[valid-type]


# ---- sign-in and sessions -------------------------------------------------------------------------------

class LoginIn(ApiModel):
    email: str = Email
    password: str = Password


class RefreshIn(ApiModel):
    refresh_token: str = Field(min_length=10, max_length=200)


class TokensOut(ApiModel):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: Literal["Bearer"] = "Bearer"


class AuthUserOut(ApiModel):
    id: str
    email: str
    name: str
    kind: str
    role: str
    permissions: list[str]
    partner_id: str | None = None
    organization_ids: list[str] = Field(default_factory=list)
    branch_ids: list[str] = Field(default_factory=list)
    last_login_at: datetime | None = None


class LoginOut(ApiModel):
    user: AuthUserOut
    tokens: TokensOut
    firebase_token: str | None = None
    requires_password_change: bool = False


class RefreshOut(ApiModel):
    tokens: TokensOut
    requires_password_change: bool = False


class SessionOut(ApiModel):
    id: str
    device: str
    user_agent: str | None = None
    ip: str | None = None
    created_at: datetime
    last_activity_at: datetime
    idle_expires_at: datetime
    absolute_expires_at: datetime
    restricted: bool = False
    current: bool = False


class SessionList(ApiModel):
    items: list[SessionOut]
    next_page_token: str | None = None


# ---- passwords --------------------------------------------------------------------------------------------

class ChangePasswordIn(ApiModel):
    current_password: str = Password
    new_password: str = Password


class FirstLoginIn(ApiModel):
    new_password: str = Password


class ResetRequestIn(ApiModel):
    email: str = Email


class ResetConfirmIn(ApiModel):
    token: str = Field(min_length=10, max_length=200)
    new_password: str = Password


class AcceptedOut(ApiModel):
    status: Literal["accepted"] = "accepted"
    message: str


# ---- OTP ----------------------------------------------------------------------------------------------------

class OtpSendIn(ApiModel):
    channel: Literal["sms", "email"]
    destination: str | None = Field(None, max_length=320)
    purpose: Purpose
    fallback_email: str | None = Field(None, max_length=320)


class OtpSendOut(ApiModel):
    channel: Literal["sms", "email"]
    destination: str            # masked
    expires_at: datetime
    fallback_used: bool = False


class OtpVerifyIn(ApiModel):
    destination: str = Field(min_length=3, max_length=320)
    purpose: Purpose
    code: str = Field(min_length=1, max_length=12)


class OtpVerifyOut(ApiModel):
    verification_token: str
    expires_in: int
    destination: str
    purpose: str


# ---- users, roles, sub-users ---------------------------------------------------------------------------------

class UserCreateIn(ApiModel):
    email: str = Email
    name: str = Name
    role: str = Field(min_length=2, max_length=40)
    organization_ids: list[str] = Field(min_length=1, max_length=30)
    mobile: str | None = Field(None, max_length=20)
    grants: list[str] = Field(default_factory=list, max_length=100)
    revocations: list[str] = Field(default_factory=list, max_length=100)


class UserUpdateIn(ApiModel):
    name: str | None = Field(None, min_length=1, max_length=120)
    role: str | None = Field(None, min_length=2, max_length=40)
    organization_ids: list[str] | None = Field(None, min_length=1, max_length=30)
    mobile: str | None = Field(None, max_length=20)


class PermissionsIn(ApiModel):
    grants: list[str] = Field(default_factory=list, max_length=100)
    revocations: list[str] = Field(default_factory=list, max_length=100)


class DisableIn(ApiModel):
    reason: str | None = Field(None, max_length=500)


class UserOut(ApiModel):
    id: str
    email: str | None
    name: str
    kind: str
    role: str
    status: str
    permissions: list[str]
    grants: list[str] = Field(default_factory=list)
    revocations: list[str] = Field(default_factory=list)
    organization_ids: list[str] = Field(default_factory=list)
    partner_id: str | None = None
    branch_ids: list[str] = Field(default_factory=list)
    primary_user_id: str | None = None
    mobile: str | None = None
    locked: bool = False
    must_change_password: bool = False
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
    invite_expires_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1


class UserList(ApiModel):
    items: list[UserOut]
    next_page_token: str | None = None


class UserListQuery(PageQuery):
    status: Literal["INVITED", "ACTIVE", "DISABLED"] | None = None
    role: str | None = Field(None, max_length=40)
    partner_id: str | None = Field(None, max_length=64)


class InviteAcceptIn(ApiModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Password


class TemporaryPasswordOut(ApiModel):
    temporary_password: str
    must_change_password: bool = True


class SubUserInviteIn(ApiModel):
    email: str = Email
    name: str = Name
    mobile: str | None = Field(None, max_length=20)
    permissions: list[str] = Field(min_length=1, max_length=50)
    branch_ids: list[str] = Field(default_factory=list, max_length=100)


class SubUserUpdateIn(ApiModel):
    permissions: list[str] | None = Field(None, min_length=1, max_length=50)
    branch_ids: list[str] | None = Field(None, max_length=100)


class RoleIn(ApiModel):
    name: str = Field(min_length=2, max_length=40, pattern=r"^[A-Z][A-Z0-9_]*$")
    description: str = Field("", max_length=300)
    permissions: list[str] = Field(min_length=1, max_length=100)


class RoleUpdateIn(ApiModel):
    description: str | None = Field(None, max_length=300)
    permissions: list[str] | None = Field(None, min_length=1, max_length=100)


class RoleOut(ApiModel):
    name: str
    description: str = ""
    permissions: list[str]
    built_in: bool
    kind: str = "back_office"
    version: int | None = None


class RoleList(ApiModel):
    items: list[RoleOut]
    next_page_token: str | None = None


class PermissionOut(ApiModel):
    name: str
    description: str


class PermissionList(ApiModel):
    items: list[PermissionOut]
    next_page_token: str | None = None


# ---- audit ----------------------------------------------------------------------------------------------------

class AuditQuery(PageQuery):
    user_id: str | None = Field(None, max_length=64)
    entity: str | None = Field(None, max_length=64)
    entity_id: str | None = Field(None, max_length=128)
    action: str | None = Field(None, max_length=64)
    from_: datetime | None = Field(None, alias="from")
    to: datetime | None = None


class AuditEntryOut(ApiModel):
    id: str
    at: datetime
    action: str
    entity: str
    entity_id: str | None = None
    user_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
    org_ids: list[str] = Field(default_factory=list, description='The organizations the entry belongs to; "*" for '
                               "none (jobs, partner users, attempts on unknown e-mails)")
    changes: dict[str, Any] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)


class AuditList(ApiModel):
    items: list[AuditEntryOut]
    next_page_token: str | None = None
