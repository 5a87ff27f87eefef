"""The direct mails (one-time links and codes) render through the catalog's template system."""
from datetime import UTC, datetime

import pytest

from functions.notifications import direct_mail, rendering
from functions.notifications.direct_mail import TEMPLATES, render_direct_mail, send_direct_mail
from shared.config import settings
from shared.logging import JsonFormatter

# The values each producer sends (functions/auth/mail.py).
VALUES = {
    "auth_invite": {"userName": "Asha", "token": "tok-INVITE", "partnerName": "Shree Ginning", "invitedBy": "Ravi"},
    "auth_password_reset": {"userName": "Asha", "token": "tok-RESET"},
    "auth_password_changed": {"userName": "Asha", "how": "reset", "changedAt": datetime(2026, 3, 5, 9, 0, tzinfo=UTC)},
    "auth_account_locked": {"userName": "Asha", "lockedUntil": datetime(2026, 3, 5, 9, 15, tzinfo=UTC)},
    "auth_new_sign_in": {"userName": "Asha", "device": "Firefox on Linux", "ip": "198.51.100.7",
                         "signedInAt": datetime(2026, 3, 5, 9, 0, tzinfo=UTC)},
    "auth_otp": {"code": "482913"},
}


def test_every_template_has_sample_values_and_fills_every_placeholder():
    assert set(VALUES) == set(TEMPLATES)
    for key, mail in TEMPLATES.items():
        context = rendering.context(VALUES[key], today=datetime(2026, 3, 5).date(),
                                    extra={"appUrl": "x", **direct_mail._phrases(VALUES[key])})
        missing = rendering.placeholders(mail.subject + mail.text) - set(context)
        assert not missing, (key, missing)
        rendered = render_direct_mail(key, VALUES[key])
        assert rendered.category == key and "{" not in rendered.text + rendered.subject


def test_the_invite_links_to_the_web_app_with_its_token_and_names_who_and_for_whom():
    rendered = render_direct_mail("auth_invite", VALUES["auth_invite"])
    assert f"{settings().web_app_url}/accept-invite?token=tok-INVITE" in rendered.text
    assert "Hello Asha,\n\nRavi has invited you to RNRL TradeHub for Shree Ginning." in rendered.text
    plain = render_direct_mail("auth_invite", {"userName": "Asha", "token": "t"})
    assert "You have been invited to RNRL TradeHub." in plain.text


def test_times_are_in_india_time_and_the_ip_is_optional():
    locked = render_direct_mail("auth_account_locked", VALUES["auth_account_locked"])
    assert "It unlocks on 05 Mar 2026, 2:45 PM IST" in locked.text
    sign_in = render_direct_mail("auth_new_sign_in", VALUES["auth_new_sign_in"])
    assert "from Firefox on Linux (IP 198.51.100.7)." in sign_in.text
    without_ip = render_direct_mail("auth_new_sign_in", {**VALUES["auth_new_sign_in"], "ip": None})
    assert "from Firefox on Linux." in without_ip.text


def test_the_html_part_is_the_escaped_text():
    rendered = render_direct_mail("auth_invite", {**VALUES["auth_invite"], "partnerName": "A & <B>"})
    assert "A &amp; &lt;B&gt;" in rendered.html and "<B>" not in rendered.html


def test_unknown_templates_are_refused():
    with pytest.raises(KeyError):
        render_direct_mail("auth_nothing", {})


def test_a_failed_send_is_recorded_masked_without_the_secret(monkeypatch, caplog):
    recorded = []

    class Refused(Exception):
        reason = "provider_500"

    def refuse(*args, **kwargs):
        raise Refused()

    monkeypatch.setattr(direct_mail, "send_email", refuse)
    monkeypatch.setattr(direct_mail, "record_unresendable", lambda *args, **kwargs: recorded.append((args, kwargs)))
    assert send_direct_mail("asha@example.com", "auth_password_reset", VALUES["auth_password_reset"],
                            source="auth", user_id="u1") is False
    assert recorded == [(("email", "auth_password_reset", "a***@example.com", "u1", "provider_500"),
                         {"source": "auth"})]
    logged = "".join(JsonFormatter().format(record) for record in caplog.records)
    assert "direct e-mail not delivered" in logged and "a***@example.com" in logged
    assert "tok-RESET" not in logged and "asha@example.com" not in logged
    with pytest.raises(Refused):
        send_direct_mail("asha@example.com", "auth_otp", VALUES["auth_otp"], source="auth", raise_on_failure=True)


def test_a_sent_mail_carries_text_html_and_category(monkeypatch):
    sent = []
    monkeypatch.setattr(direct_mail, "send_email", lambda *args, **kwargs: sent.append((args, kwargs)))
    assert send_direct_mail("asha@example.com", "auth_otp", VALUES["auth_otp"], source="auth") is True
    [(args, kwargs)] = sent
    assert args[0] == "asha@example.com" and args[1] == "Your RNRL TradeHub verification code"
    assert args[2].startswith("482913 is your RNRL TradeHub verification code") and args[3].startswith("<!doctype")
    assert kwargs == {"category": "auth_otp"}
