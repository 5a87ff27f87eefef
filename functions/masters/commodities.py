"""Commodities and their trade-form template (varieties, quality parameters, terms, certificates).

The commodity document IS the template: everything a trade form needs is denormalized in it, so
`GET /api/commodities/{id}/template` costs one document read, and none while the instance cache holds
it (60 s; a write in this instance drops it).
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from functions.masters import store, versioning
from functions.masters.cached import CACHE, COMMODITY_PREFIX
from functions.masters.store import Kind
from shared.errors import Unprocessable

if TYPE_CHECKING:
    from shared.auth.principal import Actor

KIND = Kind("commodities", "commodity", "Commodity", "COMMODITY_NOT_FOUND", cache_prefixes=(COMMODITY_PREFIX,))
TEMPLATE_FIELDS = ("code", "name", "hsnCode", "gstRate", "brokerageGstRate", "defaultUnit", "units",
                   "qualityParameters", "varieties", "tradeTypes", "bargainTypes", "passingTerms", "weightmentTerms",
                   "deliveryTerms", "paymentTerms", "certificates", "active")
_CODED_LISTS = ("varieties", "tradeTypes", "bargainTypes", "passingTerms", "weightmentTerms", "deliveryTerms",
                "paymentTerms", "certificates")


def validate_commodity(content: dict[str, Any]) -> dict[str, Any]:
    """Cross-field rules of a commodity (camelCase content); 422 naming each bad field and its rule."""
    entries: list[dict[str, str]] = []

    def bad(field: str, rule: str, message: str) -> None:
        entries.append({"field": field, "rule": rule, "message": message})

    if content.get("defaultUnit") not in (content.get("units") or []):
        bad("defaultUnit", "default_unit_not_allowed", "The default unit must be one of the units")
    keys: set[str] = set()
    for index, parameter in enumerate(content.get("qualityParameters") or []):
        field = f"qualityParameters.{index}"
        low, high = parameter.get("min"), parameter.get("max")
        if parameter.get("key") in keys:
            bad(f"{field}.key", "duplicate_key", f"The key {parameter.get('key')} appears twice")
        keys.add(parameter.get("key"))
        if low is None or high is None or low >= high:
            bad(f"{field}.max", "min_not_below_max", "max must be greater than min")
            continue
        for name in ("basis", "targetMin", "targetMax", "typicalMin", "typicalMax"):
            value = parameter.get(name)
            if value is not None and not low <= value <= high:
                bad(f"{field}.{name}", "outside_allowed_range", f"{name} must lie within min-max ({low}-{high})")
        if parameter.get("direction") == "TARGET_RANGE":
            target_min, target_max = parameter.get("targetMin"), parameter.get("targetMax")
            if target_min is None or target_max is None or target_min > target_max:
                bad(f"{field}.targetMin", "target_range_required",
                    "A TARGET_RANGE parameter needs targetMin <= targetMax")
        typical_min, typical_max = parameter.get("typicalMin"), parameter.get("typicalMax")
        if typical_min is not None and typical_max is not None and typical_min > typical_max:
            bad(f"{field}.typicalMax", "min_not_below_max", "typicalMax must not be below typicalMin")
    for list_name in _CODED_LISTS:
        codes: set[str] = set()
        for index, item in enumerate(content.get(list_name) or []):
            if item.get("code") in codes:
                bad(f"{list_name}.{index}.code", "duplicate_code", f"The code {item.get('code')} appears twice")
            codes.add(item.get("code"))
    for index, variety in enumerate(content.get("varieties") or []):
        low, high = variety.get("stapleMinMm"), variety.get("stapleMaxMm")
        if low is not None and high is not None and low > high:
            bad(f"varieties.{index}.stapleMaxMm", "min_not_below_max", "stapleMaxMm must not be below stapleMinMm")
    if entries:
        raise Unprocessable("VALIDATION_FAILED", entries[0]["message"], {"fields": entries})
    return {**content, "nameLower": str(content.get("name", "")).casefold()}


def create(body: dict[str, Any], actor: Actor, effective_from: date | None = None) -> dict[str, Any]:
    content = validate_commodity(store.to_store(body))
    return store.create(KIND, content["code"], content, actor,
                        effective_from=effective_from.isoformat() if effective_from else None)


def update(commodity_id: str, patch: dict[str, Any], actor: Actor, if_match: str | None,
           effective_from: date | None = None) -> dict[str, Any]:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        return validate_commodity(store.to_store({**current, **patch}))

    return store.update(KIND, commodity_id, change, actor, if_match=if_match,
                        effective_from=effective_from.isoformat() if effective_from else None)


def delete(commodity_id: str, actor: Actor, if_match: str | None) -> None:
    store.delete(KIND, commodity_id, actor, if_match=if_match)


def template_of(doc: dict[str, Any]) -> dict[str, Any]:
    template = {name: doc.get(name) for name in TEMPLATE_FIELDS}
    template.update({"commodityId": doc["id"], "version": doc.get("version"),
                     "effectiveFrom": doc.get("effectiveFrom")})
    return template


def template(commodity_id: str, as_of: date | None = None) -> dict[str, Any]:
    """The trade-form template in force today (cached) or on `as_of`."""
    if as_of is not None:
        doc, _ = store.read(KIND, commodity_id, as_of)
        return template_of(doc)
    key = f"{COMMODITY_PREFIX}{commodity_id}@{versioning.today()}"
    return CACHE.get_or_load(key, lambda: template_of(store.read(KIND, commodity_id)[0]))


def get(commodity_id: str, as_of: date | None = None) -> tuple[dict[str, Any], int]:
    return store.read(KIND, commodity_id, as_of)


def list_page(page_size: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    return store.list_page(KIND, [("nameLower", "ASCENDING")], page_size, token)
