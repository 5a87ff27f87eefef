"""One live offer per counterparty per request, under concurrency, on the Firestore emulator."""
from __future__ import annotations

import pytest

from functions.tradedesk import keys
from shared.errors import Conflict
from tests.support.concurrency import run_together


def _claim(trade_id: str, partner_id: str, offer_id: str) -> str:
    def work(uow):
        keys.claim(uow, trade_id, partner_id, offer_id)
        return offer_id

    return keys.run_claiming(work, None)


def test_concurrent_first_offers_of_one_counterparty_leave_exactly_one(clean_db):
    outcomes = run_together([lambda n=n: _claim("t1", "seller", f"offer-{n}") for n in range(6)], timeout=120)
    winners = [o for o in outcomes if o.startswith("offer-")]
    assert len(outcomes) == 6
    assert len(winners) == 1, outcomes
    assert outcomes.count("DUPLICATE_OFFER") == 5
    stored = keys.key_ref("t1", "seller").get().to_dict()
    assert stored["offerId"] == winners[0]


def test_another_counterparty_or_request_is_free_and_a_released_key_can_be_claimed_again(clean_db):
    from shared.uow import run_in_transaction

    assert _claim("t1", "seller", "o1") == "o1"
    assert _claim("t1", "other", "o2") == "o2"
    assert _claim("t2", "seller", "o3") == "o3"
    with pytest.raises(Conflict) as caught:
        _claim("t1", "seller", "o4")
    assert caught.value.details == {"offerId": "o1"}
    run_in_transaction(lambda uow: keys.release(uow, "t1", "seller"))
    assert _claim("t1", "seller", "o5") == "o5"
