"""Tested lots: a seller's pre-tested stock (DOMAIN.md "Trade desk", Tested lot).

`testedLots/{id}` holds the seller partner, commodity (and variety), lab, report number and date, the
HVI values (checked against the commodity template's bounds: 422 PARAMETERS_OUT_OF_RANGE naming each),
the station with its region and state (for the match score's location tier), and the quantities in kg
(decimal strings): total = available + reserved + sold. Status on the kernel state machine
(states.LOT_TRANSITIONS): AVAILABLE -> RESERVED (nothing left available) / SOLD / EXPIRED (the seller
takes it off the market); RESERVED -> AVAILABLE when a reservation is released.

The test report goes straight to Cloud Storage by signed URL like partner documents: `request_report`
signs a 15-minute PUT (type and 0-5 MiB in the signature), `complete_report` checks the bytes (PDF, JPEG
or PNG, as declared), `report_download` signs a 5-minute GET. A new request over a checked report keeps
that report (`previous`, `previousReport`) until the new one is checked; a new request over one still
pending supersedes it and deletes the superseded object.

A report whose upload expired over an hour ago and was never completed is swept by the hourly job
`lot-report-upload-sweep` (`sweep_abandoned_reports`, on shared/upload_sweep.py): its unchecked object, if
one was PUT, is deleted, and the lot gets its previous checked report back, or else shows the report as
UPLOAD_ABANDONED (request a new upload). A `complete_report` racing the sweep either wins (VERIFIED_FILE,
object kept) or answers 409 REPORT_NOT_PENDING.

`reserve(uow, ...)` is what an acceptance calls inside its own transaction when the accepted offer
names a lot: the lot's available quantity drops by the offer's (409 LOT_QUANTITY_EXCEEDED, never below
zero: concurrent acceptances serialise on the lot document), keyed by offer so a retried transaction
does not reserve twice. `release` and `mark_sold` undo or settle a reservation.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from functions.masters.public import commodity_in_force, lexicon_rows
from functions.partners.public import contract_party, ensure_can_trade
from functions.tradedesk import rules, states
from shared import clock, upload_sweep
from shared.adapters import storage
from shared.auth.principal import SYSTEM
from shared.db import collection, stamp_new, stamp_update
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.http.etag import check_if_match
from shared.http.pagination import page
from shared.units import to_store
from shared.uow import run_in_transaction
from shared.uploads import FileRules, base_content_type, check_upload, kind_of_content_type, rejected

LOTS = "testedLots"
ENTITY = "testedLot"
MAX_REPORT_BYTES = 5 * 1024 * 1024
REPORT_KINDS = frozenset({"pdf", "jpeg", "png"})
REPORT_RULES = FileRules(MAX_REPORT_BYTES, "a test report is at most 5 MiB", "The file is not a PDF, JPEG or PNG file",
                         REPORT_KINDS)
UPLOAD_TTL = timedelta(minutes=15)
DOWNLOAD_TTL = timedelta(minutes=5)
PENDING_UPLOAD, VERIFIED_FILE = "PENDING_UPLOAD", "VERIFIED_FILE"
UPLOAD_ABANDONED = upload_sweep.UPLOAD_ABANDONED
ZERO = Decimal(0)


def lot_ref(lot_id: str) -> Any:
    return collection(LOTS).document(lot_id)


def _machine() -> Any:
    return states.machine("tested lot")


def not_found() -> NotFound:
    return NotFound("LOT_NOT_FOUND", "No such tested lot")


# ---------------------------------------------------------------- scope

def seller_of(user: Any, requested_partner_id: str | None) -> str:
    """The partner a new lot belongs to: a partner user's own; back-office staff name it."""
    if user.is_back_office:
        if not requested_partner_id:
            raise Unprocessable("VALIDATION_FAILED", "Back-office users name the seller partner",
                                {"fields": [{"field": "partnerId", "rule": "required",
                                             "message": "Required for back-office users"}]})
        return requested_partner_id
    if requested_partner_id and requested_partner_id != user.partner_id:
        raise Forbidden("FORBIDDEN", "A partner user adds lots of its own partner only")
    if not user.partner_id:
        raise Forbidden("FORBIDDEN", "Only a partner's users or the back office hold tested lots")
    return str(user.partner_id)


def visible(user: Any, lot: Mapping[str, Any]) -> bool:
    """The back office sees every lot; a partner user only its own partner's (others get 404)."""
    return bool(user.is_back_office or (user.partner_id and user.partner_id == lot.get("partnerId")))


def _live(snapshot: Any) -> dict[str, Any] | None:
    if not snapshot.exists:
        return None
    data = snapshot.to_dict() or {}
    return None if data.get("deletedAt") else {"id": snapshot.id, **data}


def load(uow: Any, lot_id: str, user: Any) -> dict[str, Any]:
    snapshot = uow.get(lot_ref(lot_id)) if uow is not None else lot_ref(lot_id).get()
    lot = _live(snapshot)
    if lot is None or not visible(user, lot):
        raise not_found()
    return lot


# ---------------------------------------------------------------- masters lookups

def commodity(commodity_id: str) -> dict[str, Any]:
    """The commodity in force (422 when unknown: a lot names one in its body)."""
    try:
        return commodity_in_force(commodity_id)
    except NotFound:
        raise Unprocessable("COMMODITY_NOT_FOUND", f"No commodity {commodity_id}",
                            {"fields": [{"field": "commodityId", "rule": "unknown",
                                         "message": "Not a commodity of the masters"}]}) from None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def place_of_station(station_id: str) -> dict[str, str]:
    """{stationId, regionId, stateCode} of a master station (ids as the masters make them:
    `{stateCode}-{slug}`); 422 STATION_NOT_FOUND for an unknown station."""
    rows = lexicon_rows()
    row = next((r for r in (rows.stations if rows else ()) if r["id"] == station_id), None)
    if row is None:
        raise Unprocessable("STATION_NOT_FOUND", f"No station {station_id}",
                            {"fields": [{"field": "stationId", "rule": "unknown",
                                         "message": "Not a station of the masters"}]})
    state_code = station_id.split("-", 1)[0]
    place = {"stationId": station_id, "stateCode": state_code}
    if row.get("region"):
        place["regionId"] = f"{state_code}-{_slug(row['region'])}"
    return place


def check_variety(template: Mapping[str, Any], variety_id: str | None) -> None:
    if variety_id is None:
        return
    codes = {f"{template.get('id') or template.get('code')}:{v.get('code')}" for v in template.get("varieties") or []}
    codes |= {str(v.get("code")) for v in template.get("varieties") or []}
    if variety_id not in codes:
        raise Unprocessable("VALIDATION_FAILED", f"{variety_id} is not a variety of this commodity",
                            {"fields": [{"field": "varietyId", "rule": "not_in_commodity_list",
                                         "message": "Not a variety of this commodity"}]})


def check_report_date(day: date) -> None:
    if day > clock.today_india():
        raise Unprocessable("VALIDATION_FAILED", "A test report cannot be dated in the future",
                            {"fields": [{"field": "reportDate", "rule": "not_future",
                                         "message": "Not after today"}]})


def _strings(values: Mapping[str, Decimal]) -> dict[str, str]:
    return {key: str(value) for key, value in values.items()}


# ---------------------------------------------------------------- create / update / expire

def create(user: Any, body: Any, actor: Any, *, lot_id: str | None = None) -> dict[str, Any]:
    """A new AVAILABLE lot of the seller partner (SELLER or TRADER, allowed to trade); `lot_id` for the seed."""
    from shared.units import to_store
    from shared.uow import run_in_transaction

    partner_id = seller_of(user, body.partner_id)
    template = commodity(body.commodity_id)
    check_variety(template, body.variety_id)
    hvi = rules.check_values(body.hvi, template.get("qualityParameters") or [])
    check_report_date(body.report_date)
    place = place_of_station(body.station_id)
    quantity = body.quantity.quantity()
    ref = lot_ref(lot_id) if lot_id else lot_ref_new()

    def work(uow: Any) -> dict[str, Any]:
        party = contract_party(uow, partner_id)
        if party is None:
            raise Unprocessable("PARTNER_NOT_FOUND", "No such partner",
                                {"fields": [{"field": "partnerId", "rule": "unknown", "message": "No such partner"}]})
        rules.check_side(party.kind, "SELL")
        ensure_can_trade(partner_id, uow=uow)
        data = stamp_new({
            "partnerId": partner_id, "commodityId": template.get("id") or body.commodity_id,
            "commodityVersion": template.get("version"), "varietyId": body.variety_id, "lab": body.lab,
            "reportNumber": body.report_number, "reportDate": body.report_date.isoformat(), "hvi": _strings(hvi),
            "stationId": place["stationId"], "location": place, "quantity": to_store(quantity),
            "totalKg": str(quantity.kg), "availableKg": str(quantity.kg), "reservedKg": "0", "soldKg": "0",
            "reservations": {}, "status": states.AVAILABLE, "report": None,
        }, getattr(actor, "user_id", None))
        uow.create(ref, data)
        uow.audit("testedLot.create", ENTITY, ref.id, after={"status": states.AVAILABLE, "totalKg": data["totalKg"]},
                  partnerId=partner_id)
        return {"id": ref.id, **data}

    return run_in_transaction(work, actor)


def lot_ref_new() -> Any:
    return collection(LOTS).document()


def update(lot_id: str, user: Any, patch: Any, if_match: str | None, actor: Any) -> dict[str, Any]:
    """Change the report details, HVI values, station or total quantity of an AVAILABLE lot; the total
    never goes below what is reserved and sold (409 LOT_QUANTITY_BELOW_COMMITTED)."""
    fields = patch.model_dump(exclude_unset=True)
    if not fields:
        raise Unprocessable("VALIDATION_FAILED", "Nothing to change", {"fields": []})
    current = load(None, lot_id, user)
    changes: dict[str, Any] = {}
    if patch.hvi is not None:
        template = commodity(current["commodityId"])
        changes["hvi"] = _strings(rules.check_values(patch.hvi, template.get("qualityParameters") or []))
    if patch.station_id is not None:
        place = place_of_station(patch.station_id)
        changes.update({"stationId": place["stationId"], "location": place})
    if patch.report_date is not None:
        check_report_date(patch.report_date)
        changes["reportDate"] = patch.report_date.isoformat()
    for name, stored in (("lab", "lab"), ("report_number", "reportNumber")):
        if getattr(patch, name) is not None:
            changes[stored] = getattr(patch, name)

    def work(uow: Any) -> dict[str, Any]:
        lot = load(uow, lot_id, user)
        check_if_match(if_match, int(lot.get("version", 1)))
        if lot["status"] != states.AVAILABLE:
            raise Conflict("LOT_NOT_AVAILABLE", f"A {lot['status']} lot cannot be changed", {"status": lot["status"]})
        update_fields = dict(changes)
        if patch.quantity is not None:
            quantity = patch.quantity.quantity()
            committed = Decimal(lot["reservedKg"]) + Decimal(lot["soldKg"])
            if quantity.kg < committed:
                raise Conflict("LOT_QUANTITY_BELOW_COMMITTED", "The total is less than what is reserved and sold",
                               {"committedKg": str(committed), "totalKg": str(quantity.kg)})
            update_fields.update({"quantity": to_store(quantity), "totalKg": str(quantity.kg),
                                  "availableKg": str(quantity.kg - committed)})
        update_fields = stamp_update(update_fields, getattr(actor, "user_id", None), int(lot.get("version", 1)))
        uow.update(lot_ref(lot_id), update_fields)
        uow.audit("testedLot.update", ENTITY, lot_id, before={k: lot.get(k) for k in update_fields},
                  after=update_fields, partnerId=lot["partnerId"])
        return {**lot, **update_fields}

    return run_in_transaction(work, actor)


def expire(lot_id: str, user: Any, actor: Any) -> dict[str, Any]:
    """The seller takes an AVAILABLE lot off the market (409 INVALID_TRANSITION from any other state)."""
    def work(uow: Any) -> dict[str, Any]:
        lot = load(uow, lot_id, user)
        _machine().ensure(lot["status"], states.EXPIRED)
        update = stamp_update({"status": states.EXPIRED, "expiredAt": clock.now()}, getattr(actor, "user_id", None),
                              int(lot.get("version", 1)))
        uow.update(lot_ref(lot_id), update)
        uow.audit("testedLot.expire", ENTITY, lot_id, before={"status": lot["status"]},
                  after={"status": states.EXPIRED}, partnerId=lot["partnerId"])
        return {**lot, **update}

    return run_in_transaction(work, actor)


# ---------------------------------------------------------------- list

FILTERS = (("partnerId", "partner_id"), ("status", "status"), ("commodityId", "commodity_id"))


def list_lots(user: Any, query: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Lots newest first, filtered by status / commodity (and partner, for the back office)."""
    from google.cloud.firestore_v1.base_query import FieldFilter


    partner_id = query.partner_id if user.is_back_office else user.partner_id
    if not user.is_back_office and query.partner_id and query.partner_id != user.partner_id:
        return [], None
    if not user.is_back_office and not partner_id:
        return [], None
    wanted = {"partnerId": partner_id, "status": query.status, "commodityId": query.commodity_id}
    base: Any = collection(LOTS)
    for stored, _ in FILTERS:
        if wanted[stored] is not None:
            base = base.where(filter=FieldFilter(stored, "==", wanted[stored]))
    snapshots, token = page(base, [("createdAt", "DESCENDING")], query.page_size, query.page_token)
    return [{"id": s.id, **(s.to_dict() or {})} for s in snapshots], token


# ---------------------------------------------------------------- the test report (signed URLs)

def report_object(lot_id: str, upload_id: str) -> str:
    return f"testedLots/{lot_id}/report/{upload_id}"


def request_report(lot_id: str, user: Any, body: Any, actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(lot, upload instructions): a pending report and a 15-minute signed PUT URL."""
    kind = kind_of_content_type(body.content_type)
    if kind not in REPORT_KINDS:
        raise Unprocessable("UNSUPPORTED_FILE_TYPE", "A test report is a PDF, JPEG or PNG file",
                            {"fields": [{"field": "contentType", "rule": "file_type",
                                         "message": "Allowed: jpeg, pdf, png"}]})
    if body.size_bytes is not None and body.size_bytes > MAX_REPORT_BYTES:
        raise Unprocessable("FILE_TOO_LARGE", "A test report is at most 5 MiB",
                            {"fields": [{"field": "sizeBytes", "rule": "max_size", "message": "At most 5 MiB"}],
                             "maxBytes": MAX_REPORT_BYTES})
    name = report_object(lot_id, uuid.uuid4().hex)
    expires = clock.now() + UPLOAD_TTL
    content_type = base_content_type(body.content_type)

    def work(uow: Any) -> dict[str, Any]:
        lot = load(uow, lot_id, user)
        if lot["status"] in states.LOT_FINAL:
            raise Conflict("LOT_CLOSED", f"This lot is {lot['status']}", {"status": lot["status"]})
        prior = lot.get("report") or {}
        if prior.get("status") == VERIFIED_FILE:
            previous = prior.get("objectName")
            previous_report = {k: v for k, v in prior.items() if k not in ("previous", "previousReport")}
        else:                     # a replacement still pending (or abandoned): the checked report stays kept
            previous, previous_report = prior.get("previous"), prior.get("previousReport")
        report = {"status": PENDING_UPLOAD, "fileName": body.file_name, "contentType": content_type,
                  "fileKind": kind, "objectName": name, "sizeBytes": None, "uploadExpiresAt": expires,
                  "uploadedAt": None, "previous": previous, "previousReport": previous_report}
        update = stamp_update({"report": report}, getattr(actor, "user_id", None), int(lot.get("version", 1)))
        uow.update(lot_ref(lot_id), update)
        uow.audit("testedLot.requestReport", ENTITY, lot_id, after={"fileName": body.file_name, "fileKind": kind},
                  partnerId=lot["partnerId"])
        superseded = prior.get("objectName") if prior.get("status") == PENDING_UPLOAD else None
        return {**lot, **update, "_superseded": superseded}

    lot = run_in_transaction(work, actor)
    superseded = lot.pop("_superseded", None)
    if superseded:
        # Its completion now answers 409 (the report names another object), so nothing can verify it.
        storage.delete(superseded)
    upload = storage.signed_upload_url(name, content_type, MAX_REPORT_BYTES, expires=UPLOAD_TTL)
    return lot, {**upload, "expiresAt": clock.iso(expires), "maxBytes": MAX_REPORT_BYTES}


def complete_report(lot_id: str, user: Any, actor: Any) -> dict[str, Any]:
    """Check the uploaded report's bytes: VERIFIED_FILE, or the object deleted and 422 (a replacement
    refused so leaves the checked report it was to replace in place)."""
    lot = load(None, lot_id, user)
    report = lot.get("report") or {}
    if report.get("status") == VERIFIED_FILE:
        return lot
    if report.get("status") != PENDING_UPLOAD:
        raise Conflict("REPORT_NOT_PENDING", "Request a report upload first")
    info, problem = check_upload(report, REPORT_RULES, "report")

    def work(uow: Any) -> dict[str, Any]:
        current = load(uow, lot_id, user)
        pending = current.get("report") or {}
        if pending.get("objectName") != report["objectName"] or pending.get("status") != PENDING_UPLOAD:
            raise Conflict("REPORT_NOT_PENDING", "The report changed meanwhile; reload the lot")
        if problem is None:
            previous = pending.get("previous")
            new_report = {**pending, "status": VERIFIED_FILE, "sizeBytes": info.size, "uploadedAt": clock.now(),
                          "previous": None, "previousReport": None}
        else:                     # a rejected replacement gives the lot its checked report back
            previous = None
            new_report = pending.get("previousReport")
        update = stamp_update({"report": new_report}, getattr(actor, "user_id", None), int(current.get("version", 1)))
        uow.update(lot_ref(lot_id), update)
        uow.audit("testedLot.completeReport", ENTITY, lot_id,
                  after={"status": VERIFIED_FILE if problem is None else problem[0]}, partnerId=current["partnerId"])
        return {**current, **update, "_replaced": previous}

    result = run_in_transaction(work, actor)
    if problem is not None:
        raise rejected(problem)
    replaced = result.pop("_replaced", None)
    if replaced:
        storage.delete(replaced)
    return result


def report_download(lot_id: str, user: Any) -> tuple[str, str]:
    """(5-minute signed GET URL, its expiry) of the lot's checked report."""
    lot = load(None, lot_id, user)
    report = lot.get("report") or {}
    if report.get("status") != VERIFIED_FILE:
        raise Conflict("REPORT_NOT_AVAILABLE", "This lot has no checked test report yet")
    url = storage.signed_download_url(report["objectName"], expires=DOWNLOAD_TTL, filename=report["fileName"])
    return url, clock.iso(clock.now() + DOWNLOAD_TTL) or ""


def _abandon_report(uow: Any, ref: Any, before: Any) -> str | None:
    """In the sweep's transaction: if the lot's report still waits for its file, give the lot its previous
    checked report back (or mark the report UPLOAD_ABANDONED); the pending object's name, to delete."""
    snapshot = uow.get(ref)
    current = snapshot.to_dict() if snapshot.exists else None
    report = (current or {}).get("report")
    if current is None or not upload_sweep.is_abandoned(report, before):
        return None
    restored = report.get("previousReport")
    if isinstance(restored, dict) and restored.get("status") == VERIFIED_FILE:
        new_report = {**restored, "previous": None, "previousReport": None}
    else:
        new_report = {**report, **upload_sweep.abandoned_fields(clock.now())}
    uow.update(ref, stamp_update({"report": new_report}, SYSTEM.user_id, int(current.get("version") or 1)))
    uow.audit("testedLot.reportAbandoned", ENTITY, ref.id,
              before={"status": PENDING_UPLOAD, "fileName": report.get("fileName")},
              after={"status": new_report["status"], "fileName": new_report.get("fileName")},
              partnerId=current.get("partnerId"))
    return str(report["objectName"])


def sweep_abandoned_reports(limit: int = upload_sweep.LIMIT) -> dict[str, Any]:
    """The `lot-report-upload-sweep` job: lots whose report is still PENDING_UPLOAD an hour after its upload
    expired get their previous checked report back or an UPLOAD_ABANDONED one; the object is deleted."""
    return upload_sweep.sweep(ENTITY, collection(LOTS), _abandon_report, prefix="report.", limit=limit)


# ---------------------------------------------------------------- for the acceptance's transaction

def _read_for_offer(uow: Any, lot_id: str, seller_partner_id: str) -> dict[str, Any]:
    lot = _live(uow.get(lot_ref(lot_id)))
    if lot is None or lot.get("partnerId") != seller_partner_id:
        # Another seller's lot is as unknown as a missing one.
        raise Conflict("LOT_NOT_AVAILABLE", "The tested lot is not available", {"lotId": lot_id})
    return lot


def _variety_code(variety_id: str) -> str:
    """`COTTON:SHANKAR-6` and `SHANKAR-6` name one variety (check_variety accepts both spellings)."""
    return variety_id.rsplit(":", 1)[-1]


def offered_lot(uow: Any, lot_id: str, seller_partner_id: str, commodity_id: str | None, kg: Decimal,
                variety_id: str | None = None) -> dict[str, Any]:
    """The lot an offer of `seller_partner_id` names, read in the offer's unit of work: 404 LOT_NOT_FOUND
    unless it is the seller's own (another partner's lot is as unknown as a missing one), 409
    LOT_NOT_AVAILABLE unless AVAILABLE, 422 LOT_COMMODITY_MISMATCH for another commodity than the
    request's, 422 LOT_VARIETY_MISMATCH when the request names a variety (`variety_id`) and the lot names
    another (a lot that names none is not refused), 409 LOT_QUANTITY_EXCEEDED when the offer's `kg` is
    more than the lot has available."""
    lot = _live(uow.get(lot_ref(lot_id)))
    if lot is None or lot.get("partnerId") != seller_partner_id:
        raise NotFound("LOT_NOT_FOUND", "No such tested lot of yours", {"lotId": lot_id})
    if lot["status"] != states.AVAILABLE:
        raise Conflict("LOT_NOT_AVAILABLE", f"The tested lot is {lot['status']}",
                       {"lotId": lot_id, "status": lot["status"]})
    if commodity_id and lot.get("commodityId") != commodity_id:
        raise Unprocessable("LOT_COMMODITY_MISMATCH", "The tested lot is of another commodity than the request",
                            {"lotId": lot_id, "lotCommodityId": lot.get("commodityId"), "commodityId": commodity_id,
                             "fields": [{"field": "lotId", "rule": "same_commodity",
                                         "message": "The lot's commodity must be the request's"}]})
    lot_variety = lot.get("varietyId")
    if variety_id and lot_variety and _variety_code(lot_variety) != _variety_code(variety_id):
        raise Unprocessable("LOT_VARIETY_MISMATCH",
                            f"The tested lot is of variety {lot_variety}, but the request asks for {variety_id}",
                            {"lotId": lot_id, "lotVarietyId": lot_variety, "varietyId": variety_id,
                             "fields": [{"field": "lotId", "rule": "same_variety",
                                         "message": f"The lot's variety ({lot_variety}) must be the request's "
                                                    f"({variety_id})"}]})
    available = Decimal(lot["availableKg"])
    if kg > available:
        raise Conflict("LOT_QUANTITY_EXCEEDED", "The offer's quantity is more than the lot has available",
                       {"lotId": lot_id, "availableKg": str(available), "offerKg": str(kg)})
    return lot


def offer_quality(uow: Any, lot_id: str, seller_partner_id: str) -> dict[str, Any]:
    """What an offer copies from its lot: {hvi, stationId, location, availableKg, commodityId, varietyId}
    (409 LOT_NOT_AVAILABLE unless the seller's lot is AVAILABLE)."""
    lot = _read_for_offer(uow, lot_id, seller_partner_id)
    if lot["status"] != states.AVAILABLE:
        raise Conflict("LOT_NOT_AVAILABLE", f"The tested lot is {lot['status']}", {"lotId": lot_id})
    return {key: lot.get(key) for key in ("hvi", "stationId", "location", "availableKg", "commodityId", "varietyId")}


def reserve(uow: Any, lot_id: str, kg: Decimal | str, *, offer_id: str, seller_partner_id: str) -> dict[str, Any]:
    """Reserve `kg` of the lot for an accepted offer, in the caller's unit of work (reads first, writes
    queued). 409 LOT_NOT_AVAILABLE / LOT_QUANTITY_EXCEEDED; RESERVED once nothing is left available.
    A second call for the same offer (a retried transaction) reserves nothing more."""
    amount = Decimal(kg)
    lot = _read_for_offer(uow, lot_id, seller_partner_id)
    if offer_id in (lot.get("reservations") or {}):
        return lot
    if lot["status"] != states.AVAILABLE:
        raise Conflict("LOT_NOT_AVAILABLE", f"The tested lot is {lot['status']}", {"lotId": lot_id})
    available = Decimal(lot["availableKg"])
    if amount <= 0 or amount > available:
        raise Conflict("LOT_QUANTITY_EXCEEDED", "The offer's quantity is more than the lot has available",
                       {"lotId": lot_id, "availableKg": str(available), "offerKg": str(amount)})
    left = available - amount
    status = _machine().ensure(lot["status"], states.RESERVED) if left == 0 else lot["status"]
    update = stamp_update({"availableKg": str(left), "reservedKg": str(Decimal(lot["reservedKg"]) + amount),
                           f"reservations.{offer_id}": str(amount), "status": status},
                          getattr(uow.actor, "user_id", None), int(lot.get("version", 1)))
    uow.update(lot_ref(lot_id), update)
    uow.audit("testedLot.reserve", ENTITY, lot_id, before={"availableKg": str(available), "status": lot["status"]},
              after={"availableKg": str(left), "status": status, "offerId": offer_id}, partnerId=lot["partnerId"])
    return {**lot, "availableKg": str(left), "reservedKg": update["reservedKg"], "status": status}


def _settle(uow: Any, lot_id: str, offer_id: str, *, sold: bool) -> dict[str, Any]:
    from google.cloud.firestore import DELETE_FIELD


    snapshot = uow.get(lot_ref(lot_id))
    lot = _live(snapshot)
    if lot is None:
        raise not_found()
    reserved_for = (lot.get("reservations") or {}).get(offer_id)
    if reserved_for is None:
        return lot
    amount = Decimal(reserved_for)
    reserved = Decimal(lot["reservedKg"]) - amount
    available = Decimal(lot["availableKg"]) + (ZERO if sold else amount)
    sold_kg = Decimal(lot["soldKg"]) + (amount if sold else ZERO)
    if sold and available == 0 and reserved == 0:
        status = _machine().ensure(lot["status"], states.SOLD)
    elif not sold and lot["status"] == states.RESERVED:
        status = _machine().ensure(lot["status"], states.AVAILABLE)
    else:
        status = lot["status"]
    fields = {"availableKg": str(available), "reservedKg": str(reserved), "soldKg": str(sold_kg), "status": status,
              f"reservations.{offer_id}": DELETE_FIELD}
    uow.update(lot_ref(lot_id), stamp_update(fields, getattr(uow.actor, "user_id", None), int(lot.get("version", 1))))
    uow.audit("testedLot.sell" if sold else "testedLot.release", ENTITY, lot_id,
              before={"status": lot["status"], "reservedKg": lot["reservedKg"]},
              after={"status": status, "reservedKg": str(reserved), "offerId": offer_id}, partnerId=lot["partnerId"])
    return {**lot, **{k: v for k, v in fields.items() if not k.startswith("reservations.")}}


def release(uow: Any, lot_id: str, offer_id: str) -> dict[str, Any]:
    """Give an offer's reservation back to the available quantity (a cancelled contract)."""
    return _settle(uow, lot_id, offer_id, sold=False)


def mark_sold(uow: Any, lot_id: str, offer_id: str) -> dict[str, Any]:
    """Turn an offer's reservation into sold quantity (SOLD once nothing is left)."""
    return _settle(uow, lot_id, offer_id, sold=True)
