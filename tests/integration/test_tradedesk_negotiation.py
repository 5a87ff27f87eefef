"""Alternating counters with versions, reject, withdraw and the anonymised history, on the emulator."""
from __future__ import annotations

from datetime import timedelta

import pytest

from functions.tradedesk import keys, negotiation
from functions.tradedesk.anonymity import Viewer
from shared import clock
from shared.auth.principal import Actor
from shared.errors import Conflict, Forbidden, NotFound

BUYER_USER, SELLER_USER = Actor("user-buyer"), Actor("user-seller")


def _seed():
    from shared.db import collection

    terms = {"price": "56000", "priceUnit": "CANDY", "quantity": {"value": "100", "unit": "BALE", "kg": "17000"},
             "message": None}
    collection("trades").document("t1").set({"status": "NEGOTIATING", "ownerPartnerId": "buyer", "openKg": "85000"})
    ref = collection("offers").document("o1")
    ref.set({"tradeId": "t1", "status": "PENDING", "negotiationVersion": 1, "turn": "OWNER",
             "ownerPartnerId": "buyer", "makerPartnerId": "seller", "terms": terms,
             "quantity": terms["quantity"], "validUntil": clock.now() + timedelta(hours=24), "version": 1})
    ref.collection("versions").document("1").set(negotiation.version_doc(1, "MAKER", terms, "user-seller"))
    keys.key_ref("t1", "seller").set({"offerId": "o1"})


def test_two_counters_alternate_turns_and_versions_and_history_hides_the_other_side(clean_db):
    from tests.support.partners import outbox

    _seed()
    first = negotiation.counter("o1", 1, "buyer", {"price": "55000", "message": "best I can do"}, BUYER_USER)
    assert (first["status"], first["negotiationVersion"], first["turn"]) == ("COUNTERED", 2, "MAKER")
    with pytest.raises(Conflict) as caught:                                   # the buyer again: not its turn
        negotiation.counter("o1", 2, "buyer", {"price": "54000"}, BUYER_USER)
    assert caught.value.code == "NOT_YOUR_TURN"
    with pytest.raises(Conflict) as caught:                                   # answering version 1: stale
        negotiation.counter("o1", 1, "seller", {"price": "55500"}, SELLER_USER)
    assert caught.value.code == "STALE_VERSION"
    second = negotiation.counter("o1", 2, "seller", {"price": "55500"}, SELLER_USER)
    assert (second["negotiationVersion"], second["turn"], second["terms"]["price"]) == (3, "OWNER", "55500")
    assert [e["data"]["recipientPartnerId"] for e in outbox("OfferCountered")] in (["seller", "buyer"],
                                                                                  ["buyer", "seller"])
    seen_by_buyer = negotiation.history("o1", Viewer("buyer"))
    assert [(v["version"], v["party"]) for v in seen_by_buyer] == [(1, "MAKER"), (2, "OWNER"), (3, "MAKER")]
    assert all("createdBy" not in v for v in seen_by_buyer if v["party"] == "MAKER")
    assert seen_by_buyer[1]["createdBy"] == "user-buyer"
    assert seen_by_buyer[1]["changes"] == {"price": {"from": "56000", "to": "55000"},
                                           "message": {"from": None, "to": "best I can do"}}
    back_office = negotiation.history("o1", Viewer.back_office_user())
    assert [v["createdBy"] for v in back_office] == ["user-seller", "user-buyer", "user-seller"]
    with pytest.raises(NotFound):
        negotiation.history("o1", Viewer("stranger"))


def test_a_counter_above_the_open_quantity_or_after_validity_is_refused(clean_db):
    _seed()
    with pytest.raises(Conflict) as caught:
        negotiation.counter("o1", 1, "buyer", {"quantity": {"value": "600", "unit": "BALE", "kg": "102000"}},
                            BUYER_USER)
    assert caught.value.code == "QUANTITY_EXCEEDS_OPEN"
    clock.advance(timedelta(hours=25))
    with pytest.raises(Conflict) as caught:
        negotiation.counter("o1", 1, "buyer", {"price": "1"}, BUYER_USER)
    assert caught.value.code == "OFFER_EXPIRED"


def test_reject_by_the_party_to_answer_and_withdraw_by_the_maker_free_the_key(clean_db):
    _seed()
    with pytest.raises(Conflict):
        negotiation.reject("o1", 1, "seller", "no", SELLER_USER)              # not the seller's turn
    rejected = negotiation.reject("o1", 1, "buyer", "price too high", BUYER_USER)
    assert rejected["status"] == "REJECTED"
    assert not keys.key_ref("t1", "seller").get().exists
    with pytest.raises(Conflict) as caught:
        negotiation.withdraw("o1", "seller", SELLER_USER)
    assert caught.value.code == "OFFER_CLOSED"
    _seed()
    with pytest.raises(Forbidden):
        negotiation.withdraw("o1", "buyer", BUYER_USER)
    assert negotiation.withdraw("o1", "seller", SELLER_USER)["status"] == "WITHDRAWN"
    assert not keys.key_ref("t1", "seller").get().exists
