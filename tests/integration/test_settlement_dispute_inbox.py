"""Dispute events reach the parties' inboxes end to end: raising, assigning and resolving a dispute publish
to the Pub/Sub emulator, whose push subscription delivers them to the gateway's fan-out, which writes
`users/{uid}/notifications`; an unrelated partner's user hears nothing, internal comments announce nothing."""
from __future__ import annotations

import time

from shared.auth.permissions import BUILT_IN_ROLES
from shared.db import collection
from tests.support.contracts import ORG, active_contract
from tests.support.identity import token_for
from tests.support.notifications import seed_user, served_gateway_with_push


def _events(kind: str) -> list[str]:
    return [s.id for s in collection("outbox").stream() if s.to_dict()["type"] == kind]


def _inbox_until(user_id: str, wanted: set[str], timeout: float = 30) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while True:
        inbox = {s.id: s.to_dict() for s in collection("users").document(user_id).collection("notifications").stream()}
        if wanted <= set(inbox) or time.monotonic() > deadline:
            return inbox
        time.sleep(0.2)


def test_dispute_events_reach_both_parties_inboxes(api, contract_parties):
    seed_user("meena", partnerId="buyer-1", name="Meena Shah")
    seed_user("ravi", partnerId="seller-1", name="Ravi Patel")
    seed_user("omar", partnerId="other-1", name="Omar Other")
    seed_user("dm", role="DISPUTE_MANAGER", organizationIds=[ORG], name="Asha")
    manager = token_for(BUILT_IN_ROLES["DISPUTE_MANAGER"], user_id="dm", organization_ids=(ORG,))[0]
    buyer = token_for(BUILT_IN_ROLES["PARTNER_PRIMARY"], kind="partner", partner_id="buyer-1", user_id="meena")[0]
    with served_gateway_with_push():
        contract = active_contract(api)
        raised = api.post("/api/disputes", json={"contractId": contract["id"], "type": "DELIVERY",
                                                 "description": "Lifting delayed by 12 days"}, token=buyer)
        assert raised.status_code == 201, raised.get_json()
        dispute = raised.get_json()
        url = f"/api/disputes/{dispute['id']}"
        assert api.post(f"{url}/comments", json={"text": "internal note", "visibility": "INTERNAL"},
                        token=manager).status_code == 201
        assert api.post(f"{url}/assign", json={"userId": "dm"}, token=manager).status_code == 200
        assert api.post(f"{url}/resolve", json={"resolution": "Carrying charges waived"},
                        token=manager).status_code == 200
        [raised_id], [updated_id], [resolved_id] = (_events(k) for k in ("DisputeRaised", "DisputeUpdated",
                                                                         "DisputeResolved"))
        wanted = {raised_id, updated_id, resolved_id}
        buyer_inbox, seller_inbox = _inbox_until("meena", wanted), _inbox_until("ravi", wanted)
        manager_inbox = _inbox_until("dm", {raised_id})
        outsider_inbox = _inbox_until("omar", set(), timeout=0)

    number = dispute["number"]
    for inbox in (buyer_inbox, seller_inbox):
        assert inbox[raised_id]["title"] == f"Dispute {number} raised on contract {contract['number']}"
        assert inbox[updated_id]["title"] == f"Dispute {number} updated"
        assert "UNDER_REVIEW" in inbox[updated_id]["body"]
        assert inbox[resolved_id]["title"] == f"Dispute {number} resolved"
        assert inbox[resolved_id]["link"] == {"entity": "dispute", "id": dispute["id"]}
    assert manager_inbox[raised_id]["title"].startswith(f"Dispute {number}")
    assert outsider_inbox == {}


def test_a_withdrawal_reaches_the_other_partys_inbox(api, contract_parties):
    seed_user("meena", partnerId="buyer-1", name="Meena Shah")
    seed_user("ravi", partnerId="seller-1", name="Ravi Patel")
    buyer = token_for(BUILT_IN_ROLES["PARTNER_PRIMARY"], kind="partner", partner_id="buyer-1", user_id="meena")[0]
    with served_gateway_with_push():
        contract = active_contract(api)
        dispute = api.post("/api/disputes", json={"contractId": contract["id"], "type": "QUALITY",
                                                  "description": "Trash content above 3%"}, token=buyer).get_json()
        withdrawn = api.post(f"/api/disputes/{dispute['id']}/withdraw", json={"reason": "Re-tested: within spec"},
                             token=buyer)
        assert withdrawn.status_code == 200, withdrawn.get_json()
        [updated_id] = _events("DisputeUpdated")
        seller_inbox = _inbox_until("ravi", {updated_id})
    assert seller_inbox[updated_id]["title"] == f"Dispute {dispute['number']} updated"
    assert seller_inbox[updated_id]["body"].endswith("it is now WITHDRAWN.")
    assert seller_inbox[updated_id]["link"] == {"entity": "dispute", "id": dispute["id"]}
