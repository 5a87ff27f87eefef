"""OTP send and verify: codes, tries, expiry, send limits, SMS fallback, and no code in any output."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from shared import clock
from shared.auth.verification import InvalidVerificationToken, verify_verification_token
from tests.support.windows import start_of_window

EMAIL = "onboard@example.com"
MOBILE = "98765 43210"
E164 = "+919876543210"


def send(api, destination=EMAIL, channel="email", purpose="partner_onboarding", ip="192.0.2.50", **extra):
    return api.post("/api/auth/otp/send", json={"channel": channel, "destination": destination, "purpose": purpose,
                                                **extra}, headers={"X-Forwarded-For": ip})


def verify(api, code, destination=EMAIL, purpose="partner_onboarding"):
    return api.post("/api/auth/otp/verify", json={"destination": destination, "purpose": purpose, "code": code})


def code_from(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_an_emailed_code_verifies_once_and_appears_in_no_response_or_log(api, capture, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    sent = send(api)
    assert sent.status_code == 202
    assert sent.get_json()["channel"] == "email" and sent.get_json()["destination"] == "o***@example.com"
    [email] = capture.emails(to=EMAIL)
    code = code_from(email["text"])
    verified = verify(api, code, destination="OnBoard@Example.com")
    assert verified.status_code == 200
    token = verified.get_json()["verificationToken"]
    assert verify_verification_token(token, "partner_onboarding") == EMAIL
    with pytest.raises(InvalidVerificationToken):
        verify_verification_token(token, "change_email")
    reuse = verify(api, code)
    assert reuse.status_code == 422 and reuse.get_json()["code"] == "OTP_USED"
    for response in (sent, verified, reuse):
        assert code not in response.get_data(as_text=True)
    output = capsys.readouterr()
    assert code not in output.out + output.err
    assert code not in caplog.text
    from shared.db import collection

    [challenge] = [s.to_dict() for s in collection("otpChallenges").stream()]
    assert code not in str(challenge)


def test_the_fourth_guess_fails_even_when_right(api, capture):
    send(api)
    code = code_from(capture.emails(to=EMAIL)[0]["text"])
    lefts = []
    for _ in range(3):
        response = verify(api, wrong(code))
        assert response.status_code == 422
        lefts.append(response.get_json()["details"]["attemptsLeft"])
    assert lefts == [2, 1, 0]
    fourth = verify(api, code)
    assert fourth.status_code == 422 and fourth.get_json()["code"] == "OTP_TOO_MANY_TRIES"


def test_an_eleven_minute_old_code_fails(api, capture):
    send(api)
    code = code_from(capture.emails(to=EMAIL)[0]["text"])
    clock.advance(timedelta(minutes=11))
    response = verify(api, code)
    assert response.status_code == 422 and response.get_json()["code"] == "OTP_EXPIRED"


def test_sends_are_limited_per_destination(api, capture):
    start_of_window(3600)               # the four sends below must fall in one hour window
    assert send(api, ip="192.0.2.60").status_code == 202
    second = send(api, ip="192.0.2.61")                                  # another IP, same destination
    assert second.status_code == 429
    assert 1 <= int(second.headers["Retry-After"]) <= 60
    assert send(api, destination="someone.else@example.com", ip="192.0.2.65").status_code == 202
    clock.advance(timedelta(seconds=61))
    assert send(api, ip="192.0.2.62").status_code == 202
    clock.advance(timedelta(seconds=61))
    assert send(api, ip="192.0.2.63").status_code == 202
    clock.advance(timedelta(seconds=61))
    hourly = send(api, ip="192.0.2.64")                                   # the 4th in the hour
    assert hourly.status_code == 429 and int(hourly.headers["Retry-After"]) > 60
    assert len(capture.emails(to=EMAIL)) == 3


def test_a_new_send_replaces_the_old_code(api, capture, monkeypatch):
    from functions.auth import otp_rules

    codes = iter(["111111", "222222"])          # two different codes: the assertion below always runs
    monkeypatch.setattr(otp_rules, "generate_code", lambda: next(codes))
    send(api)
    old = code_from(capture.emails(to=EMAIL)[0]["text"])
    clock.advance(timedelta(seconds=61))
    send(api)
    new = code_from(capture.emails(to=EMAIL)[1]["text"])
    assert (old, new) == ("111111", "222222")
    assert verify(api, old).status_code == 422
    assert verify(api, new).status_code == 200


def test_sms_codes_go_by_sms_with_the_dlt_template(api, capture):
    response = send(api, destination=MOBILE, channel="sms")
    assert response.status_code == 202 and response.get_json()["destination"] == "+91******3210"
    [sms] = capture.sms(to=E164)
    code = code_from(sms["text"])
    from functions.auth.otp import SMS_TEMPLATE_OTP

    assert sms["templateId"] == SMS_TEMPLATE_OTP
    token = verify(api, code, destination="+91 98765 43210").get_json()["verificationToken"]
    assert verify_verification_token(token, "partner_onboarding") == E164


def test_a_failed_sms_falls_back_to_email_bound_to_that_email(api, capture):
    capture.fail("sms", 400, 1)
    response = send(api, destination=MOBILE, channel="sms", fallbackEmail=EMAIL)
    assert response.status_code == 202
    assert response.get_json()["channel"] == "email" and response.get_json()["fallbackUsed"] is True
    assert capture.sms() == []
    code = code_from(capture.emails(to=EMAIL)[0]["text"])
    assert verify(api, code, destination=MOBILE).status_code == 422          # the phone was not verified
    token = verify(api, code, destination=EMAIL).get_json()["verificationToken"]
    assert verify_verification_token(token, "partner_onboarding") == EMAIL


def test_no_phone_means_email_and_no_channel_at_all_is_503(api, capture):
    response = api.post("/api/auth/otp/send", json={"channel": "sms", "purpose": "change_mobile",
                                                    "fallbackEmail": EMAIL})
    assert response.status_code == 202 and response.get_json()["channel"] == "email"
    capture.fail("email", 400, -1)
    failed = send(api, destination="nowhere@example.com")
    assert failed.status_code == 503 and failed.get_json()["code"] == "OTP_DELIVERY_FAILED"


def test_bad_destinations_and_purposes_are_422(api, capture):
    assert send(api, destination="12345", channel="sms").get_json()["details"]["fields"][0]["rule"] == "mobile_format"
    assert send(api, destination="not-an-email").status_code == 422
    assert send(api, purpose="anything").status_code == 422
