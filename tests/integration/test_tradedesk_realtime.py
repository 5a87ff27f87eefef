"""The trade desk's realtime views and TradePosted, end to end on the emulators: the HTTP API commits,
the outbox publishes to the Pub/Sub emulator, whose push subscriptions deliver to the gateway's
`/_events/on_trade_event` (partnerViews, the announcement) and `/_events/on_domain_event` (inboxes), as
the local stack wires them. Firestore listeners watch what a partner's web client would."""
from __future__ import annotations

import json
import threading
import time
from contextlib import ExitStack

import pytest

from shared.db import collection
from tests.support.identity import token_for
from tests.support.notifications import seed_user, served_gateway_with_push
from tests.support.tradedesk import PARTNER_PERMISSIONS, offer_body, request_body, seed_partner

PARTIES = {
    "buyer": ("BUYER", "Sunrise Spinning Mills", "AAACB1111K", "24", "+919811111111"),
    "seller": ("SELLER", "Patel Ginning Factory", "AAAFS2222L", "27", "+919822222222"),
    "seller2": ("SELLER", "Kisan Cotton Ginners", "AAAFT3333M", "24", "+919833333333"),
}
WAIT = 30.0


@pytest.fixture
def desk(api):
    from functions.masters.cached import CACHE
    from functions.masters.seed import seed_masters

    CACHE.clear()
    seed_masters()
    parties, tokens, identities = {}, {}, {}
    for name, (kind, legal_name, pan, state, phone) in PARTIES.items():
        partner_id, user_id = f"p-{name}", f"u-{name}"
        doc = seed_partner(partner_id, kind, legal_name=legal_name, pan=pan, state_code=state, phone=phone)
        seed_user(user_id, partnerId=partner_id, name=f"{legal_name} Owner", email=f"{name}@mill.example.in",
                  mobile=phone)
        tokens[name], _ = token_for(set(PARTNER_PERMISSIONS), kind="partner", role="PARTNER_PRIMARY",
                                    user_id=user_id, partner_id=partner_id)
        parties[name] = doc
        # every string that names this side: partner id, name, code, PAN, GSTIN, contact, user id
        identities[name] = {partner_id, user_id, doc["code"], legal_name, pan, *doc["gstins"], phone,
                            doc["contacts"][0]["email"], doc["contacts"][0]["name"], f"{name}@mill.example.in"}
    with ExitStack() as stack:
        stack.enter_context(served_gateway_with_push(function="on_trade_event"))
        stack.enter_context(served_gateway_with_push())                       # on_domain_event: the inboxes
        yield {"api": api, "tokens": tokens, "identities": identities}
    CACHE.clear()


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _until(read, predicate, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if predicate(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def views(partner: str, kind: str) -> dict[str, dict]:
    return {s.id: s.to_dict() for s in collection("partnerViews").document(f"p-{partner}").collection(kind).stream()}


def inbox(partner: str) -> dict[str, dict]:
    notifications = collection("users").document(f"u-{partner}").collection("notifications")
    return {s.id: s.to_dict() for s in notifications.stream()}


def readable_by(partner: str) -> str:
    """Everything the partner's web client can read (its views and its user's inbox), serialized."""
    return json.dumps({"trades": views(partner, "trades"), "offers": views(partner, "offers"),
                       "inbox": inbox(partner)}, default=str)


def _event_ids(kind: str) -> set[str]:
    return {s.id for s in collection("outbox").stream() if (s.to_dict() or {}).get("type") == kind}


class Watcher:
    """An on_snapshot listener on one partner's offers view collection, as the web client opens it."""

    def __init__(self, partner: str) -> None:
        self.docs: dict[str, dict] = {}
        self.ready = threading.Event()
        self.updated = threading.Condition()
        query = collection("partnerViews").document(f"p-{partner}").collection("offers")
        self.watch = query.on_snapshot(self._on)

    def _on(self, snapshots, changes, read_time):
        with self.updated:
            for change in changes:
                self.docs[change.document.id] = change.document.to_dict()
            self.updated.notify_all()
        self.ready.set()

    def wait_for(self, predicate, timeout: float = WAIT) -> bool:
        with self.updated:
            return self.updated.wait_for(lambda: predicate(self.docs), timeout=timeout)

    def close(self) -> None:
        self.watch.unsubscribe()


def _negotiate(desk) -> tuple[dict, dict]:
    """The buyer posts, the seller offers, the buyer counters, the seller counters back (version 3)."""
    api, buyer, seller = desk["api"], desk["tokens"]["buyer"], desk["tokens"]["seller"]
    trade = _ok(api.post("/api/trades", json=request_body(), token=buyer), 201)
    _ok(api.post(f"/api/trades/{trade['id']}/post", token=buyer))
    offer = _ok(api.post("/api/offers", token=seller, json=offer_body(trade["id"])), 201)
    _ok(api.post(f"/api/offers/{offer['id']}/counter", token=buyer, json={"version": 1, "price": 55000}))
    _ok(api.post(f"/api/offers/{offer['id']}/counter", token=seller, json={"version": 2, "price": 55800}))
    return trade, offer


def test_the_buyers_listener_receives_the_sellers_counter_offer(desk):
    watcher = Watcher("buyer")
    try:
        assert watcher.ready.wait(10), "the listener's first (empty) snapshot"
        assert watcher.docs == {}
        trade, offer = _negotiate(desk)
        arrived = watcher.wait_for(lambda docs: (docs.get(offer["id"]) or {}).get("negotiationVersion") == 3)
        assert arrived, f"the counter-offer never reached the buyer's listener: {watcher.docs}"
        seen = watcher.docs[offer["id"]]
        assert (seen["terms"]["price"], seen["turn"], seen["status"]) == ("55800", "OWNER", "COUNTERED")
        assert seen["tradeId"] == trade["id"] and seen["makerHandle"].startswith("Seller-")
        assert "makerPartnerId" not in seen and "p-seller" not in json.dumps(seen, default=str)
    finally:
        watcher.close()
    # the seller's own view of the offer follows it too (its counter, the buyer's turn)
    mine = _until(lambda: views("seller", "offers"),
                  lambda v: (v.get(offer["id"]) or {}).get("negotiationVersion") == 3)
    assert mine[offer["id"]]["terms"]["price"] == "55800"


def test_no_view_or_notification_names_the_other_side_before_acceptance_and_both_see_each_other_after(desk):
    api = desk["api"]
    trade, offer = _negotiate(desk)
    wanted = _event_ids("OfferReceived") | _event_ids("OfferCountered")
    _until(lambda: set(inbox("buyer")) | set(inbox("seller")), lambda ids: wanted <= ids)
    _until(lambda: views("buyer", "offers"), lambda v: (v.get(offer["id"]) or {}).get("negotiationVersion") == 3)
    _until(lambda: views("seller", "offers"), lambda v: (v.get(offer["id"]) or {}).get("negotiationVersion") == 3)

    assert set(views("buyer", "trades")) == {trade["id"]} and set(views("seller", "trades")) == {trade["id"]}
    assert len(inbox("buyer")) == 2 and len(inbox("seller")) == 1         # received + the seller's counter; one
    for reader, other in (("buyer", "seller"), ("seller", "buyer")):
        text = readable_by(reader)
        leaked = sorted(identity for identity in desk["identities"][other] if identity in text)
        assert leaked == [], f"{reader} can read {leaked} of the {other}"
    assert "ownerHandleSecret" not in readable_by("buyer")                # not even the owner reads its secret

    _ok(api.post(f"/api/offers/{offer['id']}/accept", token=desk["tokens"]["buyer"], json={"version": 3}))
    buyer_offer = _until(lambda: views("buyer", "offers")[offer["id"]], lambda v: v["status"] == "ACCEPTED")
    seller_trade = _until(lambda: views("seller", "trades")[trade["id"]], lambda v: v.get("status") == "AGREED")
    assert buyer_offer["makerPartnerId"] == "p-seller" and buyer_offer["contractNumber"]
    assert seller_trade["ownerPartnerId"] == "p-buyer"
    assert views("seller", "offers")[offer["id"]]["ownerPartnerId"] == "p-buyer"


def _lot(desk, name, hvi):
    body = {"commodityId": "COTTON", "lab": "CAI Rajkot", "reportNumber": f"HVI-{name}", "reportDate": "2026-01-20",
            "hvi": hvi, "stationId": "24-rajkot", "quantity": {"value": 500, "unit": "BALE"}}
    return _ok(desk["api"].post("/api/tested-lots", token=desk["tokens"][name], json=body), 201)


def test_a_seller_with_a_matching_lot_hears_of_the_posted_request_and_gets_its_market_view(desk):
    api, buyer = desk["api"], desk["tokens"]["buyer"]
    _lot(desk, "seller", {"stapleMm": 29.2, "micronaire": 4.1})            # inside both ranges
    _lot(desk, "seller2", {"stapleMm": 25, "micronaire": 5.5})             # far outside: quality ~51
    trade = _ok(api.post("/api/trades", json=request_body(), token=buyer), 201)
    _ok(api.post(f"/api/trades/{trade['id']}/post", token=buyer))

    told = _until(lambda: inbox("seller"), lambda found: bool(found))
    assert len(told) == 1, told
    [notification] = told.values()
    assert notification["eventType"] == "TradePosted" and notification["title"] == "A trade request matches your stock"
    assert trade["number"] in notification["body"] and notification["link"] == {"entity": "trade", "id": trade["id"]}
    market = _until(lambda: views("seller", "trades"), lambda found: trade["id"] in found)[trade["id"]]
    assert (market["status"], market["quality"]) == ("POSTED", trade["quality"])
    text = readable_by("seller")
    assert sorted(i for i in desk["identities"]["buyer"] if i in text) == []
    assert "ownerPartnerId" not in market and "postedBy" not in market

    # one TradePosted, to the seller only; the other seller's lot does not fit: no notification, no view
    events = [s.to_dict() for s in collection("outbox").stream() if s.to_dict()["type"] == "TradePosted"]
    assert [e["data"]["recipientPartnerId"] for e in events] == ["p-seller"]
    time.sleep(1.0)                                # the announcement's fan-out had time to reach everyone
    assert inbox("seller2") == {} and views("seller2", "trades") == {}
    assert collection("tradeAudiences").document(trade["id"]).get().to_dict()["partnerIds"] == ["p-seller"]


def test_a_withdrawn_offer_and_a_cancelled_request_reach_the_views_and_the_market_view_goes(desk):
    api, buyer, seller = desk["api"], desk["tokens"]["buyer"], desk["tokens"]["seller"]
    _lot(desk, "seller2", {"stapleMm": 29.2, "micronaire": 4.1})           # seller2 is told of the request
    trade = _ok(api.post("/api/trades", json=request_body(), token=buyer), 201)
    _ok(api.post(f"/api/trades/{trade['id']}/post", token=buyer))
    assert trade["id"] in _until(lambda: views("seller2", "trades"), lambda found: trade["id"] in found)
    offer = _ok(api.post("/api/offers", token=seller, json=offer_body(trade["id"])), 201)
    assert _until(lambda: views("buyer", "offers"), lambda v: offer["id"] in v)[offer["id"]]["status"] == "PENDING"

    _ok(api.post(f"/api/offers/{offer['id']}/withdraw", token=seller, json={}))
    owner_view = _until(lambda: views("buyer", "offers")[offer["id"]], lambda v: v["status"] != "PENDING")
    assert owner_view["status"] == "WITHDRAWN"

    _ok(api.post(f"/api/trades/{trade['id']}/cancel", token=buyer, json={"reason": "bought elsewhere"}))
    market = _until(lambda: views("seller2", "trades"), lambda found: trade["id"] not in found)
    assert market == {}                                                    # it left seller2's market
    assert _until(lambda: views("seller", "trades")[trade["id"]],
                  lambda v: v["status"] == "CANCELLED")["status"] == "CANCELLED"   # the maker keeps its view
    assert views("buyer", "trades")[trade["id"]]["status"] == "CANCELLED"
