"""Bad input on every route of the real gateway: deep JSON, ids Firestore refuses, control characters,
paths the framework refuses, wrong methods; and the request id on every log line (issue 15, 12-17)."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest

from shared.http.pipeline import MAX_JSON_DEPTH
from shared.openapi import http_routers
from tests.support.identity import token_for
from tests.support.partners import Staff, active_partner

BODY_METHODS = ("POST", "PUT", "PATCH")
_PARAM = re.compile(r"{(\w+)}")


def _routes():
    return [(spec, route) for spec, router in http_routers() for route in router.routes]


def _fill(path: str, value: str) -> str:
    return _PARAM.sub(value, path)


def test_json_nested_1000_deep_is_400_on_every_body_route_login_included(api):
    deep = "[" * 1000 + "]" * 1000
    body_routes = [route for _, route in _routes() if route.method in BODY_METHODS]
    assert any(route.path == "/api/auth/login" for route in body_routes)
    answers = {}
    for route in body_routes:
        response = api.request(route.method, _fill(route.path, "x1"), data=deep,
                               headers={"Content-Type": "application/json"})
        answers[f"{route.method} {route.path}"] = (response.status_code, (response.get_json() or {}).get("code"))
    wrong = {name: answer for name, answer in answers.items() if answer != (400, "JSON_TOO_DEEP")}
    assert wrong == {}
    just_too_deep = json.dumps({"a": [[{"b": 1}]]}).replace("1", "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    response = api.post("/api/auth/login", data=just_too_deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["details"] == {"maxDepth": MAX_JSON_DEPTH}


MALFORMED_IDS = ["__x__", ".", "..", "%2e%2e", "a" * 1501, "\u00e9" * 751, "a%2Fb", "%0A"]


def test_ids_firestore_refuses_are_404_on_every_route_with_a_path_id(api):
    routes = [route for _, route in _routes() if "{" in route.path]
    assert any("/notifications/" in route.path for route in routes)
    assert any(route.path.startswith("/api/financial-years/") for route in routes)
    wrong = {}
    for route in routes:
        token = token_for({"*"})[0]          # one caller per route: the per-user rate limit stays far
        for bad in MALFORMED_IDS:
            response = api.request(route.method, _fill(route.path, bad), token=token)
            body = response.get_json(silent=True) or {}
            if response.status_code not in (404, 405) or not body.get("code"):
                wrong[f"{route.method} {route.path} [{bad[:8]}]"] = (response.status_code, body.get("code"))
            elif response.status_code == 405 and "/" not in bad and "%2F" not in bad:
                wrong[f"{route.method} {route.path} [{bad[:8]}]"] = (405, body.get("code"))
    assert wrong == {}


@pytest.mark.parametrize("ids", [[""], ["a/b"], [".."], ["__x__"], ["x" * 1501]])
def test_kyc_verify_with_ids_firestore_refuses_is_422(api, ids):
    staff = Staff()
    partner_id, _ = active_partner(api, staff)
    response = api.post(f"/api/partners/{partner_id}/kyc/verify", json={"documentIds": ids},
                        token=staff.checker_token)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["details"]["fields"][0]["field"] == "documentIds.0"


@pytest.mark.parametrize("bad", ["Shree\x00Ganesh", "Shree\x07", "Shree\u202eGanesh", "Shree\u2066x", "Shree\x85",
                                 "Shree\ud800"])
def test_control_and_bidi_characters_are_refused_in_text_fields(api, bad):
    from tests.support.partners import profile

    staff = Staff()
    body = profile()
    body["legalName"] = bad
    raw = json.dumps(body)     # ensure_ascii: a lone surrogate travels as \ud800, as a client may send it
    response = api.post("/api/partners", data=raw, headers={"Content-Type": "application/json"},
                        token=staff.maker_token)
    assert response.status_code == 422, response.get_json()
    [field] = response.get_json()["details"]["fields"]
    assert field["field"] == "legalName" and field["type"] == "forbidden_character"


def test_text_is_stored_in_nfc(api):
    from tests.support.partners import profile

    staff = Staff()
    body = profile()
    body["tradeName"] = "Cafe\u0301 Cotton"       # e + combining acute: NFD
    response = api.post("/api/partners", json=body, token=staff.maker_token)
    assert response.status_code == 201, response.get_json()
    partner = api.get(f"/api/partners/{response.get_json()['id']}", token=staff.maker_token).get_json()
    assert partner["tradeName"] == "Caf\u00e9 Cotton"


@pytest.mark.parametrize("path", ["/api/partners/%0A", "/api/partners/x%0A/branches", "/api/partners/%0A%0A"])
def test_a_path_the_framework_refuses_is_json_404_with_a_code(api, path):
    token = token_for({"*"})[0]
    response = api.get(path, token=token)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["code"] in ("ROUTE_NOT_FOUND", "NOT_FOUND")


def test_405_names_the_allowed_methods(api):
    token = token_for({"*"})[0]
    response = api.delete("/api/auth/login", token=token)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.get_json()["code"] == "METHOD_NOT_ALLOWED" and response.get_json()["details"] == {
        "allowed": ["POST"]}
    partner = api.request("PUT", "/api/partners/p1", token=token)
    assert partner.status_code == 405
    assert set(partner.headers["Allow"].split(", ")) == {"GET", "PATCH"}


def test_every_log_line_of_a_request_carries_its_request_id_and_trace(api):
    from shared.logging import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("tradehub")
    root.addHandler(handler)
    try:
        trace = "0af7651916cd43dd8448eb211c80319c"
        for headers in ({"X-Request-Id": "req-abc-1", "X-Cloud-Trace-Context": f"{trace}/1;o=1"},
                        {"X-Request-Id": "req-abc-2", "traceparent": f"00-{trace}-b7ad6b7169203331-01"}):
            api.post("/api/auth/login", json={"email": "nobody@example.in", "password": "wrong-password-1"},
                     headers=headers)
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines].count("request") == 2
    assert {line.get("requestId") for line in lines} == {"req-abc-1", "req-abc-2"}
    assert {line.get("logging.googleapis.com/trace") for line in lines} == {
        f"projects/demo-tradehub-test/traces/{trace}"}


def test_a_request_id_that_is_not_an_id_is_replaced(api):
    response = api.get("/api/auth/health", headers={"X-Request-Id": "x" * 500})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
    kept = api.get("/api/auth/health", headers={"X-Request-Id": "req-123"})
    assert kept.headers["X-Request-Id"] == "req-123"
