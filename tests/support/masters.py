"""Helpers for the masters integration tests: tokens, a valid organization body, GSTINs, the cache."""
from __future__ import annotations

import copy
from typing import Any

from shared.validators import gstin_check_char
from tests.support.identity import token_for

ADMIN_PERMISSIONS = frozenset({"masters:read", "masters:write", "organizations:read", "organizations:write",
                               "financial-years:manage"})
READER_PERMISSIONS = frozenset({"masters:read", "organizations:read"})


def make_gstin(state_code: str, pan: str, entity: str = "1") -> str:
    first14 = f"{state_code}{pan}{entity}Z"
    return first14 + gstin_check_char(first14)


def org_body(pan: str = "AAKCT4321B", state_code: str = "24", **overrides: Any) -> dict[str, Any]:
    body = {
        "legalName": "Test Cotton Traders Private Limited",
        "tradeName": "Test Cotton",
        "pan": pan,
        "gstins": [{"gstin": make_gstin(state_code, pan), "label": "Head office", "primary": True}],
        "tan": "AHMT12345A",
        "cin": "U51101GJ2015PTC081234",
        "address": {"line1": "12 Cotton Market", "city": "Rajkot", "state": "Gujarat", "pincode": "360001"},
        "bankAccounts": [{"accountName": "Test Cotton Traders", "accountNumber": "123456789012",
                          "ifsc": "SBIN0001234", "bankName": "State Bank of India"}],
        "email": "Accounts@Test-Cotton.example",
    }
    body.update(copy.deepcopy(overrides))
    return body


def admin_token(**kwargs: Any) -> str:
    return token_for(ADMIN_PERMISSIONS, role="ADMIN", **kwargs)[0]


def reader_token(**kwargs: Any) -> str:
    return token_for(READER_PERMISSIONS, role="SALES", **kwargs)[0]


def field_rules(response) -> list[tuple[str, str]]:
    """[(field, rule)] of a 422 answer."""
    return [(f["field"], f.get("rule") or f.get("type")) for f in response.get_json()["details"]["fields"]]


def with_empty_cache(api):
    """Yield `api` with an empty masters read cache (it would outlive a test's data otherwise).

    Each test module declares `masters_api` with it (fixtures imported from here would trip ruff F811).
    """
    from functions.masters.cached import CACHE

    CACHE.clear()
    yield api
    CACHE.clear()
