"""The sales contract's state changes, each inside the caller's unit of work (one transaction).

- `create_draft(uow, NewContract, actor_id)`: a DRAFT numbered `SC/25-26/00042` from the organization's
  counter of the contract date's financial year (which must exist and be open, read in the same
  transaction, so a year close that commits meanwhile makes this retry and refuse); the parties'
  names and GSTINs and the masters in force (commodity terms, GST, commission structure) are copied.
  Used by the back office's POST and by the trade desk's acceptance (contracts.public).
- `submit`, `approve`, `cancel`, `propose_amendment`: see DOMAIN.md "Contracts and settlement".
  Approval is maker-checker: whoever entered, submitted or last changed the contract (or proposed the
  amendment) cannot approve it (403 MAKER_CHECKER). Version 1 is written when the contract is first
  approved, version n+1 when an amendment is approved: the versions are the contract as in force, with
  who approved them, the reason and the diff against the previous one. ContractApproved/ContractAmended
  carry the version, and the contract-note consumer (documents.py) renders its PDF.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from functions.contracts import states, store, terms, views
from functions.contracts.events import (
    CommissionDue,
    ContractAmended,
    ContractApproved,
    ContractCancelled,
    ContractCreated,
)
from functions.masters.public import (
    commission_structure_in_force,
    commodity_in_force,
    gst_rate_in_force,
    open_financial_year,
)
from functions.partners.public import contract_party
from shared import clock, fiscal
from shared.db import collection, stamp_new, stamp_update
from shared.errors import Conflict, Forbidden, Unprocessable
from shared.money import Money
from shared.numbering import CounterScope, contract_number, next_number
from shared.units import Quantity, Unit
from shared.units import from_store as quantity_from_store
from shared.units import to_store as quantity_to_store
from shared.versions import append_version, diff, ensure_version

SERIES = "SC"
BROKERAGE_SAC = "996111"
DEFAULT_BROKERAGE_GST = Decimal("18")


@dataclass(frozen=True)
class NewContract:
    """What a new contract is made of (the back office's form or an accepted offer)."""

    org_id: str
    buyer_partner_id: str
    seller_partner_id: str
    commodity_id: str
    quantity: Quantity
    rate: Money
    rate_unit: Unit
    contract_date: date | None = None
    sub_broker_partner_id: str | None = None
    variety: str | None = None
    quality_specs: list[dict[str, Any]] = field(default_factory=list)   # [{key, min, max}] (Decimals)
    terms: dict[str, str | None] = field(default_factory=dict)          # {tradeType: "SPOT", ...}
    delivery_station: str | None = None
    delivery_state_code: str | None = None
    commission_structure_id: str | None = None
    remarks: str | None = None
    source: dict[str, Any] | None = None                                # {kind: OFFER, tradeId, offerId}


@dataclass(frozen=True)
class Masters:
    """The master versions in force that a contract copies (read outside the transaction: a version,
    once written, never changes)."""

    commodity: dict[str, Any]
    structure: dict[str, Any] | None
    brokerage_gst: Decimal


def load_masters(commodity_id: str, structure_id: str | None) -> Masters:
    commodity = commodity_in_force(commodity_id)
    structure = commission_structure_in_force(structure_id, commodity.get("code"))
    if commodity.get("brokerageGstRate") is not None:      # the commodity's own setting first (kapas: exempt)
        return Masters(commodity, structure, terms.decimal_of(commodity["brokerageGstRate"]))
    sac = (structure or {}).get("sacCode") or BROKERAGE_SAC
    rate = gst_rate_in_force("SAC", sac)
    brokerage_gst = terms.decimal_of(rate["rate"]) if rate and rate.get("rate") is not None else DEFAULT_BROKERAGE_GST
    return Masters(commodity, structure, brokerage_gst)


def _bad(field_name: str, rule: str, message: str, code: str = "VALIDATION_FAILED") -> Unprocessable:
    return Unprocessable(code, message, {"fields": [{"field": field_name, "rule": rule, "message": message}]})


def _party(uow: Any, partner_id: str, field_name: str) -> dict[str, Any]:
    party = contract_party(uow, partner_id)
    if party is None:
        raise _bad(field_name, "unknown_partner", f"No partner {partner_id}", "PARTNER_NOT_FOUND")
    return {"partnerId": partner_id, "code": party.code, "name": party.trade_name or party.legal_name,
            "legalName": party.legal_name, "gstin": party.gstin, "stateCode": party.state_code,
            "address": party.address}


def amounts(quantity: Quantity, rate: Money, rate_unit: Unit, gst_percent: Decimal,
            commissions: dict[str, Any] | None, brokerage_gst: Decimal | None = None) -> dict[str, Any]:
    """valuePaise, gst and the commissions' amounts for a quantity and rate (commission bases kept)."""
    value = terms.contract_value(quantity, rate, rate_unit)
    gst = {"ratePercent": str(gst_percent), "amountPaise": terms.gst_on(value, gst_percent).paise}
    out: dict[str, Any] = {"valuePaise": value.paise, "gst": gst}
    if commissions:
        recomputed = dict(commissions)
        for side in ("buyer", "seller"):
            current = commissions.get(side)
            if current:
                per_bale = current.get("basis") == "PER_BALE"
                basis = ({"basis": "PER_BALE", "amountPaise": current.get("ratePaise")} if per_bale
                         else {"basis": "PERCENTAGE", "percent": current.get("percent")})
                side_gst = brokerage_gst if brokerage_gst is not None else Decimal(current.get("gstPercent") or "0")
                recomputed[side] = terms.commission_side(basis, value, quantity, side_gst)
        out["commissions"] = recomputed
    return out


def create_draft(uow: Any, new: NewContract, actor_id: str | None, masters: Masters | None = None
                 ) -> tuple[str, dict[str, Any]]:
    """Queue a DRAFT contract in `uow`; returns (id, stored data). All reads happen here, before any write."""
    if new.buyer_partner_id == new.seller_partner_id:
        raise _bad("sellerPartnerId", "same_party", "Buyer and seller must be different partners", "SAME_PARTY")
    masters = masters or load_masters(new.commodity_id, new.commission_structure_id)
    commodity = masters.commodity
    contract_day = new.contract_date or clock.today_india()
    fy = fiscal.financial_year_of(contract_day)
    open_financial_year(uow, new.org_id, fy)
    buyer = _party(uow, new.buyer_partner_id, "buyerPartnerId")
    seller = _party(uow, new.seller_partner_id, "sellerPartnerId")
    sub_broker = (_party(uow, new.sub_broker_partner_id, "subBrokerPartnerId") if new.sub_broker_partner_id else None)
    gst_percent = terms.decimal_of(commodity.get("gstRate") or 0)
    structure_commissions = terms.commissions(masters.structure, Money.zero(), new.quantity, masters.brokerage_gst)
    data: dict[str, Any] = {
        "contractDate": contract_day.isoformat(), "orgId": new.org_id, "financialYear": fy,
        "status": states.DRAFT, "statusBeforeDispute": None, "cancelReason": None, "contractVersion": 1,
        "buyer": buyer, "seller": seller, "subBroker": sub_broker,
        "partyIds": [p["partnerId"] for p in (buyer, seller, sub_broker) if p],
        "commodity": {"commodityId": commodity.get("id"), "code": commodity.get("code"), "name": commodity.get("name"),
                      "hsnCode": commodity.get("hsnCode"), "version": commodity.get("version")},
        "variety": terms.pick_variety(commodity, new.variety),
        "quantity": quantity_to_store(new.quantity),
        "rate": {"amountPaise": new.rate.paise, "unit": new.rate_unit.value},
        "qualitySpecs": terms.quality_specs(commodity, new.quality_specs),
        "terms": terms.pick_terms(commodity, new.terms),
        "deliveryStation": new.delivery_station, "deliveryStateCode": new.delivery_state_code,
        "remarks": new.remarks, "source": new.source or {"kind": "MANUAL"},
        "pendingAmendment": None, "submittedBy": None, "submittedAt": None, "approvedBy": None, "approvedAt": None,
        "changedBy": None,
    }
    data.update(amounts(new.quantity, new.rate, new.rate_unit, gst_percent, structure_commissions))
    number = next_number(uow, CounterScope(new.org_id, fy, SERIES))
    data["number"] = contract_number(fy, number)
    contract_id = uuid.uuid4().hex
    data = stamp_new(data, actor_id)
    uow.create(store.contract_ref(contract_id), data)
    views.write_views(uow, contract_id, data)
    uow.audit("contract.create", "contract", contract_id, after={"number": data["number"], "status": states.DRAFT,
                                                                "source": data["source"].get("kind")})
    uow.emit(ContractCreated(contract_id=contract_id, buyer_partner_id=new.buyer_partner_id,
                             seller_partner_id=new.seller_partner_id, org_id=new.org_id,
                             contract_number=data["number"]), subject=contract_id)
    return contract_id, data


def _update(uow: Any, contract_id: str, current: dict[str, Any], changes: dict[str, Any], actor_id: str | None
            ) -> dict[str, Any]:
    update = stamp_update(changes, actor_id, int(current.get("version", 1)))
    uow.update(store.contract_ref(contract_id), update)
    result = {**current, **update}
    views.write_views(uow, contract_id, result)
    return result


def submit(uow: Any, contract_id: str, current: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    target = states.CONTRACT.ensure(current["status"], states.PENDING_APPROVAL)
    now = clock.now()
    result = _update(uow, contract_id, current, {"status": target, "submittedBy": actor_id, "submittedAt": now},
                     actor_id)
    uow.audit("contract.submit", "contract", contract_id, before={"status": current["status"]},
              after={"status": target})
    return result


def _makers(current: dict[str, Any]) -> set[str]:
    makers = {current.get("submittedBy"), current.get("changedBy")}
    if (current.get("source") or {}).get("kind") == "MANUAL":
        makers.add(current.get("createdBy"))
    return makers - {None}


def approve(uow: Any, contract_id: str, current: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    """Approve a submitted contract (→ ACTIVE, version 1) or its pending amendment (→ version n+1)."""
    if current.get("pendingAmendment"):
        return _approve_amendment(uow, contract_id, current, actor_id)
    target = states.CONTRACT.ensure(current["status"], states.ACTIVE)
    if current["status"] != states.PENDING_APPROVAL:
        raise Conflict("INVALID_TRANSITION", f"A contract cannot go from {current['status']} to ACTIVE",
                       {"from": current["status"], "to": states.ACTIVE, "allowed": []})
    if actor_id in _makers(current):
        raise Forbidden("MAKER_CHECKER", "Whoever entered, submitted or changed a contract cannot approve it")

    now = clock.now()
    version = int(current.get("contractVersion") or 1)
    result = _update(uow, contract_id, current, {"status": target, "approvedBy": actor_id, "approvedAt": now},
                     actor_id)
    append_version(uow, store.contract_ref(contract_id), version, store.snapshot_of(current),
                   actor=current.get("submittedBy") or current.get("createdBy"), reason="Approved",
                   extra={"approvedBy": actor_id, "approvedAt": now})
    uow.audit("contract.approve", "contract", contract_id, before={"status": current["status"]},
              after={"status": target, "contractVersion": version})
    uow.emit(ContractApproved(**_event_data(contract_id, current, version)), subject=contract_id)
    write_commissions(uow, contract_id, current, None, actor_id)
    return result


COMMISSIONS = "commissions"
DUE = "DUE"


def commission_ref(contract_id: str, side: str) -> Any:
    return collection(COMMISSIONS).document(f"{contract_id}-{side.upper()}")


def write_commissions(uow: Any, contract_id: str, contract: dict[str, Any], existing: dict[str, Any] | None,
                      actor_id: str | None) -> None:
    """The brokerage of each side as a DUE commission once the contract is ACTIVE; an amendment's new
    amounts replace those still DUE (`existing`: {side: stored commission or None}, read by the caller)."""
    commissions = contract.get("commissions") or {}
    for side in ("buyer", "seller"):
        item = commissions.get(side)
        if not item:
            continue
        fields = {"contractId": contract_id, "contractNumber": contract.get("number"), "orgId": contract.get("orgId"),
                  "financialYear": contract.get("financialYear"), "side": side.upper(),
                  "partnerId": (contract.get(side) or {}).get("partnerId"),
                  "structureCode": commissions.get("structureCode"), "basis": item.get("basis"),
                  "amountPaise": item.get("amountPaise"), "gstPercent": item.get("gstPercent"),
                  "gstPaise": item.get("gstPaise"), "sacCode": commissions.get("sacCode"),
                  "partnerStateCode": (contract.get(side) or {}).get("stateCode")}
        if existing is None:
            ref = commission_ref(contract_id, side)
            uow.create(ref, stamp_new({**fields, "status": DUE}, actor_id))
            amount = Money.from_paise(int(item.get("amountPaise") or 0)).rupees
            uow.emit(CommissionDue(commission_id=ref.id, contract_id=contract_id, partner_id=str(fields["partnerId"]),
                                   side=side.upper(), amount=str(amount), org_id=contract.get("orgId"),
                                   contract_number=contract.get("number")), subject=ref.id)
            continue
        current = existing.get(side)
        if current is not None and current.get("status") == DUE:
            update = stamp_update(fields, actor_id, int(current.get("version", 1)))
            uow.update(commission_ref(contract_id, side), update)


def _event_data(contract_id: str, data: dict[str, Any], version: int) -> dict[str, Any]:
    return {"contract_id": contract_id, "version": version, "org_id": data.get("orgId"),
            "buyer_partner_id": (data.get("buyer") or {}).get("partnerId"),
            "seller_partner_id": (data.get("seller") or {}).get("partnerId"), "contract_number": data.get("number")}


def cancel(uow: Any, contract_id: str, current: dict[str, Any], reason: str, actor_id: str | None) -> dict[str, Any]:
    target = states.CONTRACT.ensure(current["status"], states.CANCELLED, reason)
    result = _update(uow, contract_id, current, {"status": target, "cancelReason": reason.strip(),
                                                  "cancelledBy": actor_id, "cancelledAt": clock.now(),
                                                  "pendingAmendment": None}, actor_id)
    uow.audit("contract.cancel", "contract", contract_id, before={"status": current["status"]},
              after={"status": target, "reason": reason.strip()})
    source = current.get("source") or {}
    uow.emit(ContractCancelled(contract_id=contract_id, buyer_partner_id=current["buyer"]["partnerId"],
                               seller_partner_id=current["seller"]["partnerId"], org_id=current.get("orgId"),
                               contract_number=current.get("number"), reason=reason.strip(),
                               offer_id=source.get("offerId") if source.get("kind") == "OFFER" else None),
             subject=contract_id)
    return result


def amended_content(current: dict[str, Any], change: dict[str, Any], commodity: dict[str, Any] | None
                    ) -> dict[str, Any]:
    """The contract's content with the proposed changes applied and its amounts recomputed.

    `change` holds domain values: quantity (Quantity), rate (Money) and rateUnit (Unit), qualitySpecs
    [{key, min, max}], terms {field: code}, deliveryStation, deliveryStateCode, remarks. New term codes
    and quality specs are taken from the commodity version in force now (`commodity`).
    """
    content = store.snapshot_of(current)
    quantity = change.get("quantity") or quantity_from_store(current["quantity"])
    rate = change.get("rate") or Money.from_paise(int(current["rate"]["amountPaise"]))
    rate_unit = change.get("rateUnit") or Unit(current["rate"]["unit"])
    content["quantity"] = quantity_to_store(quantity)
    content["rate"] = {"amountPaise": rate.paise, "unit": rate_unit.value}
    if change.get("qualitySpecs") is not None:
        content["qualitySpecs"] = terms.quality_specs(commodity or {}, change["qualitySpecs"])
    if change.get("terms") is not None:
        chosen = {k: (v or {}).get("code") for k, v in (current.get("terms") or {}).items()}
        chosen.update({k: v for k, v in change["terms"].items() if v is not None})
        content["terms"] = terms.pick_terms(commodity or {}, chosen)
    for name in ("deliveryStation", "deliveryStateCode", "remarks"):
        if change.get(name) is not None:
            content[name] = change[name]
    gst_percent = Decimal((current.get("gst") or {}).get("ratePercent") or "0")
    content.update(amounts(quantity, rate, rate_unit, gst_percent, current.get("commissions")))
    return content


def propose_amendment(uow: Any, contract_id: str, current: dict[str, Any], expected_version: int, reason: str,
                      content: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    if current["status"] not in states.AMENDABLE:
        raise Conflict("CONTRACT_NOT_AMENDABLE", f"A {current['status']} contract cannot be amended",
                       {"status": current["status"], "amendable": sorted(states.AMENDABLE)})
    if current.get("pendingAmendment"):
        raise Conflict("AMENDMENT_PENDING", "An amendment of this contract is waiting for approval",
                       {"version": current["pendingAmendment"].get("version")})
    version = int(current.get("contractVersion") or 1)
    ensure_version(expected_version, version)
    changes = diff(store.snapshot_of(current), content)
    if not changes:
        raise Unprocessable("NO_CHANGES", "The amendment changes nothing", {})
    pending = {"version": version + 1, "reason": reason.strip(), "changes": changes, "content": content,
               "proposedBy": actor_id, "proposedAt": clock.now()}
    result = _update(uow, contract_id, current, {"pendingAmendment": pending, "changedBy": actor_id}, actor_id)
    uow.audit("contract.amend", "contract", contract_id, before={"contractVersion": version},
              after={"proposedVersion": version + 1, "reason": reason.strip(), "fields": sorted(changes)})
    return result


def _approve_amendment(uow: Any, contract_id: str, current: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    pending = current["pendingAmendment"]
    if actor_id == pending.get("proposedBy"):
        raise Forbidden("MAKER_CHECKER", "Whoever proposed an amendment cannot approve it")
    sides = {side: uow.get(commission_ref(contract_id, side)) for side in ("buyer", "seller")}
    existing = {side: (snap.to_dict() if snap.exists else None) for side, snap in sides.items()}
    now = clock.now()
    version = int(pending["version"])
    content = pending["content"]
    result = _update(uow, contract_id, current, {**content, "contractVersion": version, "pendingAmendment": None,
                                                  "amendedAt": now, "amendedBy": actor_id}, actor_id)
    append_version(uow, store.contract_ref(contract_id), version, content, actor=pending.get("proposedBy"),
                   reason=pending.get("reason"), changes=pending.get("changes"),
                   extra={"approvedBy": actor_id, "approvedAt": now})
    uow.audit("contract.amendment.approve", "contract", contract_id, before={"contractVersion": version - 1},
              after={"contractVersion": version, "fields": sorted(pending.get("changes") or {})})
    uow.emit(ContractAmended(**_event_data(contract_id, result, version)), subject=contract_id)
    write_commissions(uow, contract_id, result, existing, actor_id)
    return result
