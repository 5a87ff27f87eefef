"""The OpenAPI document and the docs page, served through the real gateway."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from shared.http.entry import router_for
from shared.routing import HTTP_FUNCTIONS


@pytest.fixture
def document(api):
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return response.get_json()


def test_every_route_of_every_router_is_in_the_document_with_its_method(document):
    declared = 0
    for spec in HTTP_FUNCTIONS:
        for route in router_for(spec.name).routes:
            declared += 1
            operation = document["paths"].get(route.path, {}).get(route.method.lower())
            assert operation is not None, f"{route.method} {route.path} missing from /api/openapi.json"
            assert operation["x-function"] == spec.name
            if route.public:
                assert operation["security"] == ([{route.credential: []}] if route.credential else [])
            else:
                assert operation["security"] == [{"bearerAuth": []}]
                assert operation["x-permission"] == route.permission
    documented = sum(1 for item in document["paths"].values() for method in item
                     if method in ("get", "post", "put", "patch", "delete"))
    health = sum(1 for path in document["paths"] if path.endswith("/health"))
    assert documented == declared + health
    assert declared >= 3    # at least the docs function's own routes


def test_every_function_prefix_has_its_health_route(document):
    for spec in HTTP_FUNCTIONS:
        for prefix in spec.prefixes:
            if prefix == "/api/openapi.json":
                continue
            operation = document["paths"][f"{prefix}/health"]["get"]
            assert operation["security"] == []
            assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Health"}


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)      # raises with the failing location if the document breaks the 3.1 schema
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "The access token returned by POST /api/auth/login"}
    assert document["components"]["securitySchemes"]["applicationToken"]["in"] == "header"
    assert document["components"]["securitySchemes"]["applicationToken"]["name"] == "X-Application-Token"
    used = {name for item in document["paths"].values() for operation in item.values()
            for requirement in operation.get("security", []) for name in requirement}
    assert used == set(document["components"]["securitySchemes"])
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message", "details"]


def test_every_reference_resolves(document):
    text = str(document)
    for kind, name in set(re.findall(r"#/components/(\w+)/([\w.-]+)", text)):
        assert name in document["components"][kind], f"dangling reference #/components/{kind}/{name}"


def test_docs_page_is_swagger_ui_pointing_at_the_document(api):
    response = api.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    assert 'url: "/api/openapi.json"' in html
    assets = re.findall(r'(?:src|href)="(/api/docs/[^"]+)"', html)
    assert {"/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui-standalone-preset.js",
            "/api/docs/swagger-ui.css"} <= set(assets)
    for asset in assets:        # every file the page loads is served
        assert api.get(asset).status_code == 200, asset


def test_assets_are_served_with_their_content_types(api):
    script = api.get("/api/docs/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"SwaggerUIBundle" in script.data[:200_000]
    assert len(script.data) > 500_000
    style = api.get("/api/docs/swagger-ui.css")
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"
    icon = api.get("/api/docs/favicon-32x32.png")
    assert icon.headers["Content-Type"] == "image/png"
    assert icon.data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["index.j2", "swagger-ui-bundle.js.map", "..%2F..%2Fmain.py", "%2Fetc%2Fpasswd"])
def test_only_whitelisted_assets_are_served(api, name):
    response = api.get(f"/api/docs/{name}")
    assert response.status_code == 404
    assert response.get_json()["code"] in ("ASSET_NOT_FOUND", "ROUTE_NOT_FOUND")


def test_docs_routes_are_public_and_never_rate_limited(document):
    for path in ("/api/openapi.json", "/api/docs", "/api/docs/{asset}"):
        operation = document["paths"][path]["get"]
        assert operation["security"] == []
        assert operation["x-rate-limit"] == "none"
        assert "429" not in operation["responses"]


def _response(document, method: str, path: str, status: int) -> dict:
    return document["paths"][path][method]["responses"][str(status)]


def test_the_document_declares_the_error_answers_the_api_gives(document):
    """Issue 15 item 18: generic ones from the pipeline's behaviour, the rest declared per route."""
    assert "INVALID_PAGE_TOKEN" in _response(document, "get", "/api/partners", 400)["x-codes"]
    assert "MISSING_APPLICATION_TOKEN" in _response(
        document, "get", "/api/onboarding/applications/{applicationId}", 401)["x-codes"]
    assert _response(document, "patch", "/api/partners/{partnerId}", 412)["x-codes"] == ["STALE_VERSION"]
    assert _response(document, "post", "/api/auth/login", 423)["x-codes"] == ["ACCOUNT_LOCKED"]
    assert "JSON_TOO_DEEP" in _response(document, "post", "/api/auth/login", 400)["x-codes"]
    assert _response(document, "get", "/api/partners", 429)["headers"]["Retry-After"]
    assert "INVALID_CREDENTIALS" in _response(document, "post", "/api/auth/login", 401)["x-codes"]
