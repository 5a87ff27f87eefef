"""An offer on a tested lot (DOMAIN.md "Trade desk"): only the seller's own AVAILABLE lot of the request's
commodity, at most its available quantity, its HVI values become the offer's quality; the acceptance
reserves the quantity on the lot in its own transaction, and concurrent acceptances on one lot never
reserve more than it has (409 LOT_UNAVAILABLE, nothing written)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from functions.tradedesk import acceptance, keys, lots
from shared import clock
from tests.support.concurrency import run_together
from tests.support.tradedesk import offer_body, partner_user, request_body, seed_partner

BALE_KG = Decimal(170)
HVI = {"stapleMm": 29.5, "micronaire": 4.1, "strengthGpt": 29}


@pytest.fixture
def desk(api):
    from functions.masters import public as masters_public
    from functions.masters.cached import CACHE
    from functions.masters.seed import seed_masters

    CACHE.clear()
    masters_public.clear_lexicon()
    seed_masters()
    seed_partner("p-buyer", "BUYER", legal_name="Sunrise Spinning Mills", pan="AAACB1111K", phone="+919811111111")
    seed_partner("p-seller", "SELLER", legal_name="Patel Ginning Factory", pan="AAAFS2222L", state_code="27",
                 phone="+919822222222")
    seed_partner("p-seller2", "SELLER", legal_name="Kisan Cotton Ginners", pan="AAAFT3333M",
                 phone="+919833333333")
    yield {name: partner_user(f"p-{name}")[0] for name in ("buyer", "seller", "seller2")}
    CACHE.clear()
    masters_public.clear_lexicon()


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _lot(api, token, **overrides):
    body = {"commodityId": "COTTON", "lab": "CAI Rajkot", "reportNumber": "HVI-2026-0042",
            "reportDate": "2026-11-20", "hvi": HVI, "stationId": "24-rajkot",
            "quantity": {"value": 100, "unit": "BALE"}, **overrides}
    return _ok(api.post("/api/tested-lots", token=token, json=body), 201)


def _posted(api, token, **overrides):
    trade = _ok(api.post("/api/trades", json=request_body(**overrides), token=token), 201)
    return _ok(api.post(f"/api/trades/{trade['id']}/post", token=token))


def _written() -> dict[str, dict]:
    from shared.db import collection

    return {f"{name}/{s.id}": s.to_dict() for name in ("trades", "offers", "offerKeys", "testedLots", "contracts",
                                                       "outbox", "auditLog") for s in collection(name).stream()}


def _refused(api, token, body, status, code):
    before = _written()
    response = api.post("/api/offers", token=token, json=body)
    assert (response.status_code, response.get_json()["code"]) == (status, code), response.get_json()
    assert _written() == before
    return response.get_json()


def test_an_offer_on_a_lot_takes_its_quality_and_the_acceptance_reserves_it(api, desk):
    from shared.db import collection

    lot = _lot(api, desk["seller"])
    trade = _posted(api, desk["buyer"])
    body = offer_body(trade["id"], lotId=lot["id"], quantity={"value": 40, "unit": "BALE"})
    del body["quality"]
    offer = _ok(api.post("/api/offers", token=desk["seller"], json=body), 201)
    stored = collection("offers").document(offer["id"]).get().to_dict()
    assert stored["lotId"] == lot["id"] and offer["lotId"] == lot["id"] and offer["testedLot"] is True
    seen_by_buyer = _ok(api.get(f"/api/offers/{offer['id']}", token=desk["buyer"]))
    assert (seen_by_buyer["lotId"], seen_by_buyer["testedLot"]) == (None, True)
    assert {k: Decimal(v) for k, v in stored["quality"].items()} == {k: Decimal(str(v)) for k, v in HVI.items()}
    assert (stored["stationId"], stored["location"]) == ("24-rajkot", lot["location"])
    assert stored["matchBreakdown"]["location"] == 70 and stored["matchBreakdown"]["quality"] == 100

    accepted = _ok(api.post(f"/api/offers/{offer['id']}/accept", token=desk["buyer"], json={"version": 1}))
    assert accepted["status"] == "ACCEPTED" and accepted["contractNumber"] and accepted["lotId"] == lot["id"]
    reserved = lots.lot_ref(lot["id"]).get().to_dict()
    assert (Decimal(reserved["availableKg"]), Decimal(reserved["reservedKg"])) == (60 * BALE_KG, 40 * BALE_KG)
    assert {k: Decimal(v) for k, v in reserved["reservations"].items()} == {offer["id"]: 40 * BALE_KG}
    assert reserved["status"] == "AVAILABLE"
    actions = {(e["action"], e["entityId"]) for e in (s.to_dict() for s in collection("auditLog").stream())}
    assert {("offer.accept", offer["id"]), ("testedLot.reserve", lot["id"])} <= actions


def test_a_lot_that_is_not_the_sellers_own_or_not_enough_is_refused_with_nothing_written(api, desk):
    lot = _lot(api, desk["seller"])
    trade = _posted(api, desk["buyer"])

    def on_lot(lot_id, bales=30, **extra):
        body = offer_body(trade["id"], lotId=lot_id, quantity={"value": bales, "unit": "BALE"}, **extra)
        body.pop("quality") if "quality" not in extra else None
        return body

    _refused(api, desk["seller2"], on_lot(lot["id"]), 404, "LOT_NOT_FOUND")          # another seller's lot
    _refused(api, desk["seller"], on_lot("no-such-lot"), 404, "LOT_NOT_FOUND")
    details = _refused(api, desk["seller"], on_lot(lot["id"], bales=101), 409, "LOT_QUANTITY_EXCEEDED")["details"]
    assert Decimal(details["availableKg"]) == 100 * BALE_KG
    _refused(api, desk["seller"], on_lot(lot["id"], quality={"stapleMm": 29}), 422, "VALIDATION_FAILED")
    _refused(api, desk["seller"], on_lot(lot["id"], stationId="24-gondal"), 422, "VALIDATION_FAILED")
    kapas = _lot(api, desk["seller"], commodityId="KAPAS", hvi={"moisturePct": 8, "gotPct": 34})
    _refused(api, desk["seller"], on_lot(kapas["id"]), 422, "LOT_COMMODITY_MISMATCH")
    _ok(api.post(f"/api/tested-lots/{lot['id']}/expire", token=desk["seller"]))
    _refused(api, desk["seller"], on_lot(lot["id"]), 409, "LOT_NOT_AVAILABLE")
    # a buyer's offer on a seller's availability cannot name a lot
    availability = _posted(api, desk["seller2"], side="SELL")
    body = offer_body(availability["id"], lotId=kapas["id"])
    del body["quality"]
    _refused(api, desk["buyer"], body, 422, "LOT_NOT_ALLOWED")


def test_a_lot_of_another_variety_than_the_request_names_is_refused_on_offer_and_counter(api, desk):
    from shared.db import collection

    trade = _posted(api, desk["buyer"])                                  # asks for COTTON:SHANKAR-6
    dch = _lot(api, desk["seller"], varietyId="COTTON:DCH-32")

    def on_lot(lot_id, trade_id=trade["id"], bales=30):
        body = offer_body(trade_id, lotId=lot_id, quantity={"value": bales, "unit": "BALE"})
        del body["quality"]
        return body

    refused = _refused(api, desk["seller"], on_lot(dch["id"]), 422, "LOT_VARIETY_MISMATCH")
    assert "COTTON:DCH-32" in refused["message"] and "COTTON:SHANKAR-6" in refused["message"]
    assert (refused["details"]["lotVarietyId"], refused["details"]["varietyId"]) == ("COTTON:DCH-32",
                                                                                      "COTTON:SHANKAR-6")
    # the same variety in either spelling, a lot naming no variety, or a request naming none, is accepted
    shankar = _lot(api, desk["seller"], varietyId="SHANKAR-6", reportNumber="HVI-2026-0043")
    _ok(api.post("/api/offers", token=desk["seller"], json=on_lot(shankar["id"])), 201)
    any_variety = _posted(api, desk["buyer"], varietyId=None)
    offer = _ok(api.post("/api/offers", token=desk["seller"], json=on_lot(dch["id"], any_variety["id"])), 201)
    plain = _lot(api, desk["seller2"], reportNumber="HVI-2026-0044")
    _ok(api.post("/api/offers", token=desk["seller2"], json=on_lot(plain["id"])), 201)

    # a counter cannot change the lot, but a quantity counter re-checks it against the request: if the
    # request's variety no longer fits the lot, the counter is refused and nothing is written
    _ok(api.post(f"/api/offers/{offer['id']}/counter", token=desk["buyer"], json={"version": 1, "price": 56200}))
    collection("trades").document(any_variety["id"]).update({"varietyId": "COTTON:SHANKAR-6"})
    before = _written()
    response = api.post(f"/api/offers/{offer['id']}/counter", token=desk["seller"],
                        json={"version": 2, "quantity": {"value": 20, "unit": "BALE"}})
    assert (response.status_code, response.get_json()["code"]) == (422, "LOT_VARIETY_MISMATCH"), response.get_json()
    assert _written() == before


def _contract_writer(uow, trade, offer):
    from shared.db import collection

    uow.create(collection("testContracts").document(offer["id"]), {"tradeId": trade["id"], "offerId": offer["id"]})
    return {"id": offer["id"], "number": f"SC/TEST/{offer['id']}"}


def _seed_five_offers_on_one_lot() -> dict:
    """A 100-bale lot of seller-1; five BUY requests of five buyers (one live offer per seller per request),
    each with a 30-bale offer of seller-1 on the lot, the buyer's turn to accept."""
    from shared.db import collection

    now = clock.now()
    collection("partners").document("seller-1").set({"status": "ACTIVE", "kyc": {"dueDate": "2099-01-01"}})
    lots.lot_ref("lot-1").set({"partnerId": "seller-1", "commodityId": "COTTON", "status": "AVAILABLE",
                               "totalKg": str(100 * BALE_KG), "availableKg": str(100 * BALE_KG), "reservedKg": "0",
                               "soldKg": "0", "reservations": {}, "version": 1})
    offers = {}
    for n in range(5):
        buyer, trade_id, offer_id = f"buyer-{n}", f"t{n}", f"o{n}"
        collection("partners").document(buyer).set({"status": "ACTIVE", "kyc": {"dueDate": "2099-01-01"}})
        collection("trades").document(trade_id).set({
            "status": "NEGOTIATING", "side": "BUY", "ownerPartnerId": buyer, "orgId": "org-1",
            "commodityId": "COTTON", "openKg": str(500 * BALE_KG), "filledKg": "0", "version": 1})
        collection("offers").document(offer_id).set({
            "tradeId": trade_id, "status": "PENDING", "negotiationVersion": 1, "turn": "OWNER",
            "ownerPartnerId": buyer, "makerPartnerId": "seller-1", "lotId": "lot-1",
            "quantity": {"value": "30", "unit": "BALE", "kg": str(30 * BALE_KG)},
            "validUntil": now + timedelta(hours=24), "version": 1})
        keys.key_ref(trade_id, "seller-1").set({"offerId": offer_id})
        offers[offer_id] = buyer
    return offers


def test_five_concurrent_acceptances_on_one_100_bale_lot_reserve_90_bales_and_two_get_409(clean_db):
    from shared.db import collection

    offers = _seed_five_offers_on_one_lot()
    before = {s.id: s.to_dict() for s in collection("trades").stream()}
    outcomes = run_together([lambda oid=oid, buyer=buyer: acceptance.accept(oid, 1, buyer, None,
                                                                           contract_writer=_contract_writer)
                             for oid, buyer in offers.items()], timeout=120)
    accepted = [o for o in outcomes if isinstance(o, dict)]
    assert len(outcomes) == 5 and len(accepted) == 3, outcomes
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["LOT_UNAVAILABLE"] * 2

    lot = lots.lot_ref("lot-1").get().to_dict()
    assert Decimal(lot["availableKg"]) == 10 * BALE_KG and Decimal(lot["reservedKg"]) == 90 * BALE_KG
    assert set(lot["reservations"]) == {o["id"] for o in accepted} and lot["status"] == "AVAILABLE"
    reserve_audits = [e["changes"]["availableKg"] for e in (s.to_dict() for s in collection("auditLog").stream())
                      if e["action"] == "testedLot.reserve"]           # each step down, never below zero
    assert sorted((Decimal(c["before"]), Decimal(c["after"])) for c in reserve_audits) == [
        (40 * BALE_KG, 10 * BALE_KG), (70 * BALE_KG, 40 * BALE_KG), (100 * BALE_KG, 70 * BALE_KG)]

    stored = {s.id: s.to_dict() for s in collection("offers").stream()}
    assert {oid for oid, o in stored.items() if o["status"] == "ACCEPTED"} == {o["id"] for o in accepted}
    assert {s.id for s in collection("testContracts").stream()} == {o["id"] for o in accepted}
    for oid in set(offers) - {o["id"] for o in accepted}:       # the refused: nothing written
        assert stored[oid]["status"] == "PENDING" and stored[oid]["version"] == 1
        trade_id = stored[oid]["tradeId"]
        assert collection("trades").document(trade_id).get().to_dict() == before[trade_id]
        assert keys.key_ref(trade_id, "seller-1").get().exists


def test_a_lot_fully_reserved_by_an_acceptance_is_reserved_and_refuses_the_next(clean_db):
    from shared.db import collection

    _seed_five_offers_on_one_lot()
    lots.lot_ref("lot-1").update({"availableKg": str(60 * BALE_KG), "totalKg": str(60 * BALE_KG)})
    for oid in ("o0", "o1"):
        acceptance.accept(oid, 1, f"buyer-{oid[1]}", None, contract_writer=_contract_writer)
    lot = lots.lot_ref("lot-1").get().to_dict()
    assert (lot["status"], Decimal(lot["availableKg"])) == ("RESERVED", 0)
    with pytest.raises(Exception) as refused:
        acceptance.accept("o2", 1, "buyer-2", None, contract_writer=_contract_writer)
    assert (getattr(refused.value, "code", None), refused.value.details["reason"]) == (
        "LOT_UNAVAILABLE", "LOT_NOT_AVAILABLE")
    assert collection("offers").document("o2").get().to_dict()["status"] == "PENDING"


def test_cancelling_the_contract_gives_the_lots_reservation_back_once(api, desk):
    from shared.db import collection
    from tests.support.contracts import MANAGER
    from tests.support.identity import token_for
    from tests.support.notifications import Tap, push

    lot = _lot(api, desk["seller"])
    trade = _posted(api, desk["buyer"])
    body = offer_body(trade["id"], lotId=lot["id"], quantity={"value": 100, "unit": "BALE"})
    del body["quality"]
    offer = _ok(api.post("/api/offers", token=desk["seller"], json=body), 201)
    tap = Tap("domain-events")
    try:
        accepted = _ok(api.post(f"/api/offers/{offer['id']}/accept", token=desk["buyer"], json={"version": 1}))
        assert lots.lot_ref(lot["id"]).get().to_dict()["status"] == "RESERVED"
        manager = token_for(set(MANAGER), role="SALES", organization_ids=(trade["orgId"],))[0]
        cancelled = api.post(f"/api/contracts/{accepted['contractId']}/cancel", token=manager,
                             json={"reason": "buyer's mill shut for maintenance"})
        assert cancelled.status_code == 200, cancelled.get_json()
        [message] = [m for m in tap.pull(20, settle=0.5) if m.attributes.get("type") == "ContractCancelled"]
        for _ in range(2):                                   # at least once: the redelivery releases nothing more
            assert push(api, "on_contract_cancelled", message).status_code == 200
    finally:
        tap.close()
    released = lots.lot_ref(lot["id"]).get().to_dict()
    assert (released["status"], Decimal(released["availableKg"]), Decimal(released["reservedKg"])) == (
        "AVAILABLE", 100 * BALE_KG, 0)
    assert released.get("reservations") == {}
    releases = [e for e in (s.to_dict() for s in collection("auditLog").stream()) if e["action"] == "testedLot.release"]
    assert len(releases) == 1 and releases[0]["entityId"] == lot["id"]
