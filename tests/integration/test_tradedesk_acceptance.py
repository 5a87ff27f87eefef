"""Acceptance in one transaction, raced on the Firestore emulator: open quantity never below zero, no
offer accepted twice, the other live offers rejected when the request fills, OFFER_EXPIRED before any
timer, NOT_YOUR_TURN and STALE_VERSION with nothing written."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from functions.tradedesk import acceptance, keys
from shared import clock
from shared.errors import Conflict
from tests.support.concurrency import run_together

BALE_KG = Decimal(170)


def _contract_writer(uow, trade, offer):
    # A contract per accepted offer, written in the acceptance's unit of work (`create`: a second one
    # for the same offer would fail the commit). Stands in for contracts.public.create_draft_contract.
    from shared.db import collection

    uow.create(collection("testContracts").document(offer["id"]), {"tradeId": trade["id"], "offerId": offer["id"]})
    return {"id": offer["id"], "number": f"SC/TEST/{offer['id']}"}


def _seed(open_bales: int, offers: dict[str, int], *, turn: str = "OWNER", valid_for=timedelta(hours=24)) -> None:
    from shared.db import collection

    now = clock.now()
    for partner_id in ("buyer", *(f"seller-{offer_id}" for offer_id in offers)):
        collection("partners").document(partner_id).set({"status": "ACTIVE", "kyc": {"dueDate": "2099-01-01"}})
    collection("trades").document("t1").set({
        "status": "POSTED", "ownerPartnerId": "buyer", "orgId": "org-1", "number": "TR-25-26-000001",
        "openKg": str(open_bales * BALE_KG), "filledKg": "0", "version": 1})
    for offer_id, bales in offers.items():
        maker = f"seller-{offer_id}"
        collection("offers").document(offer_id).set({
            "tradeId": "t1", "status": "COUNTERED", "negotiationVersion": 2, "turn": turn,
            "ownerPartnerId": "buyer", "makerPartnerId": maker,
            "quantity": {"value": str(bales), "unit": "BALE", "kg": str(bales * BALE_KG)},
            "validUntil": now + valid_for, "version": 2})
        keys.key_ref("t1", maker).set({"offerId": offer_id})



def test_twenty_concurrent_acceptances_never_overfill_a_500_bale_request(clean_db):
    from shared.db import collection

    offers = {f"o{n:02d}": 30 for n in range(20)}          # 600 bales offered on 500 open
    _seed(500, offers)
    outcomes = run_together([lambda oid=oid: acceptance.accept(oid, 2, "buyer", None, contract_writer=_contract_writer)
                      for oid in offers])
    accepted = [o for o in outcomes if isinstance(o, dict)]
    assert len(outcomes) == 20
    assert len(accepted) == 16, outcomes                     # 16 x 30 = 480 <= 500; a 17th would need 30 > 20
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["QUANTITY_EXCEEDS_OPEN"] * 4
    trade = collection("trades").document("t1").get().to_dict()
    assert Decimal(trade["openKg"]) == 20 * BALE_KG >= 0
    assert Decimal(trade["filledKg"]) == 480 * BALE_KG
    assert trade["status"] == "PARTIALLY_FILLED"
    stored = {s.id: s.to_dict() for s in collection("offers").stream()}
    assert sum(1 for o in stored.values() if o["status"] == "ACCEPTED") == 16
    contracts = {s.id for s in collection("testContracts").stream()}
    assert contracts == {o["id"] for o in accepted}           # one contract per accepted offer
    assert {o["contractNumber"] for o in accepted} == {f"SC/TEST/{o['id']}" for o in accepted}


def test_two_concurrent_accepts_of_the_same_version_make_one_contract_and_one_409(clean_db):
    from shared.db import collection

    _seed(500, {"o1": 100})
    outcomes = run_together([lambda: acceptance.accept("o1", 2, "buyer", None, contract_writer=_contract_writer)] * 2)
    assert sorted(type(o).__name__ for o in outcomes) == ["dict", "str"]
    assert [o for o in outcomes if isinstance(o, str)] == ["OFFER_CLOSED"]
    assert len(list(collection("testContracts").stream())) == 1


def test_filling_the_request_rejects_the_other_live_offers_and_frees_their_keys(clean_db):
    from shared.db import collection
    from tests.support.partners import outbox

    _seed(100, {"o1": 100, "o2": 50, "o3": 40})
    result = acceptance.accept("o1", 2, "buyer", None, contract_writer=_contract_writer)
    assert result["status"] == "ACCEPTED" and result["contractId"] == "o1"
    trade = collection("trades").document("t1").get().to_dict()
    assert (trade["status"], Decimal(trade["openKg"])) == ("AGREED", 0)
    for other in ("o2", "o3"):
        data = collection("offers").document(other).get().to_dict()
        assert (data["status"], data["rejectionReason"]) == ("REJECTED", "REQUEST_FILLED")
    assert not any(s.exists for s in (keys.key_ref("t1", f"seller-{o}").get() for o in ("o1", "o2", "o3")))
    assert {e["data"]["offerId"] for e in outbox("OfferRejected")} == {"o2", "o3"}
    assert [e["data"]["recipientPartnerId"] for e in outbox("OfferAccepted")] == ["seller-o1"]


@pytest.mark.parametrize(("setup", "call", "code"), [
    ({"valid_for": timedelta(seconds=-1)}, ("buyer", 2), "OFFER_EXPIRED"),
    ({}, ("buyer", 1), "STALE_VERSION"),
    ({}, ("seller-o1", 2), "NOT_YOUR_TURN"),
    ({"turn": "MAKER"}, ("buyer", 2), "NOT_YOUR_TURN"),
], ids=["expired-before-its-timer", "stale-version", "maker-out-of-turn", "owner-out-of-turn"])
def test_refusals_write_nothing(clean_db, setup, call, code):
    from shared.db import collection

    _seed(500, {"o1": 100}, **setup)
    def state():
        return ({s.id: s.to_dict() for s in collection("offers").stream()},
                collection("trades").document("t1").get().to_dict())

    before = state()
    partner, version = call
    with pytest.raises(Conflict) as caught:
        acceptance.accept("o1", version, partner, None, contract_writer=_contract_writer)
    assert caught.value.code == code
    assert state() == before
    assert list(collection("testContracts").stream()) == []
    assert list(collection("outbox").stream()) == []


@pytest.mark.parametrize(("who", "change", "reason"), [
    ("seller-o1", {"status": "SUSPENDED"}, "PARTNER_SUSPENDED"),
    ("buyer", {"kyc": {"dueDate": "2020-01-01"}}, "KYC_OVERDUE"),
], ids=["maker-suspended-since-its-offer", "owner-kyc-overdue"])
def test_a_party_that_may_no_longer_trade_cannot_be_accepted(clean_db, who, change, reason):
    from shared.db import collection

    _seed(500, {"o1": 100})
    collection("partners").document(who).update(change)
    with pytest.raises(Conflict) as caught:
        acceptance.accept("o1", 2, "buyer", None, contract_writer=_contract_writer)
    assert (caught.value.code, caught.value.details["reason"], caught.value.details["partnerId"]) == (
        "PARTNER_CANNOT_TRADE", reason, who)
    assert collection("offers").document("o1").get().to_dict()["status"] == "COUNTERED"
    assert list(collection("testContracts").stream()) == []


def test_a_stranger_gets_404(clean_db):
    from shared.errors import NotFound

    _seed(500, {"o1": 100})
    with pytest.raises(NotFound):
        acceptance.accept("o1", 2, "someone", None)
