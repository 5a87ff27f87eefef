"""The view writer on the emulator, called directly: it writes the current state whatever event arrives,
never lets an older read overwrite a newer view, removes the market views of a closed request, and
does nothing on a redelivery."""
from __future__ import annotations

from shared.db import collection
from shared.events.consumer import DomainEvent


def _seed(status="NEGOTIATING", version=5):
    collection("trades").document("t1").set({
        "side": "BUY", "status": status, "number": "TR-25-26-000001", "ownerPartnerId": "buyer", "version": version,
        "ownerHandleSecret": "k", "createdBy": "user-buyer", "quality": {"stapleMm": {"min": "29", "max": "30"}}})
    collection("offers").document("o1").set({
        "tradeId": "t1", "status": "PENDING", "ownerPartnerId": "buyer", "makerPartnerId": "seller",
        "makerHandle": "Seller-AAAAAA", "createdBy": "user-seller", "terms": {"price": "56000"}, "version": 2})


def view(partner, kind, doc_id):
    snapshot = collection("partnerViews").document(partner).collection(kind).document(doc_id).get()
    return snapshot.to_dict() if snapshot.exists else None


def event(event_id, kind="OfferReceived"):
    return DomainEvent(event_id, kind, "o1", {"tradeId": "t1", "offerId": "o1", "recipientPartnerId": "buyer"}, None)


def test_any_event_of_the_request_writes_every_partys_current_view_once(clean_db):
    from functions.tradedesk.view_writer import write_views

    _seed()
    assert write_views(event("e1")) is True
    assert view("buyer", "trades", "t1")["status"] == "NEGOTIATING"
    assert view("buyer", "offers", "o1")["makerHandle"] == "Seller-AAAAAA"
    assert "ownerPartnerId" not in view("seller", "trades", "t1")
    assert view("seller", "offers", "o1")["terms"] == {"price": "56000"}
    collection("offers").document("o1").update({"status": "COUNTERED", "version": 3})
    assert write_views(event("e1")) is False                       # a redelivery: nothing read, nothing written
    assert view("buyer", "offers", "o1")["status"] == "PENDING"
    assert write_views(event("e0", "OfferCountered")) is True        # any later (or older) event: current state
    assert view("buyer", "offers", "o1")["status"] == "COUNTERED"


def test_a_view_showing_a_newer_version_than_the_read_is_not_overwritten(clean_db):
    from functions.tradedesk.view_writer import write_views

    _seed(version=5)
    views = collection("partnerViews")
    views.document("buyer").collection("trades").document("t1").set({"status": "AGREED", "version": 7})
    views.document("seller").collection("trades").document("t1").set({"status": "POSTED", "version": 4})
    write_views(event("e1"))
    assert view("buyer", "trades", "t1") == {"status": "AGREED", "version": 7}
    assert view("seller", "trades", "t1")["status"] == "NEGOTIATING" and view("seller", "trades", "t1")["version"] == 5


def test_the_market_views_of_a_closed_request_are_removed_and_the_parties_keep_theirs(clean_db):
    from functions.tradedesk.view_writer import audience_ref, write_views

    _seed(status="POSTED")
    audience_ref("t1").set({"partnerIds": ["third", "seller"]})
    write_views(event("e1"))
    assert view("third", "trades", "t1")["status"] == "POSTED" and "ownerPartnerId" not in view("third", "trades", "t1")
    collection("trades").document("t1").update({"status": "CANCELLED", "version": 6})
    write_views(event("e2", "OfferRejected"))
    assert view("third", "trades", "t1") is None                     # it left the market
    assert view("seller", "trades", "t1")["status"] == "CANCELLED"   # a party with an offer keeps its view
    assert view("buyer", "trades", "t1")["status"] == "CANCELLED"


def test_an_offer_that_lapses_by_its_timer_tells_the_view_writer(clean_db):
    from datetime import timedelta

    from functions.tradedesk import expiry
    from functions.tradedesk.view_writer import write_views
    from shared import clock
    from tests.support.partners import outbox

    _seed()
    collection("offers").document("o1").update({"negotiationVersion": 1, "validUntil": clock.now() - timedelta(1)})
    assert expiry.run_handler(expiry.expire_offer, "o1", 1) == {"expired": True}
    [lapsed] = outbox("OfferExpired")
    assert lapsed["data"] == {"tradeId": "t1", "offerId": "o1", "recipientPartnerId": "buyer",   # waiting on the maker
                              "reason": "VALIDITY_ENDED"}
    assert write_views(DomainEvent(lapsed["eventId"], "OfferExpired", "o1", lapsed["data"], None)) is True
    assert (view("buyer", "offers", "o1")["status"], view("seller", "offers", "o1")["status"]) == ("EXPIRED", "EXPIRED")
