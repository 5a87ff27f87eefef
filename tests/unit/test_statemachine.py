"""shared/statemachine.py: allowed moves, 409 INVALID_TRANSITION naming the targets, reasons, any-state rules."""
from __future__ import annotations

import pytest

from shared.errors import Conflict, Unprocessable
from shared.statemachine import ANY, StateMachine

OFFER = StateMachine(
    "offer",
    {"PENDING": {"COUNTERED", "ACCEPTED", "REJECTED", "EXPIRED"},
     "COUNTERED": {"COUNTERED", "ACCEPTED", "REJECTED", "EXPIRED"},
     "REJECTED": set(), "EXPIRED": set()},
    from_any={"WITHDRAWN"},
    final={"ACCEPTED", "WITHDRAWN"},
    needs_reason={("COUNTERED", "REJECTED"), (ANY, "WITHDRAWN")},
)


def test_allowed_targets_include_any_state_rules_but_not_from_final_states():
    assert OFFER.allowed("PENDING") == {"COUNTERED", "ACCEPTED", "REJECTED", "EXPIRED", "WITHDRAWN"}
    assert OFFER.allowed("REJECTED") == {"WITHDRAWN"}
    assert OFFER.allowed("ACCEPTED") == frozenset()          # final: not even the any-state rule
    assert OFFER.allowed("WITHDRAWN") == frozenset()         # no move to itself
    assert OFFER.allowed("NO_SUCH_STATE") == frozenset()
    assert OFFER.states == {"PENDING", "COUNTERED", "ACCEPTED", "REJECTED", "EXPIRED", "WITHDRAWN"}


def test_a_forbidden_move_is_409_invalid_transition_naming_the_allowed_targets_sorted():
    with pytest.raises(Conflict) as caught:
        OFFER.ensure("EXPIRED", "ACCEPTED")
    error = caught.value
    assert (error.status, error.code) == (409, "INVALID_TRANSITION")
    assert error.details == {"from": "EXPIRED", "to": "ACCEPTED", "allowed": ["WITHDRAWN"]}
    assert "offer" in error.message and "EXPIRED" in error.message
    with pytest.raises(Conflict) as caught:
        OFFER.ensure("PENDING", "BOGUS")
    assert caught.value.details["allowed"] == ["ACCEPTED", "COUNTERED", "EXPIRED", "REJECTED", "WITHDRAWN"]


def test_self_transitions_only_where_the_table_says():
    assert OFFER.ensure("COUNTERED", "COUNTERED") == "COUNTERED"
    assert not OFFER.can("PENDING", "PENDING")


@pytest.mark.parametrize(("current", "target"), [("COUNTERED", "REJECTED"), ("PENDING", "WITHDRAWN"),
                                                  ("EXPIRED", "WITHDRAWN")])
def test_moves_that_need_a_reason_refuse_a_blank_one_with_422(current, target):
    for reason in (None, "", "  \t"):
        with pytest.raises(Unprocessable) as caught:
            OFFER.ensure(current, target, reason)
        assert (caught.value.status, caught.value.code) == (422, "REASON_REQUIRED")
        assert caught.value.details["fields"][0]["field"] == "reason"
    assert OFFER.ensure(current, target, "price moved") == target


def test_a_reason_is_only_required_where_declared():
    assert OFFER.ensure("PENDING", "REJECTED") == "REJECTED"          # only COUNTERED → REJECTED needs one
    assert OFFER.reason_required("COUNTERED", "REJECTED") and not OFFER.reason_required("PENDING", "REJECTED")


def test_an_invalid_move_is_reported_before_a_missing_reason():
    with pytest.raises(Conflict):
        OFFER.ensure("ACCEPTED", "WITHDRAWN")


def test_tables_that_contradict_themselves_are_refused():
    with pytest.raises(ValueError):
        StateMachine("x", {"A": {"B"}}, needs_reason={("A", "Z")})
    with pytest.raises(ValueError):
        StateMachine("x", {"A": {"B"}, "B": {"A"}}, final={"B"})
