"""Request expiry through the Cloud Tasks emulator (DOMAIN.md "Trade desk"): posting sets a timer named by
request and validity version; when it fires an open request becomes EXPIRED with its live offers
(REQUEST_EXPIRED, TradeExpired, OfferExpired); an AGREED or CANCELLED request, or a timer of an older
validity, changes nothing. Withdraw and expiry of an offer tell the other party (OfferWithdrawn, OfferExpired)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.tradedesk import expiry, keys, negotiation
from shared import clock, timers
from shared.auth.principal import Actor
from tests.integration.test_timers import stack  # noqa: F401 - fixture: the gateway as the queue's target
from tests.support.partners import outbox

PATH = "/jobs/timers/trade-expiry"


def _seed(status="NEGOTIATING", validity_version=1, offers=("PENDING", "ACCEPTED"), valid_for=timedelta(minutes=-1)):
    from shared.db import collection

    collection("trades").document("t1").set({
        "status": status, "ownerPartnerId": "buyer", "number": "TR-25-26-000007", "openKg": "17000",
        "validUntil": clock.now() + valid_for, "validityVersion": validity_version, "version": 3})
    for n, offer_status in enumerate(offers):
        maker = f"seller-{n}"
        collection("offers").document(f"o{n}").set({
            "tradeId": "t1", "status": offer_status, "negotiationVersion": 1, "turn": "OWNER",
            "ownerPartnerId": "buyer", "makerPartnerId": maker, "validUntil": clock.now() + timedelta(hours=5),
            "version": 1})
        keys.key_ref("t1", maker).set({"offerId": f"o{n}"})


def _schedule(version: int) -> str:
    from shared.uow import run_in_transaction

    return run_in_transaction(lambda uow: expiry.schedule_trade_timer(uow, "t1", version, datetime.now(UTC))
                              or timers.task_name("trade-expiry", "t1", version))


def _doc(name: str, doc_id: str) -> dict:
    from shared.db import collection

    return collection(name).document(doc_id).get().to_dict()


def _audit() -> list[tuple[str, str]]:
    from shared.db import collection

    return sorted((e["action"], e["entityId"]) for e in (s.to_dict() for s in collection("auditLog").stream()))


def test_the_timer_expires_an_open_request_and_its_live_offers_with_a_reason(stack):  # noqa: F811
    _seed()
    assert _schedule(1) == "trade-expiry-t1-v1"

    [call] = stack.wait(PATH, 1)
    assert call["status"] == 200 and call["body"]["result"] == {"expired": True, "offersExpired": 1}
    trade, live, accepted = _doc("trades", "t1"), _doc("offers", "o0"), _doc("offers", "o1")
    assert trade["status"] == "EXPIRED"
    assert (live["status"], live["expiryReason"]) == ("EXPIRED", "REQUEST_EXPIRED")
    assert accepted["status"] == "ACCEPTED" and "expiryReason" not in accepted
    assert not keys.key_ref("t1", "seller-0").get().exists
    assert [e["data"]["recipientPartnerId"] for e in outbox("TradeExpired")] == ["buyer"]
    assert [(e["data"]["recipientPartnerId"], e["data"]["offerId"], e["data"]["reason"])
            for e in outbox("OfferExpired")] == [("seller-0", "o0", "REQUEST_EXPIRED")]
    assert _audit() == [("offer.expire", "o0"), ("trade.expire", "t1")]


@pytest.mark.parametrize("closed", ["AGREED", "CANCELLED"])
def test_an_agreed_or_cancelled_request_stays_so_when_its_old_timer_fires(stack, closed):  # noqa: F811
    _seed(status=closed, offers=("ACCEPTED",) if closed == "AGREED" else ("REJECTED",))
    _schedule(1)

    [call] = stack.wait(PATH, 1)
    assert call["status"] == 200 and call["body"]["result"] == {"expired": False, "reason": "not open"}
    assert _doc("trades", "t1")["status"] == closed and _doc("trades", "t1")["version"] == 3
    assert outbox("TradeExpired") == [] and outbox("OfferExpired") == [] and _audit() == []


def test_a_timer_of_an_older_validity_does_nothing_and_the_current_one_expires(stack):  # noqa: F811
    _seed(validity_version=2)
    _schedule(1)

    [call] = stack.wait(PATH, 1)
    assert call["body"]["result"] == {"expired": False, "reason": "stale version"}
    assert _doc("trades", "t1")["status"] == "NEGOTIATING" and _doc("offers", "o0")["status"] == "PENDING"

    _schedule(2)
    calls = stack.wait(PATH, 2)
    assert calls[1]["body"]["result"] == {"expired": True, "offersExpired": 1}
    assert _doc("trades", "t1")["status"] == "EXPIRED"


def test_posting_a_request_sets_its_timer_at_validity_version_1_and_the_sweep_is_the_backstop(api):
    from functions.masters.cached import CACHE
    from functions.masters.seed import seed_masters
    from tests.support.tradedesk import partner_user, request_body, seed_partner

    CACHE.clear()
    seed_masters()
    seed_partner("p-buyer", "BUYER", legal_name="Sunrise Spinning Mills", pan="AAACB1111K")
    token, _ = partner_user("p-buyer")
    trade = api.post("/api/trades", json=request_body(validityDays=2), token=token).get_json()
    posted = api.post(f"/api/trades/{trade['id']}/post", token=token).get_json()
    stored = _doc("trades", trade["id"])
    assert (posted["status"], stored["validityVersion"]) == ("POSTED", 1)
    [timer] = [e for e in outbox(timers.SCHEDULED_TYPE) if e["timer"] == "trade-expiry"]
    assert (timer["task"], timer["data"]["version"]) == (f"trade-expiry-{trade['id']}-v1", 1)
    assert timer["fireAt"] == stored["validUntil"] and stored["validUntil"] - stored["postedAt"] == timedelta(days=2)

    clock.advance(timedelta(days=2, seconds=1))                 # the task was lost: the sweep expires it
    assert expiry.sweep()["tradesExpired"] == 1
    assert _doc("trades", trade["id"])["status"] == "EXPIRED"
    CACHE.clear()


def test_withdraw_tells_the_owner_and_an_offer_lapsing_tells_the_party_waiting(clean_db):
    _seed(valid_for=timedelta(days=3), offers=("PENDING", "COUNTERED"))
    from shared.db import collection

    negotiation.withdraw("o0", "seller-0", Actor("user-seller-0"))
    assert [(e["data"]["recipientPartnerId"], e["data"]["offerId"]) for e in outbox("OfferWithdrawn")] == [
        ("buyer", "o0")]
    collection("offers").document("o1").update({"turn": "MAKER"})     # the buyer countered, the seller is to answer
    clock.advance(timedelta(hours=5, seconds=1))
    assert expiry.run_handler(expiry.expire_offer, "o1", 1) == {"expired": True}
    assert _doc("offers", "o1")["expiryReason"] == "VALIDITY_ENDED"
    assert [(e["data"]["recipientPartnerId"], e["data"]["reason"]) for e in outbox("OfferExpired")] == [
        ("buyer", "VALIDITY_ENDED")]
    assert ("offer.withdraw", "o0") in _audit() and ("offer.expire", "o1") in _audit()
