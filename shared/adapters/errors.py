"""Errors the adapters raise to their callers."""
from __future__ import annotations


class DeliveryFailed(Exception):
    """An email or SMS could not be handed to the provider.

    `reason` is a short machine word (`rate_limited`, `provider_error`, `connection_error`, `rejected`,
    `invalid_recipient`); `status` the provider's HTTP status when there was one. `retryable` says whether
    sending the same message later may succeed (true after 429/5xx/connection errors, false when the
    provider refused the request itself), so the caller can dead-letter it for a later re-drive or not.
    """

    def __init__(self, reason: str, status: int | None = None, *, attempts: int = 1, retryable: bool = False):
        super().__init__(f"delivery failed: {reason}" + (f" (HTTP {status})" if status else "")
                         + f" after {attempts} attempt(s)")
        self.reason = reason
        self.status = status
        self.attempts = attempts
        self.retryable = retryable
