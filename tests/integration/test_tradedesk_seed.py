"""The trade desk's demo seed: one tested lot of the demo seller, once."""
from __future__ import annotations

from functions.tradedesk import lots
from functions.tradedesk.seed import DEMO_LOT_ID, seed_tradedesk
from tests.integration.test_tradedesk_lots import desk  # noqa: F401 - fixture


def test_the_seed_adds_the_demo_sellers_lot_once(desk):  # noqa: F811
    from shared.db import collection

    collection("partners").document("p-seller").set({"status": "ACTIVE", "kind": "SELLER",
                                                     "kyc": {"dueDate": "2099-01-01"}})
    partners = [{"id": "p-buyer", "kind": "BUYER"}, {"id": "p-seller", "kind": "SELLER"}]
    assert seed_tradedesk(partners) == {"lotId": DEMO_LOT_ID, "created": True}
    assert seed_tradedesk(partners) == {"lotId": DEMO_LOT_ID, "created": False}
    stored = lots.lot_ref(DEMO_LOT_ID).get().to_dict()
    assert (stored["partnerId"], stored["status"], stored["totalKg"]) == ("p-seller", "AVAILABLE", "51000.000")
    assert len(list(collection("testedLots").stream())) == 1
