"""Rate limits: 100 API calls a minute per user, sign-in attempts per IP and e-mail (and see
test_auth_signin_limits.py)."""
from __future__ import annotations

from datetime import timedelta

from shared import clock
from tests.support.auth import login, make_user, sign_in
from tests.support.windows import start_of_window


def test_the_101st_api_call_in_a_minute_is_429_with_retry_after(api, capture):
    make_user("busy@example.com", role="SALES")
    token = sign_in(api, "busy@example.com")["tokens"]["accessToken"]
    start_of_window(60)
    statuses = [api.get("/api/auth/me", token=token).status_code for _ in range(100)]
    assert statuses == [200] * 100
    refused = api.get("/api/auth/me", token=token)
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    other = make_user("calm@example.com", role="SALES")
    assert other
    calm = sign_in(api, "calm@example.com")["tokens"]["accessToken"]
    assert api.get("/api/auth/me", token=calm).status_code == 200          # per user, not global
    clock.advance(timedelta(seconds=int(refused.headers["Retry-After"])))
    assert api.get("/api/auth/me", token=token).status_code == 200


def test_sign_in_attempts_are_limited_per_ip_and_email(api, capture):
    start_of_window(60)
    statuses = [login(api, "guess@example.com", "Whatever#123", ip="203.0.113.77").status_code
                for n in range(6)]
    assert statuses == [401] * 4 + [423, 429]           # the address locks at 5 failures; the 6th is the limit
    assert login(api, "guess@example.com", "Whatever#123", ip="203.0.113.78").status_code == 423   # not 429
    assert login(api, "guess9@example.com", "Whatever#123", ip="203.0.113.77").status_code == 401
