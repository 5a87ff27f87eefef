"""SMS through Twilio's Messages API (the real `twilio` client).

India's DLT rules: every commercial SMS goes out under a registered sender id (header) and entity,
and its text must match a template registered on the DLT portal. Twilio's Messages API has no field
for the template id (Twilio matches the text against the templates whitelisted for the sender), so
the ids travel as request headers `X-DLT-Entity-Id` / `X-DLT-Template-Id`: the capture endpoint
records them, and every send is logged with its template id for the DLT audit trail.

Locally `TWILIO_API_BASE` points the client at local/capture.py: a small HTTP client subclass
rewrites `https://api.twilio.com` to that base. The text is never logged (it may hold an OTP), the
number only masked.
"""
from __future__ import annotations

import contextvars
import logging
import re
from typing import Any

from shared.adapters.errors import DeliveryFailed
from shared.adapters.lazy import LazyClient
from shared.adapters.masking import mask_phone
from shared.adapters.retry import RetryableFailure, is_retryable_status, parse_retry_after, send_logged
from shared.config import settings
from shared.logging import get_logger, log

logger = get_logger("adapters.sms")

TWILIO_API = "https://api.twilio.com"
TIMEOUT_SECONDS = 10
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
TEMPLATE_HEADER = "X-DLT-Template-Id"
ENTITY_HEADER = "X-DLT-Entity-Id"

# Per-send state shared with the HTTP client: headers to add, and the headers of the last answer
# (TwilioRestException does not carry Retry-After).
_call: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("twilio_call", default=None)
_clients = LazyClient()


def _http_client(base: str | None) -> Any:
    from twilio.http.http_client import TwilioHttpClient

    quiet = logging.getLogger("tradehub.adapters.sms.http")
    quiet.setLevel(logging.WARNING)  # twilio logs every request line at INFO

    class RoutedHttpClient(TwilioHttpClient):
        def request(self, method: str, url: str, params: Any = None, data: Any = None, headers: Any = None,
                    auth: Any = None, timeout: Any = None, allow_redirects: bool = False) -> Any:
            if base and url.startswith(TWILIO_API):
                url = base.rstrip("/") + url[len(TWILIO_API):]
            call = _call.get()
            if call is not None:
                headers = {**(headers or {}), **call["headers"]}
            response = super().request(method, url, params=params, data=data, headers=headers, auth=auth,
                                       timeout=timeout, allow_redirects=allow_redirects)
            if call is not None:
                call["response_headers"] = response.headers
            return response

    return RoutedHttpClient(timeout=TIMEOUT_SECONDS, logger=quiet)


def client() -> Any:
    """The Twilio client for the configured account and base URL, created on first use."""
    config = settings()
    if config.env == "test" and not config.twilio_api_base:
        raise RuntimeError("tests send SMS only to the capture endpoint: use the `capture` fixture")
    key = (config.twilio_account_sid, config.twilio_auth_token.get_secret_value(), config.twilio_api_base)

    def build() -> Any:
        from twilio.rest import Client

        return Client(key[0], key[1], http_client=_http_client(config.twilio_api_base))

    return _clients.get(key, build)


def reset_client() -> None:
    _clients.reset()


def send_sms(to_e164: str, text: str, *, template_id: str) -> str:
    """Send one SMS under our DLT sender id; return Twilio's message sid.

    Retries 429/5xx/connection failures with backoff (at most 4 calls), then raises DeliveryFailed;
    any other refusal raises DeliveryFailed at once.
    """
    config = settings()
    to = (to_e164 or "").strip()
    masked = mask_phone(to)
    if not E164.match(to):
        log(logger, logging.WARNING, "sms not sent: invalid number", to=masked, templateId=template_id)
        raise DeliveryFailed("invalid_recipient", None, attempts=0)
    if not (template_id or "").strip():
        raise ValueError("a DLT template id is required for every SMS")
    headers = {TEMPLATE_HEADER: template_id.strip(), ENTITY_HEADER: config.sms_dlt_entity_id}

    def attempt(number: int) -> str:
        from requests.exceptions import RequestException
        from twilio.base.exceptions import TwilioRestException

        call: dict[str, Any] = {"headers": headers, "response_headers": None}
        token = _call.set(call)
        try:
            message = client().messages.create(to=to, from_=config.sms_sender_id, body=text)
        except TwilioRestException as error:
            status = int(error.status or 0)
            if is_retryable_status(status):
                retry_after = parse_retry_after(_header(call["response_headers"], "Retry-After"))
                raise RetryableFailure("rate_limited" if status == 429 else "provider_error", status,
                                       retry_after) from None
            log(logger, logging.ERROR, "sms refused by provider", to=masked, templateId=template_id,
                status=status, twilioError=error.code, attempt=number)
            raise DeliveryFailed("rejected", status or None, attempts=number) from None
        except RequestException as error:  # connection refused/reset, timeouts
            raise RetryableFailure("connection_error", None) from error
        finally:
            _call.reset(token)
        return str(message.sid)

    return send_logged(attempt, logger=logger, channel="sms", fields={"to": masked, "templateId": template_id},
                       sent=lambda sid: {"sender": config.sms_sender_id, "messageSid": sid})


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if key.lower() == name.lower():
            return str(value)
    return None
