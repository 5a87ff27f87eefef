"""The trade desk's demo seed: the demo seller's lot once, and a desk the demo logins find not empty."""
from __future__ import annotations

import pytest

from functions.tradedesk import lots
from functions.tradedesk.seed import DEMO_LOT_ID, seed_tradedesk
from tests.integration.test_tradedesk_lots import desk  # noqa: F401 - fixture


def test_the_seed_adds_the_demo_sellers_lot_once(desk):  # noqa: F811
    from shared.db import collection

    collection("partners").document("p-seller").set({"status": "ACTIVE", "kind": "SELLER",
                                                     "kyc": {"dueDate": "2099-01-01"}})
    partners = [{"id": "p-buyer", "kind": "BUYER"}, {"id": "p-seller", "kind": "SELLER"}]
    assert seed_tradedesk(partners) == {"lotId": DEMO_LOT_ID, "created": True, "requests": []}   # no organization
    assert seed_tradedesk(partners) == {"lotId": DEMO_LOT_ID, "created": False, "requests": []}
    stored = lots.lot_ref(DEMO_LOT_ID).get().to_dict()
    assert (stored["partnerId"], stored["status"], stored["totalKg"]) == ("p-seller", "AVAILABLE", "51000.000")
    assert len(list(collection("testedLots").stream())) == 1


@pytest.mark.usefixtures("capture")
def test_the_demo_desk_through_the_demo_logins(api):
    """The demo partners' own logins see a desk that is not empty: the buyer's posted request with the
    seller's offer and the buyer's counter (the seller's turn), the trader's availability on the buyer's
    market, the seller's lot; a second run adds nothing."""
    from functions.masters.cached import CACHE
    from functions.masters.seed import seed_masters
    from local.demo_partners import seed_partners_with_logins
    from shared.db import collection
    from tests.support.auth import login

    CACHE.clear()
    org_ids = seed_masters()["organizationIds"]
    partners = seed_partners_with_logins()
    seeded = seed_tradedesk(partners, org_ids)
    assert seeded["created"] and len(seeded["requests"]) == 2 and "skipped" not in seeded, seeded
    tokens = {p["kind"]: login(api, p["login"]["email"], p["login"]["password"]).get_json()["tokens"]["accessToken"]
              for p in partners}

    [request] = api.get("/api/trades?scope=mine", token=tokens["BUYER"]).get_json()["items"]
    assert (request["side"], request["status"], request["number"]) == ("BUY", "NEGOTIATING", seeded["requests"][0])
    [offer] = api.get(f"/api/trades/{request['id']}/offers", token=tokens["BUYER"]).get_json()["items"]
    assert offer["id"] == seeded["offerId"]
    assert (offer["status"], offer["negotiationVersion"]) == ("COUNTERED", 2)
    history = api.get(f"/api/negotiations/{offer['id']}/history", token=tokens["SELLER"]).get_json()
    assert [v["party"] for v in history["versions"]] == ["MAKER", "OWNER"]
    market = api.get("/api/trades?scope=market", token=tokens["BUYER"]).get_json()["items"]
    assert [(t["side"], t["number"]) for t in market] == [("SELL", seeded["requests"][1])]
    seller_market = api.get("/api/trades?scope=market", token=tokens["SELLER"]).get_json()["items"]
    assert request["id"] in [t["id"] for t in seller_market]
    [lot] = api.get("/api/tested-lots", token=tokens["SELLER"]).get_json()["items"]
    assert (lot["id"], lot["status"]) == (DEMO_LOT_ID, "AVAILABLE")

    again = seed_tradedesk(partners, org_ids)
    assert (again["created"], again["requests"]) == (False, [])
    assert len(list(collection("trades").stream())) == 2 and len(list(collection("offers").stream())) == 1
    CACHE.clear()
