"""Expiry touches only open states, at the version its timer was set for; the sweep is the backstop."""
from __future__ import annotations

from datetime import timedelta

import pytest

from functions.tradedesk import expiry, keys
from shared import clock


def _seed(status="PENDING", version=1, trade_status="NEGOTIATING"):
    from shared.db import collection

    now = clock.now()
    collection("trades").document("t1").set({"status": trade_status, "ownerPartnerId": "buyer", "openKg": "17000",
                                             "validUntil": now + timedelta(days=7), "version": 1})
    collection("offers").document("o1").set({"tradeId": "t1", "status": status, "negotiationVersion": version,
                                             "turn": "OWNER", "ownerPartnerId": "buyer", "makerPartnerId": "seller",
                                             "validUntil": now + timedelta(hours=2), "version": 1})
    keys.key_ref("t1", "seller").set({"offerId": "o1"})


def _status(collection_name, doc_id):
    from shared.db import collection

    return collection(collection_name).document(doc_id).get().to_dict()["status"]


def test_a_live_offer_expires_when_its_timer_fires_after_validity(clean_db):
    _seed()
    assert expiry.run_handler(expiry.expire_offer, "o1", 1)["expired"] is False   # fired early: still valid
    clock.advance(timedelta(hours=2, seconds=1))
    assert expiry.run_handler(expiry.expire_offer, "o1", 1) == {"expired": True}
    assert _status("offers", "o1") == "EXPIRED"
    assert not keys.key_ref("t1", "seller").get().exists


@pytest.mark.parametrize("closed", ["ACCEPTED", "REJECTED", "WITHDRAWN"])
def test_a_closed_offer_never_expires(clean_db, closed):
    _seed(status=closed)
    clock.advance(timedelta(days=3))
    assert expiry.run_handler(expiry.expire_offer, "o1", 1)["expired"] is False
    assert expiry.sweep()["offersExpired"] == 0
    assert _status("offers", "o1") == closed


def test_the_timer_of_an_older_version_is_stale(clean_db):
    _seed(status="COUNTERED", version=3)
    clock.advance(timedelta(days=1))
    assert expiry.run_handler(expiry.expire_offer, "o1", 2) == {"expired": False, "reason": "stale version"}
    assert _status("offers", "o1") == "COUNTERED"


def test_the_warning_goes_to_the_party_whose_turn_it_is(clean_db):
    from tests.support.partners import outbox

    _seed(status="COUNTERED", version=2)
    assert expiry.run_handler(expiry.warn_offer_expiring, "o1", 1) == {"warned": False}
    assert expiry.run_handler(expiry.warn_offer_expiring, "o1", 2) == {"warned": True}
    assert [e["data"]["recipientPartnerId"] for e in outbox("OfferExpiring")] == ["buyer"]


def test_the_sweep_expires_what_lost_timers_left_and_an_agreed_request_stays_agreed(clean_db):
    from tests.support.partners import outbox

    _seed()
    clock.advance(timedelta(days=8))
    assert expiry.sweep() == {"offersExpired": 1, "tradesExpired": 1, "skipped": 0}
    assert (_status("offers", "o1"), _status("trades", "t1")) == ("EXPIRED", "EXPIRED")
    assert [e["data"]["recipientPartnerId"] for e in outbox("TradeExpired")] == ["buyer"]
    _seed(status="ACCEPTED", trade_status="AGREED")
    assert expiry.sweep() == {"offersExpired": 0, "tradesExpired": 0, "skipped": 0}
    assert (_status("offers", "o1"), _status("trades", "t1")) == ("ACCEPTED", "AGREED")
