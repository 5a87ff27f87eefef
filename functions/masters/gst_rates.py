"""GST rates by HSN (goods) or SAC (services) code, versioned by effective date."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from functions.masters import store
from functions.masters.cached import GST_RATE_PREFIX
from functions.masters.store import Kind
from shared.errors import Unprocessable

if TYPE_CHECKING:
    from shared.auth.principal import Actor

KIND = Kind("gstRates", "gstRate", "GST rate", "GST_RATE_NOT_FOUND", cache_prefixes=(GST_RATE_PREFIX,))


def rate_id(code_type: str, code: str) -> str:
    return f"{code_type}-{code}"


def validate_code(code_type: str, code: str) -> None:
    """HSN: 4, 6 or 8 digits (chapter 01-98); SAC: 6 digits starting 99."""
    if code_type == "SAC":
        ok, rule, message = len(code) == 6 and code.startswith("99"), "sac_format", "A SAC is 6 digits starting 99"
    else:
        ok = len(code) in (4, 6, 8) and not code.startswith("99") and code[:2] != "00"
        rule, message = "hsn_format", "An HSN code is 4, 6 or 8 digits (chapters 01-98)"
    if not ok:
        raise Unprocessable("VALIDATION_FAILED", message, {"fields": [{"field": "code", "rule": rule,
                                                                       "message": message}]})


def create(code_type: str, code: str, description: str, rate: Any, actor: Actor,
           effective_from: date | None = None) -> dict[str, Any]:
    validate_code(code_type, code)
    content = {"codeType": code_type, "code": code, "description": description, "rate": rate}
    return store.create(KIND, rate_id(code_type, code), content, actor,
                        effective_from=effective_from.isoformat() if effective_from else None)


def update(rate: str, patch: dict[str, Any], actor: Actor, if_match: str | None,
           effective_from: date | None = None) -> dict[str, Any]:
    return store.update(KIND, rate, lambda current: {**current, **patch}, actor, if_match=if_match,
                        effective_from=effective_from.isoformat() if effective_from else None)


def delete(rate: str, actor: Actor, if_match: str | None) -> None:
    store.delete(KIND, rate, actor, if_match=if_match)


def list_page(code_type: str | None, page_size: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    filters = [("codeType", "==", code_type)] if code_type else []
    return store.list_page(KIND, [("code", "ASCENDING")], page_size, token, filters)
