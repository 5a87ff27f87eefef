"""The match score stored with an offer (DOMAIN.md "Trade desk", Match score): computed on creation and
re-computed when a counter changes the price, equal to matching.py's score of the offer's values; shown
to the request's owner and the back office, never to the maker; the desk's best score is a real one."""
from __future__ import annotations

from decimal import Decimal

import pytest

from functions.tradedesk import matching
from shared.units import kg_per
from tests.support.tradedesk import ORG, offer_body, partner_user, request_body, sales_user, seed_partner


@pytest.fixture
def desk(api):
    from functions.masters.cached import CACHE
    from functions.masters.seed import seed_masters

    CACHE.clear()
    seed_masters()
    seed_partner("p-buyer", "BUYER", legal_name="Sunrise Spinning Mills", pan="AAACB1111K", phone="+919811111111")
    seed_partner("p-seller", "SELLER", legal_name="Patel Ginning Factory", pan="AAAFS2222L", state_code="27",
                 phone="+919822222222")
    seed_partner("p-seller2", "SELLER", legal_name="Kisan Cotton Ginners", pan="AAAFT3333M",
                 phone="+919833333333")
    yield {name: partner_user(f"p-{name}")[0] for name in ("buyer", "seller", "seller2")}
    CACHE.clear()


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _stored(offer_id: str) -> dict:
    from shared.db import collection

    return collection("offers").document(offer_id).get().to_dict()


def _expected(trade: dict, quality: dict, price: int, place: matching.Place) -> matching.MatchScore:
    """matching.py's score, worked out here from the request as stored and the offer's own values."""
    from functions.masters.public import commodity_in_force

    weights = {p["key"]: p.get("weight", 1) for p in commodity_in_force("COTTON")["qualityParameters"]}
    candy = kg_per("CANDY")
    return matching.score(ranges=trade["quality"], weights=weights, values=quality,
                          price_per_kg=Decimal(price) / candy, target_per_kg=Decimal(trade["targetPrice"]) / candy,
                          wanted_place=matching.Place.of(trade["location"]), offered_place=place,
                          wanted_terms={name: trade.get(name) for name in matching.TERM_FIELDS}, offered_terms={})


def _as_stored(result: matching.MatchScore) -> tuple[dict, dict]:
    part = result.breakdown()
    return ({"total": float(part["total"]), "label": part["label"]},
            {"quality": float(part["quality"]), "price": float(part["price"]), "location": float(part["location"]),
             "terms": float(part["terms"]), "parameters": {k: float(v) for k, v in part["parameters"].items()}})


def test_the_stored_score_is_matching_pys_and_a_price_counter_rescores_it(api, desk):
    from shared.db import collection

    trade = _ok(api.post("/api/trades", json=request_body(), token=desk["buyer"]), 201)
    _ok(api.post(f"/api/trades/{trade['id']}/post", token=desk["buyer"]))
    stored_trade = collection("trades").document(trade["id"]).get().to_dict()

    # one in range at a Gujarat station, one a little out of range with no station, at another price
    near = _ok(api.post("/api/offers", token=desk["seller"], json=offer_body(
        trade["id"], stationId="24-rajkot", price=56500)), 201)
    far = _ok(api.post("/api/offers", token=desk["seller2"], json=offer_body(
        trade["id"], price=60000, quality={"stapleMm": 27.5, "micronaire": 4.1})), 201)

    expected_near = _expected(stored_trade, {"stapleMm": "29.2", "micronaire": "4.1"}, 56500,
                              matching.Place("24-rajkot", "24-saurashtra", "24"))
    expected_far = _expected(stored_trade, {"stapleMm": "27.5", "micronaire": "4.1"}, 60000, matching.Place())
    assert (expected_near.location, expected_near.quality) == (70, 100)       # same state; inside both ranges
    assert expected_far.location == 0 and expected_far.parameters["stapleMm"] < 100
    for offer, expected in ((near, expected_near), (far, expected_far)):
        score, breakdown = _as_stored(expected)
        assert (_stored(offer["id"])["matchScore"], _stored(offer["id"])["matchBreakdown"]) == (score, breakdown)
    assert expected_near.total > expected_far.total

    # the buyer (request owner) and the back office read it; the seller that made the offer does not
    owner_view = _ok(api.get(f"/api/offers/{near['id']}", token=desk["buyer"]))
    assert owner_view["matchScore"] == _as_stored(expected_near)[0]
    assert owner_view["matchBreakdown"] == _as_stored(expected_near)[1]
    staff, _ = sales_user()
    assert _ok(api.get(f"/api/offers/{near['id']}", token=staff))["matchScore"]["total"] == float(expected_near.total)
    listed = _ok(api.get(f"/api/trades/{trade['id']}/offers", token=desk["buyer"]))["items"]
    assert {o["id"]: o["matchScore"]["total"] for o in listed} == {
        near["id"]: float(expected_near.total), far["id"]: float(expected_far.total)}
    for seen in (near, _ok(api.get(f"/api/offers/{near['id']}", token=desk["seller"])),
                 *_ok(api.get(f"/api/trades/{trade['id']}/offers", token=desk["seller"]))["items"]):
        assert "matchScore" not in seen and "matchBreakdown" not in seen, seen

    # the desk's best match score is the best stored one
    desk_row = next(i for i in _ok(api.get("/api/dashboard/trades", token=staff))["items"] if i["id"] == trade["id"])
    assert desk_row["bestMatchScore"] == float(expected_near.total)

    # a counter on the price re-scores the offer; one on the message alone leaves the score as it was
    countered = _ok(api.post(f"/api/offers/{far['id']}/counter", token=desk["buyer"],
                             json={"version": 1, "price": 56000}))
    rescored = _expected(stored_trade, {"stapleMm": "27.5", "micronaire": "4.1"}, 56000, matching.Place())
    assert rescored.price == 100 and rescored.total > expected_far.total
    assert _stored(far["id"])["matchScore"] == _as_stored(rescored)[0] == countered["matchScore"]
    _ok(api.post(f"/api/offers/{far['id']}/counter", token=desk["seller2"], json={"version": 2, "message": "ok"}))
    assert _stored(far["id"])["matchScore"] == _as_stored(rescored)[0]


def test_an_unknown_station_on_an_offer_is_422_and_nothing_is_written(api, desk):
    from shared.db import collection

    trade = _ok(api.post("/api/trades", json=request_body(orgId=ORG), token=desk["buyer"]), 201)
    _ok(api.post(f"/api/trades/{trade['id']}/post", token=desk["buyer"]))
    response = api.post("/api/offers", token=desk["seller"], json=offer_body(trade["id"], stationId="24-nowhere"))
    assert (response.status_code, response.get_json()["code"]) == (422, "STATION_NOT_FOUND")
    assert list(collection("offers").stream()) == []
