"""Email through SendGrid's v3 Mail Send API (the real `sendgrid` client).

Locally and in tests `SENDGRID_API_HOST` points the client at local/capture.py. Click and open
tracking are off: SendGrid would otherwise rewrite password-reset and invitation links through its own
redirect host. The body is never logged (it holds links and codes), and the recipient only masked.
"""
from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from shared.adapters.errors import DeliveryFailed
from shared.adapters.lazy import LazyClient
from shared.adapters.masking import mask_email
from shared.adapters.retry import RetryableFailure, is_retryable_status, parse_retry_after, send_logged
from shared.config import settings
from shared.logging import get_logger, log

logger = get_logger("adapters.email")

DEFAULT_HOST = "https://api.sendgrid.com"
FROM_NAME = "RNRL TradeHub"
TIMEOUT_SECONDS = 10
ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_clients = LazyClient()


def client() -> Any:
    """The SendGrid client for the configured key and host, created on first use."""
    config = settings()
    if config.env == "test" and not config.sendgrid_api_host:
        raise RuntimeError("tests send email only to the capture endpoint: use the `capture` fixture")
    key = (config.sendgrid_api_key.get_secret_value(), config.sendgrid_api_host or DEFAULT_HOST)

    def build() -> Any:
        from sendgrid import SendGridAPIClient

        _silence_sdk_debug_log()
        sendgrid_client = SendGridAPIClient(api_key=key[0], host=key[1].rstrip("/"))
        sendgrid_client.client.timeout = TIMEOUT_SECONDS
        return sendgrid_client

    return _clients.get(key, build)


def _drop(record: logging.LogRecord) -> bool:
    return False


def _silence_sdk_debug_log() -> None:
    """python_http_client logs every request body and the API key at DEBUG: drop its records whatever
    the configured level (a logger filter applies before any handler)."""
    sdk_logger = logging.getLogger("python_http_client.client")
    if _drop not in sdk_logger.filters:
        sdk_logger.addFilter(_drop)


def reset_client() -> None:
    _clients.reset()


def build_message(to: str, subject: str, text: str, html: str | None, *, category: str, reply_to: str | None,
                  reference: str, sender: str) -> dict[str, Any]:
    """The v3 Mail Send body."""
    content = [{"type": "text/plain", "value": text}]
    if html is not None:
        content.append({"type": "text/html", "value": html})
    message: dict[str, Any] = {
        "personalizations": [{"to": [{"email": to}]}],
        "from": {"email": sender, "name": FROM_NAME},
        # A header cannot span lines; a newline in a subject is never intended.
        "subject": " ".join(subject.split()),
        "content": content,
        "categories": [category],
        "custom_args": {"tradehubRef": reference, "category": category},
        "tracking_settings": {
            "click_tracking": {"enable": False, "enable_text": False},
            "open_tracking": {"enable": False},
            "subscription_tracking": {"enable": False},
        },
    }
    if reply_to:
        message["reply_to"] = {"email": reply_to}
    return message


def send_email(to: str, subject: str, text: str, html: str | None = None, *, category: str = "general",
               reply_to: str | None = None) -> str:
    """Send one email; return the provider's message id (`X-Message-Id`, else our own reference).

    Retries 429/5xx/connection failures with backoff (at most 4 calls), then raises DeliveryFailed;
    any other refusal raises DeliveryFailed at once.
    """
    to = (to or "").strip()
    if not ADDRESS.match(to) or (reply_to is not None and not ADDRESS.match(reply_to.strip())):
        log(logger, logging.WARNING, "email not sent: invalid address", to=mask_email(to), category=category)
        raise DeliveryFailed("invalid_recipient", None, attempts=0)
    reference = uuid.uuid4().hex
    message = build_message(to, subject, text, html, category=category,
                            reply_to=reply_to.strip() if reply_to else None,
                            reference=reference, sender=settings().email_from)
    masked = mask_email(to)

    def attempt(number: int) -> str:
        from python_http_client.exceptions import HTTPError

        try:
            response = client().send(message)
        except HTTPError as error:
            status = int(error.status_code)
            if is_retryable_status(status):
                raise RetryableFailure("rate_limited" if status == 429 else "provider_error", status,
                                       parse_retry_after(_header(error.headers, "Retry-After"))) from None
            log(logger, logging.ERROR, "email refused by provider", to=masked, category=category, status=status,
                attempt=number)
            raise DeliveryFailed("rejected", status, attempts=number) from None
        except OSError as error:  # URLError, timeouts, refused/reset connections
            raise RetryableFailure("connection_error", None) from error
        return _header(response.headers, "X-Message-Id") or reference

    return send_logged(attempt, logger=logger, channel="email", fields={"to": masked, "category": category},
                       sent=lambda message_id: {"messageId": message_id})


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    try:
        value = headers.get(name)
    except AttributeError:
        return None
    return str(value) if value is not None else None
