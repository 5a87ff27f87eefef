"""Tested lots through the gateway on the emulators: create/read/list/update, HVI bounds, the report by
signed URL (content checked), AVAILABLE -> RESERVED/SOLD/EXPIRED, and reservation inside an acceptance's
transaction raced from several threads."""
from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from functions.tradedesk import lots
from shared.adapters import storage
from shared.errors import Conflict
from tests.support.concurrency import run_together
from tests.support.identity import token_for
from tests.support.partners import PDF, PNG
from tests.support.uploads import assert_each_won_cleanly, complete_racing_sweep

SELLER_PERMISSIONS = {"trades:read", "trades:create", "trades:negotiate"}


@pytest.fixture
def desk(api):
    from functions.masters import public as masters_public
    from functions.masters.seed import seed_masters

    masters_public.clear_lexicon()
    seed_masters()
    storage.reset_client()
    storage.ensure_bucket()
    yield api
    masters_public.clear_lexicon()
    storage.reset_client()


def seed_partner(partner_id: str, kind: str = "SELLER", status: str = "ACTIVE") -> str:
    from shared.db import collection

    collection("partners").document(partner_id).set({"status": status, "kind": kind, "legalName": f"{partner_id} Ltd",
                                                     "kyc": {"dueDate": "2099-01-01"}})
    token, _ = token_for(SELLER_PERMISSIONS, kind="partner", role="PARTNER_PRIMARY", partner_id=partner_id)
    return token


def lot_body(**overrides):
    body = {"commodityId": "COTTON", "lab": "CAI Rajkot", "reportNumber": "HVI-2026-0042",
            "reportDate": "2026-11-20", "hvi": {"stapleMm": 29.5, "micronaire": 4.1, "strengthGpt": 29},
            "stationId": "24-rajkot", "quantity": {"value": 500, "unit": "BALE"}}
    return {**body, **overrides}


def create(api, token, **overrides):
    return api.post("/api/tested-lots", token=token, json=lot_body(**overrides))


def test_a_seller_adds_reads_lists_and_updates_its_lot(desk):
    seller = seed_partner("seller-1")
    created = create(desk, seller)
    assert created.status_code == 201, created.get_json()
    lot = created.get_json()
    assert lot["status"] == "AVAILABLE" and lot["partnerId"] == "seller-1"
    assert (lot["totalKg"], lot["availableKg"], lot["reservedKg"], lot["soldKg"]) == (85000, 85000, 0, 0)
    assert lot["hvi"] == {"stapleMm": 29.5, "micronaire": 4.1, "strengthGpt": 29}
    assert lot["location"] == {"stationId": "24-rajkot", "regionId": "24-saurashtra", "stateCode": "24"}
    assert created.headers["ETag"] == '"v1"'

    got = desk.get(f"/api/tested-lots/{lot['id']}", token=seller)
    assert got.status_code == 200 and got.get_json()["reportNumber"] == "HVI-2026-0042"
    second = create(desk, seller, reportNumber="HVI-2026-0043").get_json()
    listed = desk.get("/api/tested-lots?pageSize=1", token=seller).get_json()
    assert [item["id"] for item in listed["items"]] == [second["id"]] and listed["nextPageToken"]
    rest = desk.get(f"/api/tested-lots?pageSize=1&pageToken={listed['nextPageToken']}", token=seller).get_json()
    assert [item["id"] for item in rest["items"]] == [lot["id"]] and rest["nextPageToken"] is None

    stale = desk.patch(f"/api/tested-lots/{lot['id']}", token=seller, json={"lab": "SITRA"},
                       headers={"If-Match": '"v7"'})
    assert stale.status_code == 412
    changed = desk.patch(f"/api/tested-lots/{lot['id']}", token=seller, headers={"If-Match": '"v1"'},
                         json={"lab": "SITRA Coimbatore", "quantity": {"value": 400, "unit": "BALE"},
                               "stationId": "24-gondal"})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["lab"], body["totalKg"], body["availableKg"], body["version"]) == ("SITRA Coimbatore", 68000, 68000, 2)
    assert body["location"]["stationId"] == "24-gondal"


def test_hvi_values_outside_the_commodity_bounds_are_422_naming_each_and_nothing_is_written(desk):
    from shared.db import collection

    seller = seed_partner("seller-1")
    response = create(desk, seller, hvi={"stapleMm": 45, "micronaire": 1.2, "strengthGpt": 29, "colour": 3})
    assert response.status_code == 422
    error = response.get_json()
    assert error["code"] == "PARAMETERS_OUT_OF_RANGE"
    assert sorted(p["parameter"] for p in error["details"]["parameters"]) == ["colour", "micronaire", "stapleMm"]
    assert list(collection("testedLots").stream()) == []


@pytest.mark.parametrize(("overrides", "status", "code"), [
    ({"stationId": "24-nowhere"}, 422, "STATION_NOT_FOUND"),
    ({"commodityId": "SILK"}, 422, "COMMODITY_NOT_FOUND"),
    ({"reportDate": "2099-01-01"}, 422, "VALIDATION_FAILED"),
], ids=["unknown-station", "unknown-commodity", "future-report"])
def test_bad_lots_are_refused(desk, overrides, status, code):
    seller = seed_partner("seller-1")
    response = create(desk, seller, **overrides)
    assert (response.status_code, response.get_json()["code"]) == (status, code)


def test_a_buyer_cannot_hold_lots_and_a_suspended_seller_cannot_add_one(desk):
    buyer = seed_partner("buyer-1", kind="BUYER")
    assert create(desk, buyer).get_json()["code"] == "SIDE_NOT_ALLOWED"
    suspended = seed_partner("seller-2", status="SUSPENDED")
    response = create(desk, suspended)
    assert (response.status_code, response.get_json()["code"]) == (409, "PARTNER_CANNOT_TRADE")


def test_another_partners_lot_is_404_and_the_back_office_sees_every_lot(desk):
    mine = create(desk, seed_partner("seller-1")).get_json()
    other = seed_partner("seller-2")
    assert desk.get(f"/api/tested-lots/{mine['id']}", token=other).status_code == 404
    assert desk.patch(f"/api/tested-lots/{mine['id']}", token=other, json={"lab": "x"}).status_code == 404
    assert desk.get("/api/tested-lots", token=other).get_json()["items"] == []
    assert desk.get("/api/tested-lots?partnerId=seller-1", token=other).get_json()["items"] == []
    staff, _ = token_for({"trades:read", "trades:create"})
    listed = desk.get("/api/tested-lots?partnerId=seller-1&status=AVAILABLE&commodityId=COTTON", token=staff)
    assert [item["id"] for item in listed.get_json()["items"]] == [mine["id"]]
    on_behalf = desk.post("/api/tested-lots", token=staff, json=lot_body(partnerId="seller-2"))
    assert on_behalf.status_code == 201 and on_behalf.get_json()["partnerId"] == "seller-2"
    assert desk.post("/api/tested-lots", token=staff, json=lot_body()).get_json()["code"] == "VALIDATION_FAILED"


def _report(api, token, lot_id, data: bytes, content_type="application/pdf"):
    requested = api.post(f"/api/tested-lots/{lot_id}/report", token=token,
                         json={"fileName": "hvi report.pdf", "contentType": content_type})
    assert requested.status_code == 201, requested.get_json()
    upload = requested.get_json()["upload"]
    assert upload["headers"]["x-goog-content-length-range"] == "0,5242880"
    assert requests.put(upload["url"], data=data, headers=upload["headers"], timeout=10).status_code == 200
    return api.post(f"/api/tested-lots/{lot_id}/report/complete", token=token)


def test_the_report_goes_through_a_signed_url_and_its_content_is_checked(desk):
    seller = seed_partner("seller-1")
    lot = create(desk, seller).get_json()
    assert desk.get(f"/api/tested-lots/{lot['id']}/report/download", token=seller).status_code == 409

    refused = _report(desk, seller, lot["id"], PNG)       # declared a PDF, really a PNG
    assert (refused.status_code, refused.get_json()["code"]) == (422, "FILE_TYPE_MISMATCH")
    assert desk.get(f"/api/tested-lots/{lot['id']}", token=seller).get_json()["report"] is None

    done = _report(desk, seller, lot["id"], PDF)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["report"]["status"] == "VERIFIED_FILE"
    assert done.get_json()["report"]["sizeBytes"] == len(PDF)
    link = desk.get(f"/api/tested-lots/{lot['id']}/report/download", token=seller).get_json()
    assert requests.get(link["url"], timeout=10).content == PDF
    wrong_type = desk.post(f"/api/tested-lots/{lot['id']}/report", token=seller,
                           json={"fileName": "a.docx", "contentType": "application/msword"})
    assert wrong_type.get_json()["code"] == "UNSUPPORTED_FILE_TYPE"


def test_an_available_lot_expires_once_and_an_expired_one_cannot_change(desk):
    seller = seed_partner("seller-1")
    lot = create(desk, seller).get_json()
    expired = desk.post(f"/api/tested-lots/{lot['id']}/expire", token=seller)
    assert expired.status_code == 200 and expired.get_json()["status"] == "EXPIRED"
    again = desk.post(f"/api/tested-lots/{lot['id']}/expire", token=seller)
    assert (again.status_code, again.get_json()["code"]) == (409, "INVALID_TRANSITION")
    changed = desk.patch(f"/api/tested-lots/{lot['id']}", token=seller, json={"lab": "x"})
    assert (changed.status_code, changed.get_json()["code"]) == (409, "LOT_NOT_AVAILABLE")


def _reserve(lot_id: str, offer_id: str, kg: str, seller: str = "seller-1"):
    from shared.uow import run_in_transaction

    return run_in_transaction(lambda uow: lots.reserve(uow, lot_id, kg, offer_id=offer_id,
                                                       seller_partner_id=seller))


def _stored(lot_id: str) -> dict:
    return lots.lot_ref(lot_id).get().to_dict()


def test_concurrent_reservations_never_take_more_than_the_lot_has(desk):
    lot = create(desk, seed_partner("seller-1"), quantity={"value": 100, "unit": "BALE"}).get_json()
    outcomes = run_together([lambda n=n: _reserve(lot["id"], f"offer-{n}", str(30 * 170)) for n in range(6)],
                            timeout=120)
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["LOT_QUANTITY_EXCEEDED"] * 3
    stored = _stored(lot["id"])
    assert Decimal(stored["reservedKg"]) == 90 * 170 and Decimal(stored["availableKg"]) == 10 * 170
    assert len(stored["reservations"]) == 3 and stored["status"] == "AVAILABLE"


def test_reserving_all_makes_the_lot_reserved_then_released_or_sold(desk):
    lot = create(desk, seed_partner("seller-1"), quantity={"value": 100, "unit": "BALE"}).get_json()
    with pytest.raises(Conflict) as other_seller:
        _reserve(lot["id"], "o1", "17000", seller="seller-2")
    assert other_seller.value.code == "LOT_NOT_AVAILABLE"
    _reserve(lot["id"], "o1", "17000")
    _reserve(lot["id"], "o1", "17000")                       # a retried transaction reserves nothing more
    stored = _stored(lot["id"])
    assert (stored["status"], Decimal(stored["availableKg"]), Decimal(stored["reservedKg"])) == ("RESERVED", 0, 17000)
    with pytest.raises(Conflict) as taken:
        _reserve(lot["id"], "o2", "1")
    assert taken.value.code == "LOT_NOT_AVAILABLE"

    from shared.uow import run_in_transaction

    run_in_transaction(lambda uow: lots.release(uow, lot["id"], "o1"))
    stored = _stored(lot["id"])
    assert (stored["status"], Decimal(stored["availableKg"]), Decimal(stored["reservedKg"]),
            stored["reservations"]) == ("AVAILABLE", 17000, 0, {})
    _reserve(lot["id"], "o3", "17000")
    run_in_transaction(lambda uow: lots.mark_sold(uow, lot["id"], "o3"))
    stored = _stored(lot["id"])
    assert (stored["status"], Decimal(stored["soldKg"]), Decimal(stored["reservedKg"])) == ("SOLD", 17000, 0)


# ---------------------------------------------------------------- the abandoned-upload sweep

def _put_report(api, token, lot_id, data: bytes = PDF) -> str:
    """Request a report upload and PUT the file, never completing it; the object's name."""
    requested = api.post(f"/api/tested-lots/{lot_id}/report", token=token,
                         json={"fileName": "replacement.pdf", "contentType": "application/pdf"})
    assert requested.status_code == 201, requested.get_json()
    upload = requested.get_json()["upload"]
    assert requests.put(upload["url"], data=data, headers=upload["headers"], timeout=10).status_code == 200
    return _stored(lot_id)["report"]["objectName"]


def test_a_refused_replacement_report_leaves_the_checked_report_in_place(desk):
    seller = seed_partner("seller-1")
    lot_id = create(desk, seller).get_json()["id"]
    assert _report(desk, seller, lot_id, PDF).status_code == 200
    checked = _stored(lot_id)["report"]
    replacement = _put_report(desk, seller, lot_id, PNG)          # declared a PDF, really a PNG

    refused = desk.post(f"/api/tested-lots/{lot_id}/report/complete", token=seller)
    assert (refused.status_code, refused.get_json()["code"]) == (422, "FILE_TYPE_MISMATCH")
    assert not storage.inspect(replacement).exists
    kept = _stored(lot_id)["report"]
    assert (kept["status"], kept["objectName"], kept["sizeBytes"]) == ("VERIFIED_FILE", checked["objectName"], len(PDF))
    link = desk.get(f"/api/tested-lots/{lot_id}/report/download", token=seller).get_json()
    assert requests.get(link["url"], timeout=10).content == PDF


def _sweep(api) -> dict:
    from tests.support.contracts import run_job

    return run_job(api, "lot-report-upload-sweep")


def test_abandoned_reports_are_swept_and_a_replaced_checked_report_comes_back(desk):
    from datetime import timedelta

    from shared import clock
    from shared.db import collection

    seller = seed_partner("seller-1")
    bare = create(desk, seller).get_json()["id"]
    bare_object = _put_report(desk, seller, bare)
    replaced = create(desk, seller).get_json()["id"]
    assert _report(desk, seller, replaced, PDF).status_code == 200
    checked_object = _stored(replaced)["report"]["objectName"]
    replacement_object = _put_report(desk, seller, replaced, PNG)
    checked = create(desk, seller).get_json()["id"]
    assert _report(desk, seller, checked, PDF).status_code == 200
    clock.advance(timedelta(minutes=40))
    seller = seed_partner("seller-1")                   # a fresh session
    recent = create(desk, seller).get_json()["id"]
    recent_object = _put_report(desk, seller, recent)
    clock.advance(timedelta(minutes=40))                # the first two: 65 min past expiry; recent: 25 min
    seller = seed_partner("seller-1")                   # a fresh session

    assert _sweep(desk) == {"abandoned": 2, "objectsDeleted": 2, "skipped": 0, "more": False}
    got = desk.get(f"/api/tested-lots/{bare}", token=seller).get_json()["report"]
    assert got["status"] == "UPLOAD_ABANDONED"
    assert storage.inspect(bare_object).exists is False
    late = desk.post(f"/api/tested-lots/{bare}/report/complete", token=seller)
    assert (late.status_code, late.get_json()["code"]) == (409, "REPORT_NOT_PENDING")
    assert desk.get(f"/api/tested-lots/{bare}/report/download", token=seller).status_code == 409

    back = desk.get(f"/api/tested-lots/{replaced}", token=seller).get_json()["report"]
    assert (back["status"], back["fileName"], back["sizeBytes"]) == ("VERIFIED_FILE", "hvi report.pdf", len(PDF))
    assert _stored(replaced)["report"]["objectName"] == checked_object
    assert storage.inspect(replacement_object).exists is False
    link = desk.get(f"/api/tested-lots/{replaced}/report/download", token=seller).get_json()
    assert requests.get(link["url"], timeout=10).content == PDF

    assert _stored(checked)["report"]["status"] == "VERIFIED_FILE"
    assert _stored(recent)["report"]["status"] == "PENDING_UPLOAD" and storage.inspect(recent_object).exists
    audit = [e.to_dict() for e in collection("auditLog").stream()]
    audit = sorted((e["entityId"], e["partnerId"]) for e in audit if e["action"] == "testedLot.reportAbandoned")
    assert audit == sorted([(bare, "seller-1"), (replaced, "seller-1")])

    versions = {lot_id: _stored(lot_id)["version"] for lot_id in (bare, replaced, checked, recent)}
    assert _sweep(desk) == {"abandoned": 0, "objectsDeleted": 0, "skipped": 0, "more": False}
    assert {lot_id: _stored(lot_id)["version"] for lot_id in versions} == versions

    # After an abandoned upload the seller simply uploads again.
    assert _report(desk, seller, bare, PDF).get_json()["report"]["status"] == "VERIFIED_FILE"


def test_a_new_report_request_over_a_pending_one_deletes_the_superseded_object(desk):
    seller = seed_partner("seller-1")
    lot_id = create(desk, seller).get_json()["id"]
    assert _report(desk, seller, lot_id, PDF).status_code == 200
    checked_object = _stored(lot_id)["report"]["objectName"]
    first = _put_report(desk, seller, lot_id)
    second = _put_report(desk, seller, lot_id)
    assert storage.inspect(first).exists is False and storage.inspect(second).exists is True
    assert _stored(lot_id)["report"]["previous"] == checked_object        # the checked report is still kept
    done = desk.post(f"/api/tested-lots/{lot_id}/report/complete", token=seller)
    assert done.get_json()["report"]["status"] == "VERIFIED_FILE"
    assert storage.inspect(checked_object).exists is False               # replaced once the new one is checked


def test_complete_report_and_the_sweep_racing_on_threads_end_consistently(desk):
    from datetime import timedelta

    from shared import clock

    seller = seed_partner("seller-1")
    pending = {}
    for _ in range(3):
        lot_id = create(desk, seller).get_json()["id"]
        pending[lot_id] = _put_report(desk, seller, lot_id)
    clock.advance(timedelta(hours=2))
    seller = seed_partner("seller-1")
    answers, summary = complete_racing_sweep(
        {lot_id: f"/api/tested-lots/{lot_id}/report/complete" for lot_id in pending}, seller,
        lots.sweep_abandoned_reports)
    assert_each_won_cleanly(answers, summary, {
        lot_id: (_stored(lot_id)["report"]["status"], storage.inspect(name).exists)
        for lot_id, name in pending.items()},
        "REPORT_NOT_PENDING")
