"""Trade eligibility (functions/partners/eligibility.py): pure rule and the stored-partner check."""
from datetime import date

import pytest

from functions.partners import eligibility
from functions.partners import lifecycle as lc
from functions.partners.eligibility import refusal
from shared.errors import Conflict, NotFound


def test_only_active_partners_within_30_days_of_kyc_due_can_trade():
    today = date(2026, 3, 31)
    assert eligibility.refusal(lc.ACTIVE, date(2026, 6, 1), today) is None
    assert eligibility.refusal(lc.ACTIVE, None, today) is None
    assert eligibility.refusal(lc.ACTIVE, date(2026, 3, 2), today) is None            # 29 days overdue
    assert eligibility.refusal(lc.ACTIVE, date(2026, 3, 1), today) == "KYC_OVERDUE"   # 30 days overdue
    for status in (lc.DRAFT, lc.SUBMITTED, lc.UNDER_REVIEW, lc.CHANGES_REQUESTED, lc.REJECTED, lc.SUSPENDED,
                   lc.BLACKLISTED):
        assert eligibility.refusal(status, date(2027, 1, 1), today) == f"PARTNER_{status}"
        assert not eligibility.can_trade({"status": status, "kyc": {"dueDate": "2099-01-01"}})


def test_check_names_the_reason_and_a_missing_partner_is_404():
    eligibility.check("p1", {"status": "ACTIVE", "kyc": {"dueDate": "2099-01-01"}})
    with pytest.raises(Conflict) as refused:
        eligibility.check("p1", {"status": "SUSPENDED"})
    assert refused.value.code == "PARTNER_CANNOT_TRADE"
    assert refused.value.details["reason"] == "PARTNER_SUSPENDED"
    with pytest.raises(NotFound):
        eligibility.check("p1", None)
    with pytest.raises(NotFound):
        eligibility.check("p1", {"status": "ACTIVE", "deletedAt": "2026-01-01"})


def test_the_shared_trade_guard_rule():
    today = date(2026, 1, 31)
    assert refusal("ACTIVE", date(2026, 1, 2), today) is None
    assert refusal("ACTIVE", date(2026, 1, 1), today) == "KYC_OVERDUE"
    assert refusal("SUSPENDED", None, today) == "PARTNER_SUSPENDED"
    assert refusal("", None, today) == "PARTNER_UNKNOWN"
