"""One live offer per counterparty per request, under concurrency, on the Firestore emulator."""
from __future__ import annotations

import threading

import pytest

from functions.tradedesk import keys
from shared.errors import Conflict


def _claim(trade_id: str, partner_id: str, offer_id: str) -> str:
    def work(uow):
        keys.claim(uow, trade_id, partner_id, offer_id)
        return offer_id

    return keys.run_claiming(work, None)


def test_concurrent_first_offers_of_one_counterparty_leave_exactly_one(clean_db):
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        try:
            result = _claim("t1", "seller", f"offer-{n}")
        except Conflict as error:
            result = error.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
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
