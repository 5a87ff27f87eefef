"""Fixed-window rate limits kept in Firestore, per identity (per IP for anonymous calls).

One document per (policy, identity) holds its minute, hour and day windows and is updated in a
transaction, so concurrent requests cannot both take the last slot. A refused call gets 429 with
`Retry-After` set to the end of the fullest window.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from shared import clock
from shared.errors import TooManyRequests

if TYPE_CHECKING:
    from shared.http.request import ApiRequest

RATE_LIMITS = "rateLimits"
WINDOWS = (("minute", 60), ("hour", 3600), ("day", 86400))


@dataclass(frozen=True)
class Policy:
    per_minute: int
    per_hour: int
    per_day: int

    def limit(self, window: str) -> int:
        return {"minute": self.per_minute, "hour": self.per_hour, "day": self.per_day}[window]


POLICIES: dict[str, Policy] = {
    "api": Policy(100, 1_000, 10_000),
    # Sign-in: "login" (DOMAIN.md's numbers) counts per (IP, e-mail) in functions/auth/login.py;
    # "login_ip" per IP alone is looser, so an office behind one address can sign in together, yet one
    # address cannot spray a password over many accounts (30 guesses a minute, 1,000 a day).
    "login": Policy(5, 20, 100),
    "login_ip": Policy(30, 300, 1_000),
    "password_reset": Policy(1, 3, 10),
    "otp_send": Policy(1, 3, 10),
    # OTP sends per caller against SMS pumping: DOMAIN.md's numbers per IP when anonymous and per user
    # when signed in, counted for each channel (one applicant verifies an e-mail and a mobile together).
    "otp_send_ip": Policy(1, 3, 10),
    "otp_send_user": Policy(1, 3, 10),
}
UNLIMITED = "none"


def enforce(policy_name: str, request: ApiRequest) -> None:
    """The pipeline's hook: limit by user when authenticated, by IP otherwise."""
    if policy_name == UNLIMITED:
        return
    identity = f"user:{request.principal.user_id}" if request.principal else f"ip:{request.ip}"
    check(policy_name, identity)


def check(policy_name: str, identity: str) -> None:
    """Count one call of `identity` under `policy_name`; 429 when a window is full."""
    from shared.db import collection, run_in_transaction

    policy = POLICIES[policy_name]
    key = hashlib.sha256(identity.encode()).hexdigest()[:40]
    ref = collection(RATE_LIMITS).document(f"{policy_name}:{key}")
    now = clock.now()
    epoch = int(now.timestamp())

    def count(uow) -> int:
        snapshot = uow.get(ref)
        windows = (snapshot.to_dict() or {}).get("windows", {}) if snapshot.exists else {}
        updated, retry_after = {}, 0
        for name, seconds in WINDOWS:
            start = epoch - epoch % seconds
            current = windows.get(name) or {}
            used = current.get("count", 0) if current.get("start") == start else 0
            if used >= policy.limit(name):
                retry_after = max(retry_after, start + seconds - epoch)
            updated[name] = {"start": start, "count": used + 1}
        if retry_after:
            return retry_after
        # The TTL field: the document is useless once its longest (day) window has ended.
        day_end = epoch - epoch % WINDOWS[-1][1] + WINDOWS[-1][1]
        uow.set(ref, {"windows": updated, "policy": policy_name,
                      "expiresAt": datetime.fromtimestamp(day_end, tz=UTC)})
        return 0

    retry_after = run_in_transaction(count)
    if retry_after:
        raise TooManyRequests("RATE_LIMITED", f"Too many requests ({policy_name}); try again later",
                              {"policy": policy_name}, retry_after=retry_after)
