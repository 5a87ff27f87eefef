"""shared/http/router.py: route resolution (literal segments first, wrong methods) and declared permissions."""
from __future__ import annotations

import pytest

from shared.http.router import Router


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
