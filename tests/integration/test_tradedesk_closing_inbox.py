"""An offer that ends without a deal reaches the right inbox, and only that one, end to end: through the HTTP
API (and the expiry sweep), with the events published to the Pub/Sub emulator and pushed to the gateway's
fan-out as in the local stack. Withdrawn: the request's owner is told; expired: the party that was waiting
for an answer (VALIDITY_ENDED) or the maker when the request expired (REQUEST_EXPIRED); a cancelled
request: the maker of each live offer on it. No notice names the other side (the trade desk's anonymity)."""
from __future__ import annotations

import time
from datetime import timedelta

from functions.tradedesk import expiry
from shared import clock
from shared.db import collection
from tests.integration.test_settlement_inbox import _inbox_until
from tests.integration.test_tradedesk_api import (
    _ok,
    _posted,
    desk,  # noqa: F401 - fixture
)
from tests.support.notifications import seed_user, served_gateway_with_push
from tests.support.tradedesk import offer_body

USERS = {"meena": "p-buyer", "ravi": "p-seller", "kiran": "p-seller2"}
# What would identify a party to the other side: legal names, partner ids and codes, user names.
IDENTITIES = ("Sunrise", "Patel", "Kisan", "p-buyer", "p-seller", "Meena", "Ravi", "Kiran")


def _seed_users() -> None:
    for uid, partner in USERS.items():
        seed_user(uid, partnerId=partner, name=f"{uid.title()} Shah")


def _told(kind: str) -> dict[str, str]:
    """{recipient partner id: event id} of the outbox events of `kind` that name a recipient."""
    return {d["data"]["recipientPartnerId"]: s.id for s in collection("outbox").stream()
            if (d := s.to_dict())["type"] == kind and d["data"].get("recipientPartnerId")}


def _inbox(uid: str) -> dict[str, dict]:
    return {s.id: s.to_dict() for s in collection("users").document(uid).collection("notifications").stream()}


def _settled(wanted: dict[str, set[str]]) -> dict[str, dict[str, dict]]:
    """Every user's inbox once the wanted entries arrived, and a moment later (so a stray one would show)."""
    for uid, ids in wanted.items():
        _inbox_until(uid, ids)
    time.sleep(1.0)
    return {uid: _inbox(uid) for uid in USERS}


def _anonymous(entry: dict) -> None:
    text = entry["title"] + " " + entry["body"]
    assert not [name for name in IDENTITIES if name in text], text


def test_a_withdrawn_offer_tells_the_owner_and_a_cancelled_request_the_makers_of_its_live_offers(api, desk):  # noqa: F811
    _seed_users()
    buyer, seller, seller2 = (desk["tokens"][name] for name in ("buyer", "seller", "seller2"))
    with served_gateway_with_push():
        trade = _posted(api, buyer)
        withdrawn = _ok(api.post("/api/offers", token=seller, json=offer_body(trade["id"])), 201)
        live = _ok(api.post("/api/offers", token=seller2, json=offer_body(trade["id"])), 201)
        _ok(api.post(f"/api/offers/{withdrawn['id']}/withdraw", token=seller, json={}))
        _ok(api.post(f"/api/trades/{trade['id']}/cancel", token=buyer, json={"reason": "bought elsewhere"}))

        received = set(_received_by("p-buyer"))
        gone, cancelled = _told("OfferWithdrawn"), _told("TradeCancelled")
        assert len(received) == 2 and set(gone) == {"p-buyer"}
        assert set(cancelled) == {"p-seller2"}                           # the withdrawn offer was no longer live
        inboxes = _settled({"meena": {gone["p-buyer"], *received}, "kiran": {cancelled["p-seller2"]}})

    withdrawal = inboxes["meena"][gone["p-buyer"]]
    assert withdrawal["title"] == f"Offer {withdrawn['id']} withdrawn"
    assert withdrawal["body"] == (f"Offer {withdrawn['id']} on your trade request {trade['number']} was withdrawn "
                                  "by the party that made it.")
    assert withdrawal["link"] == {"entity": "offer", "id": withdrawn["id"]} and withdrawal["category"] == "trade"
    cancellation = inboxes["kiran"][cancelled["p-seller2"]]
    assert cancellation["title"] == f"Trade request {trade['number']} cancelled"
    assert cancellation["body"] == (f"Trade request {trade['number']} was cancelled by its owner, so your offer "
                                    f"{live['id']} on it is closed.")
    assert cancellation["link"] == {"entity": "offer", "id": live["id"]}
    # nobody else hears of either: the owner has its two offers and the withdrawal, each maker nothing more
    assert set(inboxes["meena"]) == {gone["p-buyer"], *received}
    assert set(inboxes["ravi"]) == set() and set(inboxes["kiran"]) == {cancelled["p-seller2"]}
    for entry in (withdrawal, cancellation):
        _anonymous(entry)
    # the cancelled request's live offer is rejected as before; no OfferRejected notice doubles the cancellation
    assert collection("offers").document(live["id"]).get().to_dict()["rejectionReason"] == "REQUEST_CANCELLED"
    assert _told("OfferRejected") == {}


def _received_by(partner_id: str) -> list[str]:
    return [s.id for s in collection("outbox").stream()
            if (d := s.to_dict())["type"] == "OfferReceived" and d["data"]["recipientPartnerId"] == partner_id]


def test_a_lapsed_offer_tells_the_party_waiting_and_an_expired_request_the_maker(api, desk):  # noqa: F811
    _seed_users()
    buyer, seller, seller2 = (desk["tokens"][name] for name in ("buyer", "seller", "seller2"))
    with served_gateway_with_push():
        week = _posted(api, buyer)                                       # valid 7 days
        unanswered = _ok(api.post("/api/offers", token=seller, json=offer_body(week["id"])), 201)  # buyer's turn
        countered = _ok(api.post("/api/offers", token=seller2, json=offer_body(week["id"])), 201)
        _ok(api.post(f"/api/offers/{countered['id']}/counter", token=buyer, json={"version": 1, "price": 56200}))
        day = _posted(api, buyer, validityDays=1)
        outlived = _ok(api.post("/api/offers", token=seller, json=offer_body(day["id"], validityHours=72)), 201)

        clock.advance(timedelta(days=1, hours=1))        # both 24-hour offers lapsed, and the one-day request
        assert expiry.sweep() == {"offersExpired": 2, "tradesExpired": 1, "skipped": 0}

        events = [s.to_dict() for s in collection("outbox").stream() if s.to_dict()["type"] == "OfferExpired"]
        by_offer = {e["data"]["offerId"]: (e["data"]["recipientPartnerId"], e["data"]["reason"], e["eventId"])
                    for e in events}
        assert {offer: told[:2] for offer, told in by_offer.items()} == {
            unanswered["id"]: ("p-seller", "VALIDITY_ENDED"),     # the buyer did not answer: the seller waited
            countered["id"]: ("p-buyer", "VALIDITY_ENDED"),       # seller2 did not answer the counter
            outlived["id"]: ("p-seller", "REQUEST_EXPIRED")}
        ids = {offer: told[2] for offer, told in by_offer.items()}
        inboxes = _settled({"ravi": {ids[unanswered["id"]], ids[outlived["id"]]}, "meena": {ids[countered["id"]]}})

    assert inboxes["ravi"][ids[unanswered["id"]]]["body"] == (
        f"Offer {unanswered['id']} on trade request {week['number']} expired: its validity ended before it was "
        "answered.")
    assert inboxes["ravi"][ids[outlived["id"]]]["body"] == (
        f"Offer {outlived['id']} on trade request {day['number']} expired: its trade request reached the end of "
        "its validity.")
    assert inboxes["meena"][ids[countered["id"]]]["title"] == f"Offer {countered['id']} expired"
    # the party whose turn it was is not told of the lapse (it had the OfferExpiring warning)
    assert ids[unanswered["id"]] not in inboxes["meena"] and ids[countered["id"]] not in inboxes["kiran"]
    assert ids[outlived["id"]] not in inboxes["meena"]
    for inbox in inboxes.values():
        for event_id in set(ids.values()) & set(inbox):
            _anonymous(inbox[event_id])
