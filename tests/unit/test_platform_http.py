import json
import logging

import pytest

from shared.errors import BadRequest, PreconditionFailed
from shared.http.etag import check_if_match, etag
from shared.http.pagination import decode_token, encode_token
from shared.http.router import Router
from shared.logging import JsonFormatter, redact
from shared.routing import function_for_path


def test_routing_table_picks_the_owning_function_by_prefix():
    assert function_for_path("/api/auth/login").name == "auth"
    assert function_for_path("/api/financial-years/active").name == "masters"
    assert function_for_path("/api/nlp/parse").name == "tradedesk"
    assert function_for_path("/api/openapi.json").name == "docs"
    assert function_for_path("/api/authx") is None
    assert function_for_path("/other") is None


def test_router_prefers_literal_segments_and_reports_wrong_methods():
    router = Router("t")
    router.get("/api/users/{userId}", permission="users:read")(lambda req, userId: userId)
    router.get("/api/users/me", permission="users:read")(lambda req: "me")
    route, params, _ = router.resolve("GET", "/api/users/me")
    assert route.path == "/api/users/me" and params == {}
    route, params, _ = router.resolve("GET", "/api/users/u1")
    assert params == {"userId": "u1"}
    route, _, known = router.resolve("DELETE", "/api/users/u1")
    assert route is None and known is True


def test_a_route_without_permission_must_be_declared_public():
    router = Router("t")
    with pytest.raises(ValueError, match="permission"):
        router.get("/api/x")(lambda req: None)


def test_page_tokens_round_trip_and_reject_garbage():
    token = encode_token(["2026-01-01", 5, "doc1"])
    assert decode_token(token) == ["2026-01-01", 5, "doc1"]
    with pytest.raises(BadRequest):
        decode_token("%%%")


def test_if_match_accepts_current_and_wildcard_and_refuses_stale():
    check_if_match(None, 3)
    check_if_match(etag(3), 3)
    check_if_match("*", 3)
    with pytest.raises(PreconditionFailed):
        check_if_match('"v2"', 3)


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


def test_client_ip_is_the_entry_the_trusted_proxy_appended(monkeypatch):
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from shared.config import reset_settings_cache
    from shared.http.pipeline import _client_ip

    def ip(forwarded: str | None, hops: str) -> str:
        monkeypatch.setenv("TRUSTED_PROXY_HOPS", hops)
        reset_settings_cache()
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return _client_ip(Request(EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.9"})
                                  .get_environ()))

    try:
        assert ip("6.6.6.6, 203.0.113.7", "1") == "203.0.113.7"      # a spoofed first entry is ignored
        assert ip("6.6.6.6, 203.0.113.7, 35.191.0.1", "2") == "203.0.113.7"
        assert ip(None, "1") == "10.0.0.9"
        assert ip("6.6.6.6", "0") == "10.0.0.9"
    finally:
        monkeypatch.delenv("TRUSTED_PROXY_HOPS")
        reset_settings_cache()


def test_permissions_match_exactly_by_module_wildcard_or_as_alternatives():
    from shared.auth.principal import Principal

    sales = Principal("u", "s", "back_office", "SALES", frozenset({"partners:read", "trades:*"}))
    assert sales.has("partners:read") and not sales.has("partners:approve")
    assert sales.has("trades:negotiate")                                  # module wildcard
    assert sales.has("self:profile|partners:read") and not sales.has("self:profile|kyc:verify")
    assert not sales.has("")
    assert Principal("a", "s", "back_office", "ADMIN", frozenset({"*"})).has("kyc:verify")
