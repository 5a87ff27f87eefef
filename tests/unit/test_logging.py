"""shared/logging.py: JSON log lines and the redaction of secrets."""
from __future__ import annotations

import json
import logging

from shared.logging import JsonFormatter, redact


def test_logs_are_json_with_secrets_redacted():
    record = logging.LogRecord("tradehub.x", logging.INFO, __file__, 1, "login", (), None)
    record.fields = {"email": "a@b.in", "password": "hunter2", "refreshToken": "abc", "nested": {"otp": "123456"}}
    line = json.loads(JsonFormatter().format(record))
    assert line["severity"] == "INFO" and line["message"] == "login"
    assert line["password"] == line["refreshToken"] == line["nested"]["otp"] == "[redacted]"
    assert line["email"] == "a@b.in"
    assert redact({"apiKey": "x", "count": 3}) == {"apiKey": "[redacted]", "count": 3}


def test_only_keys_that_name_a_secret_are_redacted():
    data = {"passwordPolicy": {"minLength": 8}, "hsnCode": "5201", "passingTerms": "lab", "pincode": "360001",
            "passwordHash": "$argon2id$...", "verificationToken": "t", "code": "123456", "otpHash": "h"}
    assert redact(data) == {"passwordPolicy": {"minLength": 8}, "hsnCode": "5201", "passingTerms": "lab",
                            "pincode": "360001", "passwordHash": "[redacted]", "verificationToken": "[redacted]",
                            "code": "[redacted]", "otpHash": "[redacted]"}
