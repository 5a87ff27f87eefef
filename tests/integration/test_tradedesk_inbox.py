"""The negotiation reaches the right inboxes end to end: from a chat message to a contract through the
HTTP API, with the events published to the Pub/Sub emulator and pushed to the gateway's fan-out as in the
local stack, which writes `users/{uid}/notifications` of each side's partner users."""
from __future__ import annotations

from shared.db import collection
from tests.integration.test_settlement_inbox import _inbox_until
from tests.integration.test_tradedesk_api import (
    _ok,
    desk,  # noqa: F401 - fixture
)
from tests.support.notifications import seed_user, served_gateway_with_push
from tests.support.tradedesk import ORG, offer_body


def _told(kind: str) -> dict[str, str]:
    """{recipient partner id: event id} of the outbox events of `kind`."""
    return {s.to_dict()["data"]["recipientPartnerId"]: s.id for s in collection("outbox").stream()
            if s.to_dict()["type"] == kind}


def test_chat_message_to_contract_tells_each_side_in_its_inbox(api, desk):  # noqa: F811
    seed_user("meena", partnerId="p-buyer", name="Meena Shah")
    seed_user("ravi", partnerId="p-seller", name="Ravi Patel")
    buyer, seller = desk["tokens"]["buyer"], desk["tokens"]["seller"]
    with served_gateway_with_push():
        trade = _ok(api.post("/api/trades/from-message", token=buyer, json={
            "text": "Need 200 bales Shankar-6 29 mm mic 3.8 at Rajkot 56000 per candy", "orgId": ORG}), 201)["trade"]
        _ok(api.patch(f"/api/trades/{trade['id']}", token=buyer, json={
            "tradeType": "SPOT", "bargainType": "EX_GIN", "deliveryTerms": "WITHIN_7_DAYS",
            "paymentTerms": "CREDIT_15_DAYS"}))
        _ok(api.post(f"/api/trades/{trade['id']}/post", token=buyer))
        offer = _ok(api.post("/api/offers", token=seller, json=offer_body(trade["id"])), 201)
        _ok(api.post(f"/api/offers/{offer['id']}/counter", token=buyer, json={"version": 1, "price": 56100}))
        _ok(api.post(f"/api/offers/{offer['id']}/counter", token=seller, json={"version": 2, "price": 56300}))
        accepted = _ok(api.post(f"/api/offers/{offer['id']}/accept", token=buyer, json={"version": 3}))
        assert accepted["contractNumber"].startswith("SC/")

        received, countered, agreed = _told("OfferReceived"), _told("OfferCountered"), _told("OfferAccepted")
        buyer_inbox = _inbox_until("meena", {received["p-buyer"], countered["p-buyer"]})
        seller_inbox = _inbox_until("ravi", {countered["p-seller"], agreed["p-seller"]})

    assert {received["p-buyer"], countered["p-buyer"]} <= set(buyer_inbox)
    assert {countered["p-seller"], agreed["p-seller"]} <= set(seller_inbox)
    # each side hears only what is addressed to it
    assert countered["p-seller"] not in buyer_inbox and agreed["p-seller"] not in buyer_inbox
    assert received["p-buyer"] not in seller_inbox and countered["p-buyer"] not in seller_inbox
    assert trade["number"] in buyer_inbox[received["p-buyer"]]["title"] + buyer_inbox[received["p-buyer"]]["body"]
