"""Trade requests: create as DRAFT, edit (If-Match), post, cancel, read and list (DOMAIN.md "Trade desk").

Stored in `trades/{id}` (see acceptance.py for the fields the negotiation relies on): the request's
fields as validated against the commodity template in force (quality ranges made two-sided, decimals as
strings), `number` TR-25-26-000123 from the organization's `TR` counter of the financial year it was
created in, `ownerPartnerId`, `orgId`, `openKg`/`filledKg` (strings) and `openKgNumber` (a float copy for
the market's quantity filter), `ownerHandleSecret` (a random key for the offer makers' handles; never
answered). Every change is one transaction with its audit entry.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from functions.tradedesk import expiry, keys, rules, states
from functions.tradedesk.acceptance import OFFERS, TRADES, trade_ref
from functions.tradedesk.anonymity import Viewer, trade_for
from functions.tradedesk.drafting import REQUIRED_TO_POST
from functions.tradedesk.parties import acting_partner, resolve_org, viewer_of
from shared import clock, fiscal
from shared.auth.principal import Principal
from shared.errors import Conflict, NotFound, Unprocessable
from shared.http.etag import check_if_match

DEFAULT_VALIDITY_DAYS = 7
SERIES = "TR"
EDITABLE = frozenset({states.DRAFT})
MARKET_SIDES = {"BUYER": ("SELL",), "SELLER": ("BUY",), "TRADER": ("BUY", "SELL")}


def not_found() -> NotFound:
    return NotFound("TRADE_NOT_FOUND", "No such trade request")


def template_of(commodity_id: str) -> dict[str, Any]:
    from functions.masters.public import commodity_in_force

    try:
        return commodity_in_force(commodity_id)
    except NotFound:
        raise Unprocessable("VALIDATION_FAILED", f"No commodity {commodity_id}",
                            {"fields": [{"field": "commodityId", "rule": "unknown_commodity",
                                         "message": f"No commodity {commodity_id}"}]}) from None


def _bad(field: str, rule: str, message: str) -> Unprocessable:
    return Unprocessable("VALIDATION_FAILED", message, {"fields": [{"field": field, "rule": rule, "message": message}]})


def validated(fields: dict[str, Any], template: dict[str, Any]) -> dict[str, Any]:
    """The stored form of a request's fields, checked against the commodity template."""
    out = dict(fields)
    variety = fields.get("varietyId")
    if variety:
        commodity = template.get("id") or template.get("code")
        codes = {v.get("code") for v in template.get("varieties") or []}
        if variety not in codes and variety not in {f"{commodity}:{code}" for code in codes}:
            raise _bad("varietyId", "unknown_variety", f"{variety} is not a variety of this commodity")
    quantity = fields.get("quantity")
    if quantity and template.get("units") and quantity["unit"] not in template["units"]:
        raise _bad("quantity.unit", "unit_not_allowed", f"{quantity['unit']} is not a unit of this commodity")
    if fields.get("quality"):
        ranges = rules.normalise_ranges(fields["quality"], template.get("qualityParameters") or [])
        out["quality"] = {key: {"min": str(r["min"]), "max": str(r["max"])} for key, r in ranges.items()}
    rules.check_terms(fields, template)
    return out


def fields_of(body: Any) -> dict[str, Any]:
    from functions.tradedesk.models import TradeFields

    data = body.model_dump(by_alias=True, exclude_unset=True, include=set(TradeFields.model_fields))
    if body.quantity is not None:
        data["quantity"] = {"value": str(body.quantity.value), "unit": body.quantity.unit.value,
                            "kg": str(body.quantity.kg)}
    if body.target_price is not None:
        data["targetPrice"] = str(body.target_price)
    if body.price_unit is not None:
        data["priceUnit"] = body.price_unit.value
    if body.quality is not None:
        data["quality"] = {key: {k: None if v is None else str(v) for k, v in r.model_dump().items()}
                           for key, r in body.quality.items()}
    if body.location is not None:
        data["location"] = body.location.model_dump(by_alias=True, exclude_none=True)
    return {key: value for key, value in data.items() if value is not None}


def _quantity_fields(quantity: dict[str, Any] | None) -> dict[str, Any]:
    if not quantity:
        return {"openKg": None, "filledKg": "0", "openKgNumber": None}
    return {"openKg": quantity["kg"], "filledKg": "0", "openKgNumber": float(Decimal(quantity["kg"]))}


def create(principal: Principal, fields: dict[str, Any], side: str, partner_id: str | None, org_id: str | None,
           actor: Any) -> dict[str, Any]:
    """A DRAFT request for the acting partner (whose kind must allow `side`)."""
    from functions.partners.public import ensure_can_trade
    from shared.db import stamp_new
    from shared.numbering import CounterScope, next_number, trade_number
    from shared.uow import run_in_transaction

    acting = acting_partner(principal, partner_id)
    org = resolve_org(principal, org_id)
    template = template_of(fields["commodityId"]) if fields.get("commodityId") else {}
    stored = validated(fields, template) if template else dict(fields)
    trade_id = uuid.uuid4().hex

    def work(uow: Any) -> dict[str, Any]:
        partner = _partner(uow, acting.partner_id)
        ensure_can_trade(acting.partner_id, partner=partner)
        rules.check_side(partner.get("kind"), side)
        fy = fiscal.financial_year_of(clock.now())
        number = trade_number(fy, next_number(uow, CounterScope(org, fy, SERIES)))
        doc = stamp_new({**stored, "side": side, "status": states.DRAFT, "number": number, "orgId": org,
                         "financialYear": fy, "ownerPartnerId": acting.partner_id, "ownerKind": partner.get("kind"),
                         "onBehalfOf": acting.user_id if acting.back_office else None,
                         "ownerHandleSecret": secrets.token_hex(16), "validUntil": None,
                         **_quantity_fields(stored.get("quantity"))}, acting.user_id)
        uow.create(trade_ref(trade_id), doc)
        uow.audit("trade.create", "trade", trade_id, after={"status": states.DRAFT, "number": number}, orgId=org)
        return {"id": trade_id, **doc}

    return run_in_transaction(work, actor)


def _partner(uow: Any, partner_id: str) -> dict[str, Any]:
    from functions.partners.public import trading_partner

    partner = trading_partner(uow, partner_id)
    if partner is None:
        raise NotFound("PARTNER_NOT_FOUND", "No such partner")
    return partner


def _load(uow: Any, trade_id: str) -> dict[str, Any]:
    snapshot = uow.get(trade_ref(trade_id))
    if not snapshot.exists:
        raise not_found()
    return {"id": trade_id, **(snapshot.to_dict() or {})}


def _owned(uow: Any, principal: Principal, trade_id: str) -> dict[str, Any]:
    """The request when the caller may manage it: its owner's users, or the back office."""
    trade = _load(uow, trade_id)
    if not principal.is_back_office and trade.get("ownerPartnerId") != principal.partner_id:
        raise not_found()
    return trade


def update(principal: Principal, trade_id: str, fields: dict[str, Any], if_match: str | None, actor: Any
           ) -> dict[str, Any]:
    from shared.db import stamp_update
    from shared.uow import run_in_transaction

    def work(uow: Any) -> dict[str, Any]:
        trade = _owned(uow, principal, trade_id)
        check_if_match(if_match, int(trade.get("version", 1)))
        if trade["status"] not in EDITABLE:
            raise Conflict("TRADE_NOT_EDITABLE", f"A {trade['status']} request cannot be edited",
                           {"status": trade["status"]})
        merged = {**{k: v for k, v in trade.items() if k in fields or k in REQUIRED_TO_POST}, **fields}
        commodity = merged.get("commodityId")
        stored = validated(merged, template_of(commodity)) if commodity else merged
        changes = {key: stored[key] for key in fields} | (_quantity_fields(stored.get("quantity"))
                                                            if "quantity" in fields else {})
        update_doc = stamp_update(changes, principal.user_id, int(trade.get("version", 1)))
        uow.update(trade_ref(trade_id), update_doc)
        uow.audit("trade.update", "trade", trade_id, before={k: trade.get(k) for k in fields},
                  after={k: stored.get(k) for k in fields}, orgId=trade.get("orgId"))
        return {**trade, **update_doc}

    return run_in_transaction(work, actor)


def missing_to_post(trade: dict[str, Any]) -> list[str]:
    return [name for name in REQUIRED_TO_POST if not trade.get(name)]


def post(principal: Principal, trade_id: str, if_match: str | None, actor: Any) -> dict[str, Any]:
    """DRAFT -> POSTED once every required field is there; its expiry timer is set for validUntil."""
    from functions.partners.public import ensure_can_trade
    from functions.tradedesk.events import TradeRequestPosted
    from shared.db import stamp_update
    from shared.uow import run_in_transaction

    def work(uow: Any) -> dict[str, Any]:
        trade = _owned(uow, principal, trade_id)
        check_if_match(if_match, int(trade.get("version", 1)))
        states.machine("trade request").ensure(trade["status"], states.POSTED)
        missing = missing_to_post(trade)
        if missing:
            raise Unprocessable("MISSING_FIELDS", "Fill these fields before posting: " + ", ".join(missing),
                                {"missing": missing})
        ensure_can_trade(trade["ownerPartnerId"], uow=uow)
        now = clock.now()
        valid_until = now + timedelta(days=int(trade.get("validityDays") or DEFAULT_VALIDITY_DAYS))
        validity = expiry.new_validity(trade, valid_until)
        update_doc = stamp_update({"status": states.POSTED, "postedAt": now, "postedBy": principal.user_id,
                                   **validity}, principal.user_id, int(trade.get("version", 1)))
        uow.update(trade_ref(trade_id), update_doc)
        expiry.schedule_trade_timer(uow, trade_id, validity["validityVersion"], valid_until)
        uow.emit(TradeRequestPosted(trade_id=trade_id, trade_number=trade.get("number")), subject=trade_id)
        uow.audit("trade.post", "trade", trade_id, before={"status": trade["status"]},
                  after={"status": states.POSTED, "validUntil": valid_until.isoformat()},
                  orgId=trade.get("orgId"))
        return {**trade, **update_doc}

    return run_in_transaction(work, actor)


def cancel(principal: Principal, trade_id: str, reason: str | None, if_match: str | None, actor: Any
           ) -> dict[str, Any]:
    """The owner withdraws its request; its live offers are rejected (REQUEST_CANCELLED), and each maker is
    told by a TradeCancelled of its own (one without a recipient when no offer was live)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.tradedesk.events import TradeCancelled
    from shared.db import collection, stamp_update
    from shared.uow import run_in_transaction

    def work(uow: Any) -> dict[str, Any]:
        trade = _owned(uow, principal, trade_id)
        check_if_match(if_match, int(trade.get("version", 1)))
        states.machine("trade request").ensure(trade["status"], states.CANCELLED)
        live = uow.query(collection(OFFERS).where(filter=FieldFilter("tradeId", "==", trade_id))
                         .where(filter=FieldFilter("status", "in", sorted(states.OFFER_LIVE))))
        now = clock.now()
        update_doc = stamp_update({"status": states.CANCELLED, "cancelledAt": now, "cancelledBy": principal.user_id,
                                   "cancelReason": reason}, principal.user_id, int(trade.get("version", 1)))
        uow.update(trade_ref(trade_id), update_doc)
        for offer in live:
            data = offer.to_dict() or {}
            uow.update(offer.reference, stamp_update({"status": states.REJECTED, "rejectedAt": now,
                                                      "rejectionReason": "REQUEST_CANCELLED", "turn": None},
                                                     principal.user_id, int(data.get("version", 1))))
            keys.release(uow, trade_id, data["makerPartnerId"])
            uow.audit("offer.reject", "offer", offer.id, before={"status": data.get("status")},
                      after={"status": states.REJECTED, "reason": "REQUEST_CANCELLED"}, orgId=trade.get("orgId"))
            uow.emit(TradeCancelled(trade_id=trade_id, trade_number=trade.get("number"), offer_id=offer.id,
                                    recipient_partner_id=data["makerPartnerId"]), subject=trade_id)
        if not live:
            uow.emit(TradeCancelled(trade_id=trade_id, trade_number=trade.get("number")), subject=trade_id)
        uow.audit("trade.cancel", "trade", trade_id, before={"status": trade["status"]},
                  after={"status": states.CANCELLED, "offersRejected": len(live)}, reason=reason,
                  orgId=trade.get("orgId"))
        return {**trade, **update_doc}

    return run_in_transaction(work, actor)


def _sees_market(principal: Principal, trade: dict[str, Any]) -> bool:
    """A partner of the other side sees a posted request (BUY to sellers and traders, SELL to buyers and traders)."""
    from functions.partners.public import trading_partner

    if trade.get("status") not in states.TRADE_OPEN:
        return False
    partner = trading_partner(None, principal.partner_id or "")
    return bool(partner) and trade.get("side") in MARKET_SIDES.get(partner.get("kind") or "", ())


def _made_offer(trade_id: str, partner_id: str) -> tuple[bool, bool]:
    """(has an offer on it, one of them accepted)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    offers = list(collection(OFFERS).where(filter=FieldFilter("tradeId", "==", trade_id))
                  .where(filter=FieldFilter("makerPartnerId", "==", partner_id)).select(["status"]).limit(20).stream())
    return bool(offers), any((o.to_dict() or {}).get("status") == states.ACCEPTED for o in offers)


def get(principal: Principal, trade_id: str) -> dict[str, Any]:
    snapshot = trade_ref(trade_id).get()
    if not snapshot.exists:
        raise not_found()
    trade = {"id": trade_id, **(snapshot.to_dict() or {})}
    viewer = viewer_of(principal)
    if viewer.back_office or trade.get("ownerPartnerId") == viewer.partner_id:
        return present(viewer, trade)
    made, revealed = _made_offer(trade_id, viewer.partner_id or "")
    if not made and not _sees_market(principal, trade):
        raise not_found()
    return present(viewer, trade, revealed=revealed)


def present(viewer: Viewer, trade: dict[str, Any], *, revealed: bool = False) -> dict[str, Any]:
    view = trade_for(viewer, trade, revealed=revealed)
    if not (viewer.back_office or revealed or trade.get("ownerPartnerId") == viewer.partner_id):
        # Anything naming who did what is a user of the owner (or of RNRL acting for it).
        view = {key: value for key, value in view.items() if not key.endswith("By")}
    view.pop("ownerHandleSecret", None)
    view.pop("openKgNumber", None)
    view["missing"] = missing_to_post(trade) if trade.get("status") == states.DRAFT else []
    return view


def list_trades(principal: Principal, query: Any) -> tuple[list[dict[str, Any]], str | None]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.partners.public import trading_partner
    from shared.db import collection
    from shared.http.pagination import page

    viewer = viewer_of(principal)
    q = collection(TRADES)
    if query.scope == "mine" and not viewer.back_office:
        q = q.where(filter=FieldFilter("ownerPartnerId", "==", viewer.partner_id))
        if query.status:
            q = q.where(filter=FieldFilter("status", "==", query.status))
    else:
        if viewer.back_office:
            sides: tuple[str, ...] = ("BUY", "SELL")
        else:
            partner = trading_partner(None, viewer.partner_id or "") or {}
            sides = MARKET_SIDES.get(partner.get("kind") or "", ())
            if not sides:
                return [], None
        statuses = [query.status] if query.status else sorted(states.TRADE_OPEN)
        if not viewer.back_office and not set(statuses) <= states.TRADE_OPEN:
            return [], None
        q = q.where(filter=FieldFilter("status", "in", statuses))
        if len(sides) == 1:
            q = q.where(filter=FieldFilter("side", "==", sides[0]))
    for name, value in (("commodityId", query.commodity_id), ("varietyId", query.variety_id),
                        ("location.stateCode", query.state_code), ("location.stationId", query.station_id)):
        if value:
            q = q.where(filter=FieldFilter(name, "==", value))
    order = [("createdAt", "DESCENDING")]
    if query.min_kg is not None:
        q = q.where(filter=FieldFilter("openKgNumber", ">=", float(query.min_kg)))
        order = [("openKgNumber", "ASCENDING")]
    snapshots, token = page(q, order, query.page_size, query.page_token)
    items = []
    for snapshot in snapshots:
        trade = {"id": snapshot.id, **(snapshot.to_dict() or {})}
        items.append(present(viewer, trade))
    return items, token
