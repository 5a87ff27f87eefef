"""GET /api/trades/{id}/matches on the emulators: lots and availabilities ranked by the match score with
its breakdown, anonymous (no seller id/name in the body), only for the request's owner."""
from __future__ import annotations

import json

from shared.db import collection
from tests.integration.test_tradedesk_lots import create, desk, seed_partner  # noqa: F401 - fixture
from tests.support.identity import token_for


def _request(**overrides) -> None:
    collection("trades").document("t1").set({
        "side": "BUY", "status": "POSTED", "commodityId": "COTTON", "ownerPartnerId": "buyer-1",
        "ownerHandleSecret": "s3cret", "quality": {"stapleMm": {"min": "29", "max": "30"},
                                                   "micronaire": {"min": "3.8", "max": "4.4"}},
        "location": {"stationId": "24-rajkot", "regionId": "24-saurashtra", "stateCode": "24"},
        "openKg": "85000", **overrides})


def test_lots_and_availabilities_are_ranked_with_their_breakdown_and_no_seller_identity(desk):  # noqa: F811
    buyer = seed_partner("buyer-1", kind="BUYER")
    seller = seed_partner("seller-1")
    near = create(desk, seller, hvi={"stapleMm": 29.5, "micronaire": 4.1}).get_json()
    far = create(desk, seed_partner("seller-2"), stationId="24-gondal",
                 hvi={"stapleMm": 27, "micronaire": 4.1}).get_json()
    collection("trades").document("a1").set({
        "side": "SELL", "status": "POSTED", "commodityId": "COTTON", "ownerPartnerId": "seller-3",
        "quality": {"stapleMm": {"min": "29", "max": "31"}}, "location": {"stateCode": "27"}, "openKg": "17000"})
    _request()
    response = desk.get("/api/trades/t1/matches", token=buyer)
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert [(i["kind"], i["id"]) for i in items] == [("TESTED_LOT", near["id"]), ("TESTED_LOT", far["id"]),
                                                     ("AVAILABILITY", "a1")]
    best = items[0]["score"]
    # quality 100, price 100 (no target), location 100 (same station), terms 100
    assert (best["total"], best["label"], best["location"]) == (100, "Best", 100)
    # staple 27 is two range widths below 29-30: 33.33; quality (33.33 + 100) / 2; station of the same region
    assert (items[1]["score"]["location"], items[1]["score"]["parameters"]["stapleMm"]) == (85, 33.33)
    assert items[1]["score"]["total"] == 83.5
    # availability: staple inside, micronaire missing (0): quality 50; another state: location 0
    assert (items[2]["score"]["quality"], items[2]["score"]["location"], items[2]["score"]["total"]) == (50, 0, 67.5)
    text = json.dumps(response.get_json())
    for identity in ("seller-1", "seller-2", "seller-3", "Ltd"):
        assert identity not in text
    assert items[0]["sellerHandle"].startswith("Seller-") and items[0]["sellerHandle"] != items[1]["sellerHandle"]


def test_only_the_owner_and_the_back_office_see_a_requests_matches(desk):  # noqa: F811
    _request()
    other = seed_partner("seller-1")
    assert desk.get("/api/trades/t1/matches", token=other).status_code == 404
    assert desk.get("/api/trades/missing/matches", token=other).status_code == 404
    staff, _ = token_for({"trades:read"})
    assert desk.get("/api/trades/t1/matches", token=staff).get_json() == {"items": []}
