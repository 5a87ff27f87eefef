"""May this partner trade now: the one implementation (DOMAIN.md "Business partners").

Only ACTIVE partners whose KYC is less than KYC_SUSPENSION_DAYS past its due date may trade. The daily
KYC job also suspends such partners, but the check does not rely on it having run: it reads the due
date itself. Other groups call it through `functions.partners.public.ensure_can_trade`.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from shared import clock
from shared.errors import Conflict, NotFound

ACTIVE = "ACTIVE"
KYC_SUSPENSION_DAYS = 30


def kyc_due_date(partner: dict[str, Any]) -> date | None:
    value = (partner.get("kyc") or {}).get("dueDate")
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def refusal(status: str, kyc_due: date | None, today: date) -> str | None:
    """Why a partner may not trade (a code), or None when it may. Pure."""
    if status != ACTIVE:
        return f"PARTNER_{status or 'UNKNOWN'}"
    if kyc_due is not None and (today - kyc_due).days >= KYC_SUSPENSION_DAYS:
        return "KYC_OVERDUE"
    return None


def can_trade(partner: dict[str, Any] | None) -> bool:
    if partner is None or partner.get("deletedAt"):
        return False
    return refusal(partner.get("status", ""), kyc_due_date(partner), clock.today_india()) is None


def check(partner_id: str, partner: dict[str, Any] | None) -> None:
    """404 PARTNER_NOT_FOUND, or 409 PARTNER_CANNOT_TRADE with details.reason (PARTNER_SUSPENDED,
    PARTNER_BLACKLISTED, PARTNER_SUBMITTED, ..., KYC_OVERDUE), unless the partner may trade now."""
    if partner is None or partner.get("deletedAt"):
        raise NotFound("PARTNER_NOT_FOUND", "No such partner")
    reason = refusal(partner.get("status", ""), kyc_due_date(partner), clock.today_india())
    if reason is None:
        return
    message = ("The partner's KYC is 30 or more days overdue" if reason == "KYC_OVERDUE"
               else f"A {str(partner.get('status', '')).lower()} partner cannot trade")
    raise Conflict("PARTNER_CANNOT_TRADE", message,
                   {"partnerId": partner_id, "reason": reason, "status": partner.get("status"),
                    "kycDueDate": (partner.get("kyc") or {}).get("dueDate")})
