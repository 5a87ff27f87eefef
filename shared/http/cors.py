"""CORS for the browser web client, on its own origin (WEB_APP_ORIGINS in shared/config.py).

A preflight (`OPTIONS` with `Origin`) is answered here before authentication, rate limiting and any
Firestore access: it only says which methods and headers a caller from an allowed origin may send.
Every other response from an allowed origin carries `Access-Control-Allow-Origin` and exposes the
headers the client reads (ETag, Retry-After, X-Request-Id). An origin not on the list gets no CORS
header at all, so the browser refuses to hand it the response; the request itself is still
authenticated as usual (CORS protects the browser's user, it is not access control).

No `Access-Control-Allow-Credentials`: the API takes bearer tokens, never cookies.
"""
from __future__ import annotations

from shared.config import settings
from shared.http.request import ApiResponse

# Every request header the API reads; X-Application-Token is the self-service applicant's credential
# (functions/partners/access.py), sent by the web client's onboarding pages.
ALLOWED_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Application-Token",
                   "X-Request-Id")
# What the client reads: ETag for If-Match, Retry-After of 429/503, the request id, and whether a POST with
# an Idempotency-Key was a replay (shared/http/idempotency.py).
EXPOSED_HEADERS = ("ETag", "Retry-After", "X-Request-Id", "Idempotent-Replayed")
MAX_AGE_SECONDS = 3600      # as the documents bucket's CORS (storage.tf); Chromium caps it at 7200


def allowed_origin(origin: str | None) -> str | None:
    """`origin` when it is on WEB_APP_ORIGINS (exact match, as browsers serialize it), else None."""
    if not origin:
        return None

    return origin if origin in settings().web_app_origins else None


def response_headers(origin: str | None) -> dict[str, str]:
    """The CORS headers of an ordinary response to a request carrying `origin`."""
    headers = {"Vary": "Origin"}
    if allowed_origin(origin):
        headers["Access-Control-Allow-Origin"] = origin or ""
        headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
    return headers


def preflight(origin: str | None, methods: list[str]) -> ApiResponse:
    """204 for an `OPTIONS` on a path served with `methods`: the CORS grant when `origin` is allowed,
    just `Allow` (and `Vary: Origin`) when it is not."""
    allowed = sorted({*methods, "OPTIONS"})
    headers = {"Allow": ", ".join(allowed), "Vary": "Origin"}
    if allowed_origin(origin):
        headers.update({
            "Access-Control-Allow-Origin": origin or "",
            "Access-Control-Allow-Methods": ", ".join(allowed),
            "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
            "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
        })
    return ApiResponse(None, 204, headers)
