"""Email and SMS through the real SendGrid and Twilio clients, against the local capture endpoint."""
from __future__ import annotations

import logging

import pytest

from shared.adapters import DeliveryFailed
from shared.adapters.email import send_email
from shared.adapters.sms import send_sms
from shared.logging import JsonFormatter, get_logger

SECRET_LINK = "https://tradehub.example/reset?token=9f8e7d6c5b4a"
OTP_TEXT = "RNRL TradeHub: 482913 is your login code. Valid for 10 minutes. Do not share it."
TEMPLATE = "1107161234567890123"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs():
    """Every log line written while the test runs: ours (JSON) and the HTTP libraries' at DEBUG."""
    get_logger("tests")  # configure the app logger first so its setup does not drop our handler
    handler = _Lines()
    loggers = [logging.getLogger(name) for name in ("tradehub", "twilio", "python_http_client", "urllib3", "")]
    levels = [item.level for item in loggers]
    for item in loggers:
        item.addHandler(handler)
        if item.name != "tradehub":
            item.setLevel(logging.DEBUG)
    yield handler.lines
    for item, level in zip(loggers, levels, strict=True):
        item.removeHandler(handler)
        item.setLevel(level)


# -- email ---------------------------------------------------------------------------------------

def test_email_reaches_sendgrid_endpoint_with_all_fields(capture, logs):
    message_id = send_email("asha.rao@example.com", "Reset your password", f"Open {SECRET_LINK}",
                            f"<a href='{SECRET_LINK}'>Reset</a>", category="password_reset",
                            reply_to="support@rnrl.in")

    [email] = capture.emails()
    assert email["messageId"] == message_id
    assert email["to"] == "asha.rao@example.com"
    assert email["from"] == "no-reply@tradehub.rnrl.in"
    assert email["fromName"] == "RNRL TradeHub"
    assert email["replyTo"] == "support@rnrl.in"
    assert email["subject"] == "Reset your password"
    assert email["text"] == f"Open {SECRET_LINK}"
    assert email["html"] == f"<a href='{SECRET_LINK}'>Reset</a>"
    assert email["categories"] == ["password_reset"]
    assert email["trackingSettings"]["click_tracking"]["enable"] is False
    assert email["httpHeaders"]["User-Agent"].startswith("sendgrid/")
    assert capture.calls("email") == 1
    sent = [line for line in logs if '"email sent"' in line]
    assert len(sent) == 1 and "a***@example.com" in sent[0]
    assert not any(SECRET_LINK in line or "asha.rao@" in line for line in logs)


def test_email_without_html_sends_only_plain_text(capture):
    send_email("ravi@example.com", "Welcome", "Hello Ravi")

    [email] = capture.emails(to="ravi@example.com")
    assert email["text"] == "Hello Ravi"
    assert email["html"] is None
    assert email["replyTo"] is None
    assert email["category"] == "general"


def test_email_429_then_success_is_retried_and_sent_once(capture, logs):
    capture.fail("email", 429, times=1)

    send_email("asha@example.com", "Offer received", "You have an offer", category="offer")

    assert capture.calls("email") == 2
    assert len(capture.emails()) == 1
    retry = [line for line in logs if '"email send retrying"' in line]
    assert len(retry) == 1 and '"status": 429' in retry[0]


def test_email_500_always_fails_after_four_attempts(capture, logs):
    capture.fail("email", 500, times=-1)

    with pytest.raises(DeliveryFailed) as failed:
        send_email("asha@example.com", "Offer received", "You have an offer")

    assert (failed.value.status, failed.value.attempts, failed.value.retryable) == (500, 4, True)
    assert failed.value.reason == "provider_error"
    assert capture.calls("email") == 4
    assert capture.emails() == []
    assert any('"email not sent"' in line and '"attempts": 4' in line for line in logs)


def test_email_400_fails_at_once_without_retry(capture):
    capture.fail("email", 400, times=1)

    with pytest.raises(DeliveryFailed) as failed:
        send_email("asha@example.com", "Subject", "Body")

    assert (failed.value.status, failed.value.attempts, failed.value.retryable) == (400, 1, False)
    assert capture.calls("email") == 1


def test_email_connection_refused_is_retried_then_fails(capture, monkeypatch):
    from shared.config import reset_settings_cache

    monkeypatch.setenv("SENDGRID_API_HOST", "http://127.0.0.1:1")
    reset_settings_cache()
    try:
        with pytest.raises(DeliveryFailed) as failed:
            send_email("asha@example.com", "Subject", "Body")
    finally:
        monkeypatch.setenv("SENDGRID_API_HOST", capture.url)
        reset_settings_cache()
    assert (failed.value.reason, failed.value.status, failed.value.attempts) == ("connection_error", None, 4)


def test_email_invalid_address_is_refused_before_any_call(capture):
    with pytest.raises(DeliveryFailed) as failed:
        send_email("not-an-address", "Subject", "Body")

    assert failed.value.reason == "invalid_recipient"
    assert capture.calls("email") == 0


# -- SMS -----------------------------------------------------------------------------------------

def test_sms_reaches_twilio_endpoint_with_sender_and_dlt_ids(capture, logs):
    sid = send_sms("+919876543210", OTP_TEXT, template_id=TEMPLATE)

    [sms] = capture.sms()
    assert sid == sms["sid"] and sid.startswith("SM")
    assert sms["to"] == "+919876543210"
    assert sms["from"] == "RNRLTH"
    assert sms["text"] == OTP_TEXT
    assert sms["templateId"] == TEMPLATE
    assert sms["entityId"] == "1101000000000000000"
    assert sms["accountSid"] == "AC00000000000000000000000000000000"
    sent = [line for line in logs if '"sms sent"' in line]
    assert len(sent) == 1 and "+91******3210" in sent[0] and TEMPLATE in sent[0]
    assert not any("482913" in line or "9876543210" in line for line in logs)


def test_sms_429_then_success_is_retried_and_sent_once(capture):
    capture.fail("sms", 429, times=1)

    send_sms("+919876543210", OTP_TEXT, template_id=TEMPLATE)

    assert capture.calls("sms") == 2
    assert [item["templateId"] for item in capture.sms()] == [TEMPLATE]


def test_sms_500_always_fails_after_four_attempts_without_logging_the_text(capture, logs):
    capture.fail("sms", 500, times=-1)

    with pytest.raises(DeliveryFailed) as failed:
        send_sms("+919876543210", OTP_TEXT, template_id=TEMPLATE)

    assert (failed.value.status, failed.value.attempts, failed.value.retryable) == (500, 4, True)
    assert capture.calls("sms") == 4
    assert capture.sms() == []
    assert len([line for line in logs if '"sms send retrying"' in line]) == 3
    assert not any("482913" in line for line in logs)


def test_sms_401_is_refused_at_once(capture):
    capture.fail("sms", 401, times=1)

    with pytest.raises(DeliveryFailed) as failed:
        send_sms("+919876543210", OTP_TEXT, template_id=TEMPLATE)

    assert (failed.value.reason, failed.value.status, failed.value.attempts) == ("rejected", 401, 1)
    assert capture.calls("sms") == 1


def test_sms_rejects_a_number_not_in_e164_without_calling(capture):
    with pytest.raises(DeliveryFailed) as failed:
        send_sms("98765 43210", OTP_TEXT, template_id=TEMPLATE)

    assert failed.value.reason == "invalid_recipient"
    assert capture.calls("sms") == 0


def test_capture_control_endpoints_over_http(capture):
    import requests

    assert requests.post(f"{capture.url}/_capture/fail", json={"service": "sms", "status": 503, "times": 2},
                         timeout=5).status_code == 204
    assert requests.post(f"{capture.url}/_capture/fail", json={"service": "fax", "status": 500},
                         timeout=5).status_code == 400
    send_sms("+919876543210", "Trade posted", template_id=TEMPLATE)
    send_email("asha@example.com", "Hi", "Body")

    assert requests.get(f"{capture.url}/_capture/calls", timeout=5).json() == {"email": 1, "sms": 3}
    [sms] = requests.get(f"{capture.url}/_capture/sms", timeout=5).json()
    assert sms["text"] == "Trade posted"
    assert requests.get(f"{capture.url}/_capture/emails", params={"to": "nobody@example.com"}, timeout=5).json() == []
    assert requests.post(f"{capture.url}/_capture/reset", timeout=5).status_code == 204
    assert capture.emails() == [] and capture.sms() == [] and capture.calls() == {"email": 0, "sms": 0}
