"""The trade desk's state tables: expiry only from open states, nothing out of a closed state."""
import pytest

from functions.tradedesk import states


@pytest.mark.parametrize("name", list(states.TABLES))
def test_final_states_have_no_way_out(name):
    _transitions, final = states.TABLES[name]
    for state in final:
        assert states.allowed(name, state) == frozenset(), (name, state)


def test_only_open_requests_can_expire():
    expiring = {state for state, targets in states.TRADE_TRANSITIONS.items() if states.EXPIRED in targets}
    assert expiring == states.TRADE_OPEN == {"POSTED", "NEGOTIATING", "PARTIALLY_FILLED"}
    assert states.EXPIRED not in states.allowed("trade request", states.DRAFT)


def test_only_live_offers_can_expire_and_closed_ones_never_do():
    expiring = {state for state, targets in states.OFFER_TRANSITIONS.items() if states.EXPIRED in targets}
    assert expiring == states.OFFER_LIVE == {"PENDING", "COUNTERED"}
    for closed in ("ACCEPTED", "REJECTED", "WITHDRAWN"):
        assert states.EXPIRED not in states.allowed("offer", closed)


def test_a_counter_keeps_an_offer_countered_and_a_request_fills_forward():
    assert states.COUNTERED in states.allowed("offer", states.COUNTERED)
    assert states.allowed("trade request", states.PARTIALLY_FILLED) == {"AGREED", "CANCELLED", "EXPIRED"}
    assert states.allowed("trade request", states.DRAFT) == {"POSTED", "CANCELLED"}


def test_a_sold_lot_stays_sold():
    assert states.allowed("tested lot", states.SOLD) == frozenset()
    assert states.allowed("tested lot", states.RESERVED) == {"AVAILABLE", "SOLD"}


def test_the_tables_run_on_the_kernel_state_machine():
    from shared.errors import Conflict

    offer = states.machine("offer")
    assert offer.ensure("COUNTERED", "ACCEPTED") == "ACCEPTED"
    with pytest.raises(Conflict) as caught:
        offer.ensure("ACCEPTED", "EXPIRED")
    assert caught.value.code == "INVALID_TRANSITION"
