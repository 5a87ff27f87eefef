"""The trade guard every group calls before a partner trades (trade desk, contracts).

Only ACTIVE partners whose KYC is less than 30 days past its due date may trade (DOMAIN.md "Business
partners"). The daily KYC job also suspends such partners, but the guard does not rely on it having
run: it checks the due date itself. One document read (none when the caller passes the data it has).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from shared.errors import Conflict, NotFound

PARTNERS = "partners"
ACTIVE = "ACTIVE"
KYC_SUSPENSION_DAYS = 30


def kyc_due_date(partner: dict[str, Any]) -> date | None:
    value = (partner.get("kyc") or {}).get("dueDate")
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def refusal(status: str, kyc_due: date | None, today: date) -> str | None:
    """Why a partner may not trade (a code), or None when it may."""
    if status != ACTIVE:
        return f"PARTNER_{status or 'UNKNOWN'}"
    if kyc_due is not None and (today - kyc_due).days >= KYC_SUSPENSION_DAYS:
        return "KYC_OVERDUE"
    return None


def can_trade(partner: dict[str, Any] | None) -> bool:
    from shared import clock

    if partner is None or partner.get("deletedAt"):
        return False
    return refusal(partner.get("status", ""), kyc_due_date(partner), clock.today_india()) is None


def ensure_can_trade(partner_id: str, *, partner: dict[str, Any] | None = None, transaction: Any = None) -> None:
    """404 PARTNER_NOT_FOUND, or 409 PARTNER_CANNOT_TRADE with details.reason (PARTNER_SUSPENDED,
    PARTNER_BLACKLISTED, PARTNER_SUBMITTED, ..., KYC_OVERDUE), unless the partner may trade now.

    Pass `partner` (its stored data) to skip the read, or `transaction` to read inside one.
    """
    from shared import clock

    if partner is None:
        from shared.db import collection

        snapshot = collection(PARTNERS).document(partner_id).get(transaction=transaction)
        partner = snapshot.to_dict() if snapshot.exists else None
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
