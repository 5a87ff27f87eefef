"""Commission structures: a percentage of the contract value or an amount per bale, buyer and seller side.

Per-bale amounts are money: stored as integer paise (`amountPaise`), exposed as rupees. Percentages are
stored as numbers (`percent`). Versioned: a contract made earlier keeps the version it was made with.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from functions.masters import store
from functions.masters.cached import COMMISSION_PREFIX
from functions.masters.store import Kind
from shared.errors import Unprocessable

if TYPE_CHECKING:
    from shared.auth.principal import Actor

KIND = Kind("commissionStructures", "commissionStructure", "Commission structure", "COMMISSION_STRUCTURE_NOT_FOUND",
            cache_prefixes=(COMMISSION_PREFIX,))


def side_to_store(side: dict[str, Any], field: str) -> dict[str, Any]:
    """{basis, value} from the API → {basis, percent} or {basis, amountPaise}."""
    value = Decimal(str(side["value"]))
    if side["basis"] == "PERCENTAGE":
        if value > 100:
            raise _bad(f"{field}.value", "percent_out_of_range", "A percentage is at most 100")
        return {"basis": "PERCENTAGE", "percent": float(value)}
    if value != value.quantize(Decimal("0.01")):
        raise _bad(f"{field}.value", "amount_precision", "An amount has at most 2 decimals (paise)")
    return {"basis": "PER_BALE", "amountPaise": int(value * 100)}


def side_to_api(side: dict[str, Any]) -> dict[str, Any]:
    if side.get("basis") == "PER_BALE":
        return {"basis": "PER_BALE", "value": Decimal(int(side.get("amountPaise") or 0)) / 100}
    return {"basis": "PERCENTAGE", "value": Decimal(str(side.get("percent") or 0))}


def _bad(field: str, rule: str, message: str) -> Unprocessable:
    return Unprocessable("VALIDATION_FAILED", message, {"fields": [{"field": field, "rule": rule, "message": message}]})


def content_from(body: dict[str, Any]) -> dict[str, Any]:
    content = {k: v for k, v in body.items() if k not in ("buyerSide", "sellerSide", "effectiveFrom")}
    if "buyerSide" in body and body["buyerSide"] is not None:
        content["buyerSide"] = side_to_store(body["buyerSide"], "buyerSide")
    if "sellerSide" in body and body["sellerSide"] is not None:
        content["sellerSide"] = side_to_store(body["sellerSide"], "sellerSide")
    if "name" in content:
        content["nameLower"] = str(content["name"]).casefold()
    return content


def public(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "buyerSide": side_to_api(doc.get("buyerSide") or {}),
            "sellerSide": side_to_api(doc.get("sellerSide") or {})}


def create(body: dict[str, Any], actor: Actor, effective_from: date | None = None) -> dict[str, Any]:
    content = content_from(body)
    return store.create(KIND, content["code"], content, actor,
                        effective_from=effective_from.isoformat() if effective_from else None)


def update(structure: str, patch: dict[str, Any], actor: Actor, if_match: str | None,
           effective_from: date | None = None) -> dict[str, Any]:
    changes = content_from({k: v for k, v in patch.items() if v is not None or k in ("description", "commodityCode")})
    return store.update(KIND, structure, lambda current: {**current, **changes}, actor, if_match=if_match,
                        effective_from=effective_from.isoformat() if effective_from else None)


def delete(structure: str, actor: Actor, if_match: str | None) -> None:
    store.delete(KIND, structure, actor, if_match=if_match)


def list_page(page_size: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    return store.list_page(KIND, [("nameLower", "ASCENDING")], page_size, token)
