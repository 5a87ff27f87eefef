import pytest

from functions.partners import lifecycle as lc
from shared.errors import Conflict, Unprocessable

ALLOWED = {
    (lc.DRAFT, lc.SUBMITTED), (lc.SUBMITTED, lc.UNDER_REVIEW), (lc.UNDER_REVIEW, lc.CHANGES_REQUESTED),
    (lc.CHANGES_REQUESTED, lc.SUBMITTED), (lc.UNDER_REVIEW, lc.ACTIVE), (lc.UNDER_REVIEW, lc.REJECTED),
    (lc.ACTIVE, lc.SUSPENDED), (lc.SUSPENDED, lc.ACTIVE),
} | {(status, lc.BLACKLISTED) for status in lc.STATUSES if status != lc.BLACKLISTED}


@pytest.mark.parametrize("current", lc.STATUSES)
@pytest.mark.parametrize("target", lc.STATUSES)
def test_only_the_domain_transitions_are_allowed(current, target):
    assert lc.can_transition(current, target) == ((current, target) in ALLOWED)
    if (current, target) in ALLOWED:
        assert lc.transition(current, target, reason="because") == target
    else:
        with pytest.raises(Conflict) as caught:
            lc.transition(current, target, reason="because")
        assert caught.value.code == "INVALID_TRANSITION"
        assert caught.value.status == 409
        assert caught.value.details["from"] == current


@pytest.mark.parametrize(("current", "target"), [
    (lc.ACTIVE, lc.BLACKLISTED), (lc.DRAFT, lc.BLACKLISTED), (lc.UNDER_REVIEW, lc.REJECTED),
    (lc.ACTIVE, lc.SUSPENDED), (lc.SUSPENDED, lc.ACTIVE)])
def test_blacklist_reject_suspend_and_reactivate_need_a_reason(current, target):
    for reason in (None, "", "   "):
        with pytest.raises(Unprocessable) as caught:
            lc.transition(current, target, reason=reason)
        assert caught.value.code == "REASON_REQUIRED"


def test_submitting_and_approving_need_no_reason():
    assert lc.transition(lc.DRAFT, lc.SUBMITTED) == lc.SUBMITTED
    assert lc.transition(lc.UNDER_REVIEW, lc.ACTIVE) == lc.ACTIVE


def test_a_decision_on_a_submitted_application_passes_through_review():
    assert lc.path(lc.SUBMITTED, lc.ACTIVE) == [lc.UNDER_REVIEW, lc.ACTIVE]
    assert lc.path(lc.UNDER_REVIEW, lc.ACTIVE) == [lc.ACTIVE]
    assert lc.path(lc.ACTIVE, lc.SUSPENDED) == [lc.SUSPENDED]


def test_blacklisted_is_terminal():
    assert lc.allowed_targets(lc.BLACKLISTED) == frozenset()
    assert lc.allowed_targets(lc.REJECTED) == frozenset({lc.BLACKLISTED})
