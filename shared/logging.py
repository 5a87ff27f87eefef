"""Structured JSON logs in the Cloud Logging format, one line per record, secrets redacted.

Cloud Logging reads `severity`, `message` and `logging.googleapis.com/trace` from a JSON line on
stdout. Every record carries the request id of the request it belongs to.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import traceback
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
trace_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace", default=None)

# A key is sensitive when it names a secret (password, token, otp, hash, api key, ...), not merely when it
# contains such a word: `passwordPolicy`, `hsnCode` and `passingTerms` are ordinary data.
SENSITIVE_SUFFIX = re.compile(r"(password|passwd|secret|token|otp|hash|api_?key|signature|cookie|credentials?)$",
                              re.IGNORECASE)
SENSITIVE_EXACT = {"code", "otp", "authorization", "pin"}
REDACTED = "[redacted]"


def is_sensitive(key: str) -> bool:
    return key.lower() in SENSITIVE_EXACT or bool(SENSITIVE_SUFFIX.search(key))


def redact(value: Any, key: str = "") -> Any:
    """A copy of `value` with every field whose name looks sensitive replaced."""
    if key and is_sensitive(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": record.levelname if record.levelname != "WARNING" else "WARNING",
            "message": record.getMessage(),
            "logger": record.name,
        }
        request_id = request_id_var.get()
        if request_id:
            entry["requestId"] = request_id
        trace = trace_var.get()
        if trace:
            entry["logging.googleapis.com/trace"] = trace
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(redact(fields))
        if record.exc_info:
            entry["stack_trace"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


_configured = False


def get_logger(name: str) -> logging.Logger:
    global _configured
    if not _configured:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger("tradehub")
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        root.propagate = False
        _configured = True
    return logging.getLogger(f"tradehub.{name}")


def log(logger: logging.Logger, level: int, message: str, **fields: Any) -> None:
    """Log `message` with structured fields (redacted by key name)."""
    logger.log(level, message, extra={"fields": fields})
