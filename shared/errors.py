"""The error model: every failure the API reports is an ApiError with a status, a code and a message."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 500
    code = "INTERNAL"

    def __init__(self, code: str | None = None, message: str = "", details: dict[str, Any] | None = None,
                 *, status: int | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message or code or self.code)
        if code:
            self.code = code
        if status:
            self.status = status
        self.message = message or self.code.replace("_", " ").capitalize()
        self.details = details or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class BadRequest(ApiError):
    status, code = 400, "BAD_REQUEST"


class Unauthorized(ApiError):
    status, code = 401, "UNAUTHENTICATED"


class Forbidden(ApiError):
    status, code = 403, "FORBIDDEN"


class NotFound(ApiError):
    status, code = 404, "NOT_FOUND"


class MethodNotAllowed(ApiError):
    status, code = 405, "METHOD_NOT_ALLOWED"


class Conflict(ApiError):
    status, code = 409, "CONFLICT"


class PreconditionFailed(ApiError):
    status, code = 412, "PRECONDITION_FAILED"


class PayloadTooLarge(ApiError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(ApiError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"


class Unprocessable(ApiError):
    status, code = 422, "VALIDATION_FAILED"


class Locked(ApiError):
    status, code = 423, "ACCOUNT_LOCKED"


class TooManyRequests(ApiError):
    status, code = 429, "RATE_LIMITED"

    def __init__(self, code: str | None = None, message: str = "", details: dict[str, Any] | None = None,
                 *, retry_after: int = 60) -> None:
        super().__init__(code, message or "Too many requests; try again later",
                         {**(details or {}), "retryAfterSeconds": retry_after},
                         headers={"Retry-After": str(max(1, int(retry_after)))})


class ServiceUnavailable(ApiError):
    status, code = 503, "SERVICE_UNAVAILABLE"

    def __init__(self, code: str | None = None, message: str = "", details: dict[str, Any] | None = None,
                 *, retry_after: int = 5) -> None:
        super().__init__(code, message or "A dependency is unavailable; try again shortly", details,
                         headers={"Retry-After": str(retry_after)})


def field_error(field: str, message: str, code: str = "VALIDATION_FAILED", rule: str | None = None) -> Unprocessable:
    """A 422 naming one field and the rule it broke."""
    entry = {"field": field, "message": message}
    if rule:
        entry["rule"] = rule
    return Unprocessable(code, message, {"fields": [entry]})
