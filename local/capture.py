"""A local stand-in for SendGrid and Twilio: the real clients are pointed here and every message is kept.

    python -m local.capture --port 8025      # SENDGRID_API_HOST=http://127.0.0.1:8025
                                             # TWILIO_API_BASE=http://127.0.0.1:8025

Provider endpoints (answered like the real APIs, so the real SDKs parse the answers):
- `POST /v3/mail/send` (SendGrid v3 JSON, `Authorization: Bearer ...`) → 202, empty body, `X-Message-Id`.
- `POST /2010-04-01/Accounts/<sid>/Messages.json` (Twilio form body, Basic auth with the account sid)
  → 201 with the Message resource JSON (`sid`, `status: queued`, ...). The DLT ids are read from the
  `X-DLT-Template-Id` / `X-DLT-Entity-Id` headers (or `DltTemplateId` / `DltEntityId` form fields).

Control endpoints (local only):
- `GET /_capture/emails`, `GET /_capture/sms` (optional `?to=`): the messages received, oldest first.
- `GET /_capture/calls`: `{"email": n, "sms": n}`, every call to a provider endpoint, failed ones included.
- `POST /_capture/fail` `{"service": "email"|"sms", "status": 429|500|..., "times": N}`: answer that status
  to the next N calls (-1: until reset); 429 carries `Retry-After: 1`.
- `POST /_capture/reset`: forget messages, counters and failures.
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import secrets
import signal
import sys
import threading
from copy import deepcopy
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SERVICES = ("email", "sms")
TWILIO_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[A-Za-z0-9]+)/Messages\.json$")
MAX_BODY = 10 * 1024 * 1024  # SendGrid's own limit is 30 MB with attachments; we send no attachments


class CaptureState:
    """The messages and injected failures, shared by the server threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._messages: dict[str, list[dict[str, Any]]] = {service: [] for service in SERVICES}
            self._calls: dict[str, int] = dict.fromkeys(SERVICES, 0)
            self._failures: dict[str, tuple[int, int]] = {}

    def call(self, service: str) -> int | None:
        """Count one call; the status to fail it with, if a failure is armed."""
        with self._lock:
            self._calls[service] += 1
            armed = self._failures.get(service)
            if armed is None:
                return None
            status, remaining = armed
            if remaining > 0:
                remaining -= 1
                if remaining == 0:
                    del self._failures[service]
                else:
                    self._failures[service] = (status, remaining)
            return status

    def fail(self, service: str, status: int, times: int) -> None:
        if service not in SERVICES:
            raise ValueError(f"service must be one of {', '.join(SERVICES)}")
        if not 400 <= int(status) <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if int(times) < -1:
            raise ValueError("times must be a count, or -1 for always")
        with self._lock:
            if int(times) == 0:
                self._failures.pop(service, None)
            else:
                self._failures[service] = (int(status), int(times))

    def record(self, service: str, message: dict[str, Any]) -> None:
        with self._lock:
            self._messages[service].append(message)

    def messages(self, service: str, to: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            items = [deepcopy(item) for item in self._messages[service]]
        if to is not None:
            items = [item for item in items if item.get("to") == to or to in item.get("toAll", ())]
        return items

    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._calls)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _address(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("email")
    return value if isinstance(value, str) else None


def _emails_from_sendgrid(body: dict[str, Any], message_id: str, http_headers: dict[str, str]) -> list[dict[str, Any]]:
    """One captured email per personalization (SendGrid sends one message per personalization)."""
    content = {part.get("type"): part.get("value") for part in body.get("content") or [] if isinstance(part, dict)}
    sender = body.get("from") or {}
    captured = []
    for personalization in body.get("personalizations") or []:
        recipients = [_address(item) for item in personalization.get("to") or []]
        captured.append({
            "service": "email",
            "messageId": message_id,
            "to": recipients[0] if recipients else None,
            "toAll": recipients,
            "cc": [_address(item) for item in personalization.get("cc") or []],
            "bcc": [_address(item) for item in personalization.get("bcc") or []],
            "from": _address(sender),
            "fromName": sender.get("name") if isinstance(sender, dict) else None,
            "replyTo": _address(body.get("reply_to")),
            "subject": personalization.get("subject") or body.get("subject"),
            "text": content.get("text/plain"),
            "html": content.get("text/html"),
            "categories": list(body.get("categories") or []),
            "category": (body.get("categories") or [None])[0],
            "customArgs": {**(body.get("custom_args") or {}), **(personalization.get("custom_args") or {})},
            "headers": {**(body.get("headers") or {}), **(personalization.get("headers") or {})},
            "templateId": body.get("template_id"),
            "dynamicTemplateData": personalization.get("dynamic_template_data"),
            "trackingSettings": body.get("tracking_settings"),
            "httpHeaders": http_headers,
            "receivedAt": _now_iso(),
        })
    return captured


def _sendgrid_problem(body: dict[str, Any]) -> str | None:
    """What SendGrid would answer 400 for, for the fields our adapter sends."""
    personalizations = body.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        return "The personalizations field is required and must have at least one personalization."
    for personalization in personalizations:
        if not isinstance(personalization, dict) or not personalization.get("to"):
            return "The to array is required for all personalization objects, and must have at least one email."
    if not _address(body.get("from")):
        return "The from object must be provided for every email send."
    if not body.get("template_id"):
        if not body.get("subject") and not all(p.get("subject") for p in personalizations):
            return "The subject is required. You can get around this requirement if you use a template."
        if not body.get("content"):
            return "Unless a valid template_id is provided, the content parameter is required."
    return None


class _Handler(BaseHTTPRequestHandler):
    server: CaptureHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "TradeHubCapture/1.0"

    # -- plumbing -------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    def _http_headers(self) -> dict[str, str]:
        return {name: value for name, value in self.headers.items() if name.lower() != "authorization"}

    @property
    def state(self) -> CaptureState:
        return self.server.state

    # -- routing ----------------------------------------------------------------------------------
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        if url.path in ("/", "/_capture", "/_capture/"):
            self._send(200, {"service": "tradehub-capture", "calls": self.state.calls()})
        elif url.path == "/_capture/emails":
            self._send(200, self.state.messages("email", query.get("to")))
        elif url.path == "/_capture/sms":
            self._send(200, self.state.messages("sms", query.get("to")))
        elif url.path == "/_capture/calls":
            self._send(200, self.state.calls())
        else:
            self._send(404, {"message": f"no route {url.path}"})

    def do_POST(self) -> None:
        try:
            raw = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(413, {"message": "body too large"})
            return
        path = urlsplit(self.path).path
        twilio = TWILIO_MESSAGES.match(path)
        if path == "/v3/mail/send":
            self._sendgrid(raw)
        elif twilio:
            self._twilio(twilio.group("sid"), raw)
        elif path == "/_capture/fail":
            self._control_fail(raw)
        elif path == "/_capture/reset":
            self.state.reset()
            self._send(204)
        else:
            self._send(404, {"message": f"no route {path}"})

    # -- control ----------------------------------------------------------------------------------
    def _control_fail(self, raw: bytes) -> None:
        try:
            body = json.loads(raw or b"{}")
            self.state.fail(str(body.get("service")), int(body.get("status", 500)), int(body.get("times", 1)))
        except (ValueError, TypeError, AttributeError) as error:
            self._send(400, {"message": str(error)})
            return
        self._send(204)

    # -- SendGrid -----------------------------------------------------------------------------------
    @staticmethod
    def _sendgrid_errors(message: str, field: str | None = None) -> dict[str, Any]:
        return {"errors": [{"message": message, "field": field, "help": None}]}

    def _sendgrid(self, raw: bytes) -> None:
        failure = self.state.call("email")
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Bearer ") or len(auth) <= len("Bearer "):
            self._send(401, self._sendgrid_errors("The provided authorization grant is invalid, expired, or revoked"))
            return
        if failure is not None:
            headers = {"Retry-After": "1"} if failure == 429 else {}
            self._send(failure, self._sendgrid_errors(HTTPStatus(failure).phrase), headers)
            return
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("not an object")
        except ValueError:
            self._send(400, self._sendgrid_errors("Bad Request", "body"))
            return
        problem = _sendgrid_problem(body)
        if problem:
            self._send(400, self._sendgrid_errors(problem))
            return
        message_id = secrets.token_urlsafe(16)
        for email in _emails_from_sendgrid(body, message_id, self._http_headers()):
            self.state.record("email", email)
        self._send(202, None, {"X-Message-Id": message_id})

    # -- Twilio -------------------------------------------------------------------------------------
    def _twilio_error(self, status: int, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                            "status": status}, headers)

    def _twilio_user(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return None
        return user if password else None

    def _twilio(self, account_sid: str, raw: bytes) -> None:
        failure = self.state.call("sms")
        if self._twilio_user() != account_sid:
            self._twilio_error(401, 20003, "Authenticate")
            return
        if failure is not None:
            codes = {429: 20429}
            headers = {"Retry-After": "1"} if failure == 429 else {}
            self._twilio_error(failure, codes.get(failure, 20500), HTTPStatus(failure).phrase, headers)
            return
        form = {key: values[-1] for key, values in parse_qs(raw.decode("utf-8", "replace"),
                                                            keep_blank_values=True).items()}
        if not form.get("To"):
            self._twilio_error(400, 21604, "A 'To' phone number is required.")
            return
        if not form.get("From") and not form.get("MessagingServiceSid"):
            self._twilio_error(400, 21603, "A 'From' phone number is required.")
            return
        if not form.get("Body") and not form.get("MediaUrl") and not form.get("ContentSid"):
            self._twilio_error(400, 21602, "Message body is required.")
            return
        sid = "SM" + secrets.token_hex(16)
        now = format_datetime(datetime.now(UTC), usegmt=True)
        self.state.record("sms", {
            "service": "sms",
            "sid": sid,
            "accountSid": account_sid,
            "to": form.get("To"),
            "from": form.get("From"),
            "text": form.get("Body"),
            "templateId": self.headers.get("X-DLT-Template-Id") or form.get("DltTemplateId"),
            "entityId": self.headers.get("X-DLT-Entity-Id") or form.get("DltEntityId"),
            "messagingServiceSid": form.get("MessagingServiceSid"),
            "statusCallback": form.get("StatusCallback"),
            "params": form,
            "headers": self._http_headers(),
            "receivedAt": _now_iso(),
        })
        uri = f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json"
        self._send(201, {
            "account_sid": account_sid, "api_version": "2010-04-01", "body": form.get("Body"),
            "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"), "num_media": "0", "num_segments": "1",
            "price": None, "price_unit": "USD", "sid": sid, "status": "queued", "to": form.get("To"), "uri": uri,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        })


class CaptureHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: CaptureState, verbose: bool = False) -> None:
        self.state = state
        self.verbose = verbose
        super().__init__(address, _Handler)


class CaptureServer:
    """The capture endpoint, in a background thread of this process (tests) or in the foreground (CLI)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        self.state = CaptureState()
        self.httpd = CaptureHTTPServer((host, port), self.state, verbose)
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls, port: int = 0, host: str = "127.0.0.1") -> CaptureServer:
        server = cls(host, port)
        server._thread = threading.Thread(target=server.httpd.serve_forever, name="capture-server", daemon=True)
        server._thread.start()
        return server

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.httpd.server_address[0]}:{self.port}"

    def emails(self, to: str | None = None) -> list[dict[str, Any]]:
        return self.state.messages("email", to)

    def sms(self, to: str | None = None) -> list[dict[str, Any]]:
        return self.state.messages("sms", to)

    def calls(self, service: str | None = None) -> Any:
        counts = self.state.calls()
        return counts if service is None else counts[service]

    def fail(self, service: str, status: int, times: int = 1) -> None:
        self.state.fail(service, status, times)

    def reset(self) -> None:
        self.state.reset()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local SendGrid/Twilio capture endpoint")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    server = CaptureServer(args.host, args.port, verbose=args.verbose)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"capture endpoint on {server.url} (SENDGRID_API_HOST / TWILIO_API_BASE)", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
