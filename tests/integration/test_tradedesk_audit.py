"""Every state change of a request or an offer leaves an audit entry of the request's organization, with
who made it and the before/after of what changed: here a counter and an acceptance through the API."""
from __future__ import annotations

import pytest

from tests.support.tradedesk import ORG, offer_body, partner_user, request_body, seed_partner


@pytest.fixture
def desk(api):
    from functions.masters.cached import CACHE
    from functions.masters.seed import seed_masters

    CACHE.clear()
    seed_masters()
    seed_partner("p-buyer", "BUYER", legal_name="Sunrise Spinning Mills", pan="AAACB1111K", phone="+919811111111")
    seed_partner("p-seller", "SELLER", legal_name="Patel Ginning Factory", pan="AAAFS2222L", state_code="27",
                 phone="+919822222222")
    yield {name: partner_user(f"p-{name}") for name in ("buyer", "seller")}
    CACHE.clear()


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _entries(entity_id: str) -> list[dict]:
    from shared.db import collection

    return sorted((s.to_dict() for s in collection("auditLog").stream() if s.to_dict()["entityId"] == entity_id),
                  key=lambda e: e["at"])


def test_a_counter_and_an_acceptance_leave_audit_entries_of_the_organization(api, desk):
    (buyer, buyer_user), (seller, seller_user) = desk["buyer"], desk["seller"]
    trade = _ok(api.post("/api/trades", json=request_body(quantity={"value": 100, "unit": "BALE"}), token=buyer), 201)
    _ok(api.post(f"/api/trades/{trade['id']}/post", token=buyer))
    offer = _ok(api.post("/api/offers", token=seller, json=offer_body(trade["id"])), 201)
    _ok(api.post(f"/api/offers/{offer['id']}/counter", token=buyer, json={"version": 1, "price": 56100}))
    _ok(api.post(f"/api/offers/{offer['id']}/accept", token=seller, json={"version": 2}))

    entries = _entries(offer["id"])
    assert [e["action"] for e in entries] == ["offer.create", "offer.counter", "offer.accept"]
    created, countered, accepted = entries
    assert created["userId"] == seller_user.user_id and created["orgIds"] == [ORG]
    assert countered["userId"] == buyer_user.user_id and countered["orgIds"] == [ORG]
    assert countered["changes"]["status"] == {"before": "PENDING", "after": "COUNTERED"}
    assert countered["changes"]["negotiationVersion"] == {"before": 1, "after": 2}
    assert countered["changes"]["changes"]["after"] == ["price"]
    assert accepted["userId"] == seller_user.user_id and accepted["orgIds"] == [ORG]
    assert accepted["changes"]["status"] == {"before": "COUNTERED", "after": "ACCEPTED"}
    assert accepted["changes"]["contractId"]["after"]

    trade_entries = _entries(trade["id"])
    assert [e["action"] for e in trade_entries] == ["trade.create", "trade.post", "trade.negotiate", "trade.fill"]
    assert all(e["orgIds"] == [ORG] for e in trade_entries)
    assert trade_entries[-1]["changes"]["status"] == {"before": "NEGOTIATING", "after": "AGREED"}
    assert trade_entries[-1]["userId"] == seller_user.user_id
