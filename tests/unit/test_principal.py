"""shared/auth/principal.py: Principal.has, exact, module-wildcard and alternative permissions."""
from __future__ import annotations


def test_permissions_match_exactly_by_module_wildcard_or_as_alternatives():
    from shared.auth.principal import Principal

    sales = Principal("u", "s", "back_office", "SALES", frozenset({"partners:read", "trades:*"}))
    assert sales.has("partners:read") and not sales.has("partners:approve")
    assert sales.has("trades:negotiate")                                  # module wildcard
    assert sales.has("self:profile|partners:read") and not sales.has("self:profile|kyc:verify")
    assert not sales.has("")
    assert Principal("a", "s", "back_office", "ADMIN", frozenset({"*"})).has("kyc:verify")
