"""shared/routing.py: the routing table that names the function owning a path."""
from __future__ import annotations

from shared.routing import function_for_path


def test_routing_table_picks_the_owning_function_by_prefix():
    assert function_for_path("/api/auth/login").name == "auth"
    assert function_for_path("/api/financial-years/active").name == "masters"
    assert function_for_path("/api/nlp/parse").name == "tradedesk"
    assert function_for_path("/api/openapi.json").name == "docs"
    assert function_for_path("/api/authx") is None
    assert function_for_path("/other") is None
