"""HTTP routes of the `auth` function: mapping only, rules live in the services.

Public by design: sign-in, refresh, password reset, OTP and invite acceptance (each rate-limited).
A restricted session (expired or admin-issued password) may only change its password or sign out.
"""
from __future__ import annotations

from functions.auth import accounts, audit_query, otp, password_service, roles, subusers, users_service
from functions.auth import login as login_service
from functions.auth import models as m
from functions.auth import sessions as session_service
from shared.auth.guard import authenticate
from shared.http import ApiRequest, ApiResponse, Router
from shared.http.etag import etag

router = Router("auth")
SELF = "auth:self"


def _with_etag(view: dict, status: int = 200) -> ApiResponse:
    return ApiResponse(view, status, {"ETag": etag(view["version"])})


# ---- sign-in and sessions ---------------------------------------------------------------------------------

@router.post("/api/auth/login", public=True, rate_limit="login_ip", body=m.LoginIn, response=m.LoginOut,
             tags=("auth",), errors={401: ("INVALID_CREDENTIALS",), 423: ("ACCOUNT_LOCKED",)})
def login(req: ApiRequest):
    """Sign in with e-mail and password."""
    return login_service.login(req.body.email, req.body.password, ip=req.ip, user_agent=req.user_agent,
                   request_id=req.request_id)


@router.post("/api/auth/refresh", public=True, body=m.RefreshIn, response=m.RefreshOut, tags=("auth",),
             errors={401: ("INVALID_REFRESH_TOKEN", "REFRESH_TOKEN_EXPIRED", "REFRESH_TOKEN_REUSED"),
                     409: ("REFRESH_TOKEN_ROTATED",)})
def refresh(req: ApiRequest):
    """Exchange a refresh token for a new access token and a rotated refresh token."""
    return session_service.refresh(req.body.refresh_token, req.actor)


@router.post("/api/auth/logout", permission=SELF, allow_restricted=True, status=204, tags=("auth",))
def logout(req: ApiRequest):
    """End the current session."""
    session_service.logout(req.user, req.actor)


@router.post("/api/auth/logout-all", permission=SELF, status=204, tags=("auth",))
def logout_all(req: ApiRequest):
    """End every session of the caller, this one included."""
    session_service.logout_all(req.user, req.actor)


@router.post("/api/auth/session/activity", permission=SELF, response=m.SessionOut, tags=("auth",))
def session_activity(req: ApiRequest):
    """Report user activity: extends the session's idle timeout."""
    return session_service.record_activity(req.user, req.actor)


@router.get("/api/auth/session", permission=SELF, response=m.SessionOut, tags=("auth",))
def current_session(req: ApiRequest):
    """The current session and when it ends."""
    return session_service.current_session(req.user)


@router.get("/api/auth/sessions", permission=SELF, response=m.SessionList, tags=("auth",))
def sessions(req: ApiRequest):
    """The caller's live sessions (device, IP, last activity)."""
    return session_service.list_sessions(req.user)


@router.delete("/api/auth/sessions/{sessionId}", permission=SELF, status=204, tags=("auth",))
def revoke_session(req: ApiRequest, sessionId: str):
    """End one of the caller's sessions."""
    session_service.revoke_own(req.user, sessionId, req.actor)


@router.get("/api/auth/me", permission=SELF, response=m.AuthUserOut, tags=("auth",))
def me(req: ApiRequest):
    """The signed-in user with its current permissions."""
    _, user = accounts.read_user(req.user.user_id)
    return accounts.auth_user_view(req.user.user_id, user, req.user.permissions)


# ---- passwords ---------------------------------------------------------------------------------------------

@router.post("/api/auth/password/change", permission=SELF, allow_restricted=True, body=m.ChangePasswordIn,
             response=m.LoginOut, tags=("auth",), errors={423: ("ACCOUNT_LOCKED",)})
def change_password(req: ApiRequest):
    """Change the password (ends every other session; returns fresh tokens for this one)."""
    return password_service.change_password(req.user, req.body.current_password, req.body.new_password, req.actor)


@router.post("/api/auth/password/first-login", permission=SELF, allow_restricted=True, body=m.FirstLoginIn,
             response=m.LoginOut, tags=("auth",),
             errors={409: ("PASSWORD_CHANGE_NOT_REQUIRED", "CURRENT_PASSWORD_REQUIRED")})
def first_login_password(req: ApiRequest):
    """Set a new password without the current one, in a session that its sign-in made restricted (an
    expired or admin-issued password); a session restricted later, at a refresh, uses /password/change."""
    return password_service.change_password(req.user, None, req.body.new_password, req.actor, first_login=True)


@router.post("/api/auth/password-reset/request", public=True, rate_limit="password_reset", body=m.ResetRequestIn,
             response=m.AcceptedOut, status=202, tags=("auth",))
def request_password_reset(req: ApiRequest):
    """E-mail a reset link if the address has an account (always 202)."""
    password_service.request_reset(req.body.email, req.actor)
    return ApiResponse({"status": "accepted",
                        "message": "If the address has an account, a reset link is on its way"}, 202)


@router.post("/api/auth/password-reset/confirm", public=True, rate_limit="login", body=m.ResetConfirmIn,
             status=204, tags=("auth",))
def confirm_password_reset(req: ApiRequest):
    """Set a new password with the e-mailed token (ends every session)."""
    password_service.confirm_reset(req.body.token, req.body.new_password, req.actor)


# ---- OTP ------------------------------------------------------------------------------------------------

@router.post("/api/auth/otp/send", public=True, body=m.OtpSendIn, response=m.OtpSendOut, status=202,
             tags=("auth",), errors={401: ("MISSING_TOKEN", "INVALID_TOKEN")})
def send_otp(req: ApiRequest):
    """Send a one-time code by SMS (e-mail fallback) or e-mail; limited per destination, and per caller
    (its user when it sends a token, which must then be valid; its IP otherwise)."""
    user_id = None
    if req.headers.get("authorization"):
        user_id = authenticate(req.headers["authorization"], allow_restricted=True).user_id
    body = req.body
    return ApiResponse(otp.send_code(body.channel, body.destination, body.purpose, body.fallback_email, req.actor,
                                 user_id=user_id), 202)


@router.post("/api/auth/otp/verify", public=True, body=m.OtpVerifyIn, response=m.OtpVerifyOut, tags=("auth",))
def verify_otp(req: ApiRequest):
    """Check a code; returns a short-lived verification token for the destination and purpose."""
    return otp.verify_code(req.body.destination, req.body.purpose, req.body.code, req.actor)


# Acting on a user whose permissions or organizations are beyond the caller's (users_service).
OUTRANKS: dict[int, tuple[str, ...]] = {403: ("USER_OUTRANKS_CALLER",)}


# ---- users ------------------------------------------------------------------------------------------------

@router.get("/api/users", permission="users:read", query=m.UserListQuery, response=m.UserList, tags=("users",))
def list_users(req: ApiRequest):
    """Users of the caller's organizations (or of one partner), newest first."""
    return users_service.list_users(req.user, req.query)


@router.post("/api/users", permission="users:manage", body=m.UserCreateIn, response=m.UserOut, status=201,
             idempotent=True, tags=("users",))
def create_user(req: ApiRequest):
    """Create a back-office user and e-mail it a set-password invite."""
    return _with_etag(users_service.create_back_office_user(req.user, req.body, req.actor), 201)


@router.post("/api/users/invites/accept", public=True, rate_limit="login", body=m.InviteAcceptIn,
             response=m.UserOut, tags=("users",))
def accept_invite(req: ApiRequest):
    """Accept an invite: set the first password from the e-mailed link."""
    return users_service.accept_invite(req.body.token, req.body.password, req.actor)


@router.get("/api/users/sub-users", permission="subusers:manage", response=m.UserList, tags=("users",))
def list_sub_users(req: ApiRequest):
    """The caller's partner's sub-users and pending invites."""
    return subusers.list_sub_users(req.user)


@router.post("/api/users/sub-users", permission="subusers:manage", body=m.SubUserInviteIn, response=m.UserOut,
             status=201, idempotent=True, tags=("users",))
def invite_sub_user(req: ApiRequest):
    """Invite a sub-user with a subset of the caller's permissions and branch access."""
    return ApiResponse(subusers.invite_sub_user(req.user, req.body, req.actor), 201)


@router.patch("/api/users/sub-users/{userId}", permission="subusers:manage", body=m.SubUserUpdateIn,
              response=m.UserOut, tags=("users",))
def update_sub_user(req: ApiRequest, userId: str):
    """Change a sub-user's permissions or branch access."""
    return subusers.update_sub_user(req.user, userId, req.body, req.actor)


@router.delete("/api/users/sub-users/{userId}", permission="subusers:manage", status=204, tags=("users",))
def revoke_sub_user(req: ApiRequest, userId: str):
    """Remove a sub-user or withdraw its invite."""
    subusers.revoke_sub_user(req.user, userId, req.actor)


@router.get("/api/users/{userId}", permission="users:read", response=m.UserOut, tags=("users",))
def get_user(req: ApiRequest, userId: str):
    """One user."""
    return _with_etag(users_service.get_user(req.user, userId))


@router.patch("/api/users/{userId}", permission="users:manage", body=m.UserUpdateIn, response=m.UserOut,
              tags=("users",), errors=OUTRANKS)
def update_user(req: ApiRequest, userId: str):
    """Change a user's name, mobile, role or organizations (honours If-Match).

    A change of role or organizations ends the user's sessions at once (401 SESSION_REVOKED on its next call).
    """
    return _with_etag(users_service.update_user(req.user, userId, req.body, req.if_match, req.actor))


@router.delete("/api/users/{userId}", permission="users:manage", status=204, tags=("users",), errors=OUTRANKS)
def delete_user(req: ApiRequest, userId: str):
    """Delete a user (soft: kept for the record; sessions ended, e-mail freed)."""
    users_service.delete_user(req.user, userId, req.actor)


@router.put("/api/users/{userId}/permissions", permission="roles:manage", body=m.PermissionsIn,
            response=m.UserOut, tags=("users",), errors=OUTRANKS)
def set_user_permissions(req: ApiRequest, userId: str):
    """Replace a user's per-user grants and revocations (honours If-Match).

    A change ends the user's sessions at once (401 SESSION_REVOKED on its next call).
    """
    return _with_etag(users_service.set_permissions(req.user, userId, req.body, req.if_match, req.actor))


@router.post("/api/users/{userId}/disable", permission="users:manage", body=m.DisableIn, response=m.UserOut,
             tags=("users",), errors=OUTRANKS)
def disable_user(req: ApiRequest, userId: str):
    """Disable a user: it can no longer sign in, and its sessions end now."""
    return _with_etag(users_service.disable_user(req.user, userId, req.body.reason, req.actor))


@router.post("/api/users/{userId}/enable", permission="users:manage", response=m.UserOut,
             tags=("users",), errors=OUTRANKS)
def enable_user(req: ApiRequest, userId: str):
    """Enable a disabled user."""
    return _with_etag(users_service.enable_user(req.user, userId, req.actor))


@router.post("/api/users/{userId}/unlock", permission="users:manage", response=m.UserOut,
             tags=("users",), errors=OUTRANKS)
def unlock_user(req: ApiRequest, userId: str):
    """Lift a lockout before its time."""
    return _with_etag(users_service.unlock_user(req.user, userId, req.actor))


@router.post("/api/users/{userId}/invite", permission="users:manage", response=m.UserOut,
             tags=("users",), errors=OUTRANKS)
def resend_invite(req: ApiRequest, userId: str):
    """Send a new invite link (the previous one stops working)."""
    return _with_etag(users_service.resend_invite(req.user, userId, req.actor))


@router.post("/api/users/{userId}/temporary-password", permission="users:manage",
             response=m.TemporaryPasswordOut, tags=("users",), errors=OUTRANKS)
def temporary_password(req: ApiRequest, userId: str):
    """Issue a temporary password to hand over in person; it must be changed at the next sign-in."""
    return users_service.issue_temporary_password(req.user, userId, req.actor)


# ---- roles ------------------------------------------------------------------------------------------------

@router.get("/api/roles", permission="roles:read", response=m.RoleList, tags=("roles",))
def list_roles(req: ApiRequest):
    """Built-in and custom roles with their permissions."""
    return roles.list_roles()


@router.get("/api/roles/permissions", permission="roles:read", response=m.PermissionList, tags=("roles",))
def permission_catalogue(req: ApiRequest):
    """Every permission there is, with what it allows."""
    return roles.permission_catalogue()


@router.post("/api/roles", permission="roles:manage", body=m.RoleIn, response=m.RoleOut, status=201,
             idempotent=True, tags=("roles",))
def create_role(req: ApiRequest):
    """Define a custom role."""
    view = roles.create_role(req.user, req.body, req.actor)
    return ApiResponse(view, 201, {"ETag": etag(view["version"])})


@router.get("/api/roles/{roleName}", permission="roles:read", response=m.RoleOut, tags=("roles",))
def get_role(req: ApiRequest, roleName: str):
    """One role."""
    view = roles.get_role(roleName)
    return ApiResponse(view, 200, {"ETag": etag(view["version"])} if view["version"] else {})


@router.patch("/api/roles/{roleName}", permission="roles:manage", body=m.RoleUpdateIn, response=m.RoleOut,
              tags=("roles",))
def update_role(req: ApiRequest, roleName: str):
    """Change a custom role's description or permissions (honours If-Match)."""
    view = roles.update_role(req.user, roleName, req.body, req.if_match, req.actor)
    return ApiResponse(view, 200, {"ETag": etag(view["version"])})


@router.delete("/api/roles/{roleName}", permission="roles:manage", status=204, tags=("roles",))
def delete_role(req: ApiRequest, roleName: str):
    """Delete a custom role nobody has."""
    roles.delete_role(req.user, roleName, req.actor)


# ---- audit ------------------------------------------------------------------------------------------------

@router.get("/api/audit", permission="audit:read", query=m.AuditQuery, response=m.AuditList, tags=("audit",))
def audit_log(req: ApiRequest):
    """The audit log of the caller's organizations (and entries of none), newest first; filter by user,
    entity, action and time range."""
    return audit_query.search(req.query, req.user.organization_ids)
