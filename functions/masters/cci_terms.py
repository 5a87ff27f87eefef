"""CCI (Cotton Corporation of India) sales terms: one versioned document, `cciTerms/CCI`.

Each version has an effective date (future dates allowed: a new season's terms are entered ahead);
`GET /api/settings/cci-terms?asOf=` answers the version in force on that date.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from functions.masters import store
from functions.masters.store import Kind
from shared.errors import Conflict, NotFound, Unprocessable

if TYPE_CHECKING:
    from shared.auth.principal import Actor

KIND = Kind("cciTerms", "cciTerms", "CCI terms", "CCI_TERMS_NOT_FOUND")
TERMS_ID = "CCI"


def validate_terms(body: dict[str, Any]) -> dict[str, Any]:
    """Stored content of a version (money in paise); 422 naming each bad field and its rule."""
    entries: list[dict[str, str]] = []
    tiers = body.get("lateLiftingTiers") or []
    free_days = int(body.get("freeLiftingDays") or 0)
    expected_from = free_days + 1
    for index, tier in enumerate(tiers):
        if tier.get("toDay") is not None and tier["toDay"] < tier["fromDay"]:
            entries.append({"field": f"lateLiftingTiers.{index}.toDay", "rule": "min_not_below_max",
                            "message": "toDay must not be before fromDay"})
        if tier["fromDay"] != expected_from:
            entries.append({"field": f"lateLiftingTiers.{index}.fromDay", "rule": "tiers_not_contiguous",
                            "message": f"This tier should start on day {expected_from} (after the free days "
                                       f"and the previous tier)"})
        if tier.get("toDay") is None and index != len(tiers) - 1:
            entries.append({"field": f"lateLiftingTiers.{index}.toDay", "rule": "open_tier_not_last",
                            "message": "Only the last tier may be open-ended"})
        expected_from = (tier.get("toDay") or tier["fromDay"]) + 1
    band = body.get("moistureBand") or {}
    if band and Decimal(str(band["maxAcceptedPercent"])) < Decimal(str(band["basisPercent"])):
        entries.append({"field": "moistureBand.maxAcceptedPercent", "rule": "min_not_below_max",
                        "message": "maxAcceptedPercent must not be below basisPercent"})
    if entries:
        raise Unprocessable("VALIDATION_FAILED", entries[0]["message"], {"fields": entries})
    content = {k: v for k, v in body.items() if k not in ("effectiveFrom", "carryingChargePerCandyPerMonth")}
    charge = Decimal(str(body["carryingChargePerCandyPerMonth"]))
    if charge != charge.quantize(Decimal("0.01")):
        raise Unprocessable("VALIDATION_FAILED", "An amount has at most 2 decimals (paise)",
                            {"fields": [{"field": "carryingChargePerCandyPerMonth", "rule": "amount_precision",
                                         "message": "An amount has at most 2 decimals (paise)"}]})
    content["carryingChargePerCandyPerMonthPaise"] = int(charge * 100)
    return store.to_store(content)


def public(doc: dict[str, Any]) -> dict[str, Any]:
    paise = int(doc.get("carryingChargePerCandyPerMonthPaise") or 0)
    return {**doc, "carryingChargePerCandyPerMonth": Decimal(paise) / 100}


def put_version(body: dict[str, Any], actor: Actor, if_match: str | None, effective_from: date | None
                ) -> dict[str, Any]:
    """The first version, or a new one taking effect on `effective_from` (today by default)."""
    content = validate_terms(body)
    effective = effective_from.isoformat() if effective_from else None
    try:
        return store.update(KIND, TERMS_ID, lambda current: content, actor, if_match=if_match,
                            effective_from=effective)
    except NotFound:
        pass
    try:
        return store.create(KIND, TERMS_ID, content, actor, effective_from=effective)
    except Conflict:        # created concurrently: this one becomes the next version
        return store.update(KIND, TERMS_ID, lambda current: content, actor, effective_from=effective)


def in_force(as_of: date | None) -> dict[str, Any]:
    doc, _ = store.read(KIND, TERMS_ID, as_of)
    return public(doc)


def versions(page_size: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    docs, next_token = store.versions_page(KIND, TERMS_ID, page_size, token)
    return [public(doc) for doc in docs], next_token
