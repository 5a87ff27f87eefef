"""CORS through the local gateway (every HTTP function): preflights answered before authentication,
rate limits and Firestore; responses to an allowed origin readable by the browser; other origins get
no CORS header and are authenticated as usual."""
from __future__ import annotations

import pytest

from shared.http.entry import router_for
from shared.routing import HTTP_FUNCTIONS
from tests.support.auth import fresh_ip, login, make_user, sign_in
from tests.support.windows import start_of_window

WEB_APP = "http://localhost:5173"          # a default dev-server origin outside production
STRANGER = "https://evil.example"
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
                "Access-Control-Max-Age", "Access-Control-Expose-Headers", "Access-Control-Allow-Credentials")


def preflight(api, path: str, origin: str = WEB_APP, method: str = "POST", **headers: str):
    return api.request("OPTIONS", path, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization,content-type,idempotency-key", **headers})


def test_a_preflight_from_an_allowed_origin_is_204_with_the_grant_and_touches_no_firestore(api):
    response = preflight(api, "/api/auth/login")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert response.headers["Access-Control-Allow-Origin"] == WEB_APP
    assert response.headers["Access-Control-Allow-Methods"] == "OPTIONS, POST"
    assert response.headers["Access-Control-Allow-Headers"] == \
        "Authorization, Content-Type, Idempotency-Key, If-Match, X-Application-Token, X-Request-Id"
    assert response.headers["Access-Control-Max-Age"] == "3600"
    assert response.headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Credentials" not in response.headers     # bearer tokens, no cookies
    assert response.headers["X-Firestore-Reads"] == "0"
    assert response.headers["X-Firestore-Writes"] == "0"


def test_the_allowed_methods_are_the_paths_own(api):
    response = preflight(api, "/api/partners/p-123", method="PATCH")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Methods"] == ", ".join(
        sorted({*router_for("partners").allowed_methods("/api/partners/p-123"), "OPTIONS"}))
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"].split(", ")
    health = preflight(api, "/api/auth/health", method="GET")
    assert health.status_code == 204
    assert health.headers["Access-Control-Allow-Methods"] == "GET, OPTIONS"


@pytest.mark.parametrize("spec", HTTP_FUNCTIONS, ids=lambda spec: spec.name)
def test_every_http_function_answers_a_preflight(api, spec):
    routes = router_for(spec.name).routes
    targets = [(f"{spec.prefixes[0]}/health", "GET")]           # a function without routes yet has this
    if routes:
        targets.append((routes[0].path.replace("{", "x").replace("}", ""), routes[0].method))
    for path, method in targets:
        response = preflight(api, path, method=method)
        assert response.status_code == 204, (path, response.get_data(as_text=True))
        assert response.headers["Access-Control-Allow-Origin"] == WEB_APP
        assert method in response.headers["Access-Control-Allow-Methods"].split(", ")
        assert response.headers["X-Firestore-Reads"] == "0"


def test_a_preflight_from_another_origin_gets_no_cors_header(api):
    response = preflight(api, "/api/auth/login", origin=STRANGER)
    assert response.status_code == 204
    assert [name for name in CORS_HEADERS if name in response.headers] == []
    assert response.headers["Allow"] == "OPTIONS, POST"
    # An origin is compared exactly: another port or scheme of the web app is another origin.
    for near_miss in ("http://localhost:5174", "https://localhost:5173", "http://localhost:5173.evil.example"):
        assert "Access-Control-Allow-Origin" not in preflight(api, "/api/auth/login", origin=near_miss).headers


def test_a_preflight_is_neither_authenticated_nor_rate_limited(api):
    from shared.db import collection

    start_of_window(60)
    ip = fresh_ip()
    statuses = {preflight(api, "/api/auth/me", method="GET", **{"X-Forwarded-For": ip}).status_code
                for _ in range(110)}                           # above the login (5) and api (100) limits
    assert statuses == {204}
    assert list(collection("rateLimits").stream()) == []
    assert api.get("/api/auth/me").status_code == 401          # the same path without OPTIONS: authenticated
    assert login(api, "nobody@example.com", "Whatever#123", ip=ip).status_code == 401   # not 429


def test_a_preflight_of_an_unknown_path_is_404(api):
    response = preflight(api, "/api/partners/p-1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == "ROUTE_NOT_FOUND"
    assert api.request("OPTIONS", "/api/nowhere", headers={"Origin": WEB_APP}).status_code == 404


def test_responses_to_an_allowed_origin_expose_etag_retry_after_and_request_id(api, capture):
    make_user("web@example.com", role="SALES")
    token = sign_in(api, "web@example.com")["tokens"]["accessToken"]
    response = api.get("/api/auth/me", token=token, headers={"Origin": WEB_APP})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == WEB_APP
    assert response.headers["Access-Control-Expose-Headers"] == "ETag, Retry-After, X-Request-Id, Idempotent-Replayed"
    assert response.headers["Vary"] == "Origin"
    # Errors are readable too, so the client can show their code (here a refused sign-in and a 429).
    start_of_window(60)
    ip = fresh_ip()
    answers = [api.post("/api/auth/login", json={"email": "nobody@example.com", "password": "Wrong#Password1"},
                        headers={"Origin": WEB_APP, "X-Forwarded-For": ip}) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [401] * 4 + [423, 429]   # the lockout, then the limit
    assert all(answer.headers["Access-Control-Allow-Origin"] == WEB_APP for answer in answers)
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_another_origin_gets_no_cors_header_and_is_authenticated_as_usual(api, capture):
    make_user("other@example.com", role="SALES")
    token = sign_in(api, "other@example.com")["tokens"]["accessToken"]
    allowed = api.get("/api/auth/me", token=token, headers={"Origin": STRANGER})
    assert allowed.status_code == 200
    assert allowed.get_json()["email"] == "other@example.com"
    assert [name for name in CORS_HEADERS if name in allowed.headers] == []
    refused = api.get("/api/auth/me", headers={"Origin": STRANGER})
    assert refused.status_code == 401
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Access-Control-Allow-Origin" not in api.get("/api/auth/me", token=token).headers   # no Origin


def test_the_configured_origins_replace_the_local_defaults(api, monkeypatch):
    from shared.config import reset_settings_cache

    monkeypatch.setenv("WEB_APP_ORIGINS", "https://desk.rnrl.example, http://127.0.0.1:18301/")
    reset_settings_cache()
    try:
        assert preflight(api, "/api/auth/login", origin="https://desk.rnrl.example").headers[
            "Access-Control-Allow-Origin"] == "https://desk.rnrl.example"
        assert preflight(api, "/api/auth/login", origin="http://127.0.0.1:18301").headers[
            "Access-Control-Allow-Origin"] == "http://127.0.0.1:18301"
        assert "Access-Control-Allow-Origin" not in preflight(api, "/api/auth/login", origin=WEB_APP).headers
    finally:
        monkeypatch.delenv("WEB_APP_ORIGINS")
        reset_settings_cache()


def test_every_request_header_the_api_reads_is_allowed(api):
    from functions.partners.access import APPLICATION_TOKEN_HEADER

    document = api.get("/api/openapi.json").get_json()
    declared = {parameter["name"].lower() for operation in _operations(document)
                for parameter in operation.get("parameters", []) if parameter["in"] == "header"}
    response = preflight(api, "/api/onboarding/applications/app-1", method="PATCH")
    allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert declared | {"authorization", "content-type", APPLICATION_TOKEN_HEADER.lower()} <= allowed
    assert {"idempotency-key", "if-match"} <= declared          # the document does declare its headers


def _operations(document: dict) -> list[dict]:
    return [operation for methods in document["paths"].values() for operation in methods.values()
            if isinstance(operation, dict) and "responses" in operation]
