"""docs/web-client.md names only routes that exist: every `METHOD /api/...` in backticks is an operation
of the OpenAPI document (its query string aside), so a renamed route fails until the guide follows."""
from __future__ import annotations

import re
from pathlib import Path

from shared.openapi import build_document

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "web-client.md"
ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/api/[^`\s?]*)(?:\?[^`]*)?`")


def _routes_in_guide() -> set[tuple[str, str]]:
    return {(method, path) for method, path in ROUTE.findall(GUIDE.read_text())}


def test_every_route_the_guide_names_is_in_the_openapi_document():
    document = build_document()
    operations = {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}
    named = _routes_in_guide()
    assert len(named) > 100                     # the pattern still finds the guide's routes
    assert sorted(named - operations) == []


def test_the_guide_covers_every_old_call_module():
    text = GUIDE.read_text()
    for module in ("authApi", "multiTenantApi", "businessPartnerApi", "userProfileApi", "settingsApi",
                   "financialYearApi", "tradedeskApi", "amendmentApi", "dynamicRBACApi"):
        assert module in text, module
