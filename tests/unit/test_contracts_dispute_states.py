"""The dispute's lifecycle and what it does to its contract (functions/contracts/dispute_states.py)."""
import pytest

from functions.contracts import dispute_states as rules
from shared.errors import Conflict, Unprocessable


@pytest.mark.parametrize(("current", "target"), [
    ("OPEN", "UNDER_REVIEW"), ("OPEN", "CLOSED"), ("UNDER_REVIEW", "RESOLVED"), ("UNDER_REVIEW", "CLOSED"),
    ("OPEN", "WITHDRAWN"), ("UNDER_REVIEW", "WITHDRAWN")])
def test_the_allowed_moves(current, target):
    assert rules.DISPUTE.ensure(current, target, "a reason") == target


@pytest.mark.parametrize(("current", "target"), [
    ("OPEN", "RESOLVED"), ("CLOSED", "RESOLVED"), ("RESOLVED", "CLOSED"), ("CLOSED", "UNDER_REVIEW"),
    ("RESOLVED", "UNDER_REVIEW"), ("UNDER_REVIEW", "OPEN"), ("CLOSED", "OPEN"), ("WITHDRAWN", "WITHDRAWN"),
    ("RESOLVED", "WITHDRAWN"), ("CLOSED", "WITHDRAWN"), ("WITHDRAWN", "RESOLVED"), ("WITHDRAWN", "CLOSED"),
    ("WITHDRAWN", "UNDER_REVIEW"), ("WITHDRAWN", "OPEN")])
def test_illegal_moves_are_409_invalid_transition(current, target):
    with pytest.raises(Conflict) as caught:
        rules.DISPUTE.ensure(current, target, "a reason")
    assert caught.value.code == "INVALID_TRANSITION"
    assert caught.value.details["from"] == current and target not in caught.value.details["allowed"]


def test_resolved_closed_and_withdrawn_are_final():
    for final in ("RESOLVED", "CLOSED", "WITHDRAWN"):
        assert rules.DISPUTE.allowed(final) == frozenset()
    assert rules.DISPUTE.final == frozenset({"RESOLVED", "CLOSED", "WITHDRAWN"})


def test_withdrawing_needs_no_reason():
    assert rules.DISPUTE.ensure("OPEN", "WITHDRAWN", None) == "WITHDRAWN"
    assert rules.DISPUTE.ensure("UNDER_REVIEW", "WITHDRAWN", "") == "WITHDRAWN"


@pytest.mark.parametrize("status", ["OPEN", "UNDER_REVIEW"])
@pytest.mark.parametrize(("what", "internal"), [("comments", False), ("comments", True), ("evidence", False)])
def test_an_open_dispute_takes_comments_and_evidence(status, what, internal):
    assert rules.ensure_accepts(status, what, internal=internal) is None


def test_a_resolved_dispute_takes_only_internal_comments():
    assert rules.ensure_accepts("RESOLVED", "comments", internal=True) is None
    for what in ("comments", "evidence"):
        with pytest.raises(Conflict) as caught:
            rules.ensure_accepts("RESOLVED", what)
        assert (caught.value.code, caught.value.details) == ("DISPUTE_CLOSED", {"status": "RESOLVED"})
        assert "RESOLVED" in str(caught.value) and what in str(caught.value)


@pytest.mark.parametrize("status", ["CLOSED", "WITHDRAWN"])
@pytest.mark.parametrize(("what", "internal"), [("comments", False), ("comments", True), ("evidence", False)])
def test_a_closed_or_withdrawn_dispute_is_frozen(status, what, internal):
    with pytest.raises(Conflict) as caught:
        rules.ensure_accepts(status, what, internal=internal)
    assert (caught.value.code, caught.value.details) == ("DISPUTE_CLOSED", {"status": status})
    assert status in str(caught.value)


@pytest.mark.parametrize("target", ["CLOSED", "RESOLVED"])
def test_closing_and_resolving_need_a_text(target):
    with pytest.raises(Unprocessable) as caught:
        rules.DISPUTE.ensure("UNDER_REVIEW", target, "  ")
    assert caught.value.code == "REASON_REQUIRED"


def test_assigning_opens_the_review_and_reassigning_keeps_it():
    assert rules.after_assign("OPEN") == "UNDER_REVIEW"
    assert rules.after_assign("UNDER_REVIEW") == "UNDER_REVIEW"
    for final in ("RESOLVED", "CLOSED", "WITHDRAWN"):
        with pytest.raises(Conflict) as caught:
            rules.after_assign(final)
        assert caught.value.code == "INVALID_TRANSITION"


@pytest.mark.parametrize("status", ["ACTIVE", "COMPLETED", "CARRIED_FORWARD"])
def test_the_first_dispute_makes_the_contract_disputed_and_records_its_status(status):
    change = rules.on_raise(status, None, [], "d1")
    assert change == rules.ContractChange("DISPUTED", status, ("d1",))


def test_a_second_dispute_keeps_the_first_ones_status_before_dispute():
    change = rules.on_raise("DISPUTED", "COMPLETED", ["d1"], "d2")
    assert change == rules.ContractChange(None, "COMPLETED", ("d1", "d2"))


@pytest.mark.parametrize("status", ["DRAFT", "PENDING_APPROVAL", "CANCELLED"])
def test_a_contract_not_in_force_cannot_be_disputed(status):
    with pytest.raises(Conflict) as caught:
        rules.on_raise(status, None, [], "d1")
    assert caught.value.code == "CONTRACT_NOT_DISPUTABLE" and caught.value.details["status"] == status


def test_the_contract_returns_to_its_earlier_status_only_with_the_last_open_dispute():
    assert rules.on_settle("DISPUTED", "COMPLETED", ["d1", "d2"], "d1") == rules.ContractChange(
        None, "COMPLETED", ("d2",))
    assert rules.on_settle("DISPUTED", "COMPLETED", ["d2"], "d2") == rules.ContractChange("COMPLETED", None, ())


def test_settling_twice_or_without_a_recorded_status_is_safe():
    # the same dispute settled again (a retried transaction) leaves the list as it is
    assert rules.on_settle("DISPUTED", "ACTIVE", [], "d1") == rules.ContractChange("ACTIVE", None, ())
    # a contract that left DISPUTED meanwhile (carried forward at year end) keeps its status
    assert rules.on_settle("CARRIED_FORWARD", "ACTIVE", ["d1"], "d1") == rules.ContractChange(None, "ACTIVE", ())
    # an unrecorded or impossible earlier status falls back to ACTIVE
    assert rules.on_settle("DISPUTED", None, ["d1"], "d1").status == "ACTIVE"
    assert rules.on_settle("DISPUTED", "DRAFT", ["d1"], "d1").status == "ACTIVE"
