"""Disputes on contracts (DOMAIN.md "Contracts and settlement"; the rules in dispute_states.py).

disputes/{id}                 the dispute (number `DSP/25-26/00001` per organization and financial year)
disputes/{id}/comments/{id}   its threaded comments, INTERNAL (back office only) or SHARED (the parties too)
disputes/{id}/evidence/{id}   its evidence files (dispute_evidence.py)
contractDisputes/{contractId} the ids of the contract's open disputes

Each change is one transaction (the caller's unit of work) that writes the dispute, the contract's status
when it changes, the audit entries and the outbox event together:
- raise: by the back office (the contract's organization) or a party of the contract (404 for any other
  contract); the contract goes to DISPUTED in the same transaction, recording the status it had (a
  second open dispute keeps the first one's `statusBeforeDispute`); the raise date's financial year must
  be open (read in the transaction, so a year close committing meanwhile makes this retry and refuse).
- assign: to a back-office user of the organization holding disputes:manage; OPEN → UNDER_REVIEW.
- resolve: UNDER_REVIEW → RESOLVED with the resolution; an adjustment issues a credit or debit note on
  the dispute's invoice (or another invoice of the contract) through notes.issue in the same
  transaction, so the note exists exactly when the dispute is RESOLVED.
- close: OPEN or UNDER_REVIEW → CLOSED with a reason (no action), by the back office.
- withdraw: OPEN or UNDER_REVIEW → WITHDRAWN, with an optional reason, by a user of the partner that raised
  it (the other party: 403 NOT_DISPUTE_RAISER; anyone else: 404), or by the back office with
  disputes:manage on the raiser's behalf (whoever raised it; `withdrawnBy` says who did it).
Resolving, closing or withdrawing the contract's last open dispute returns the contract to
`statusBeforeDispute` (one code path, `_settlement` and `_settle`, so the contract's views follow alike).
Every illegal move is 409 INVALID_TRANSITION and writes nothing.

Comments and evidence once the dispute has ended (dispute_states.ensure_accepts), checked on the dispute
read inside the transaction that writes them, so one racing a resolve either lands before it or is
refused: nothing after CLOSED or WITHDRAWN (the record is frozen); after RESOLVED only the back office's
INTERNAL comments, since follow-up (the note issued, an arbitration reference under the CAI bylaws) still
needs recording where the parties never see it, while anything SHARED or new evidence would reopen what
was decided. Refusals are 409 DISPUTE_CLOSED with the status and write nothing.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from functions.contracts import access, notes, states, store, views
from functions.contracts import dispute_states as rules
from functions.contracts.access import Viewer
from functions.contracts.events import DisputeRaised, DisputeResolved, DisputeUpdated
from functions.contracts.invoices import invoice_ref
from functions.masters.public import open_financial_year
from shared import clock, fiscal
from shared.auth.principal import BACK_OFFICE, Principal
from shared.db import collection, stamp_new, stamp_update
from shared.errors import Forbidden, NotFound, Unprocessable
from shared.http.etag import check_if_match
from shared.http.pagination import page
from shared.money import Money
from shared.numbering import CounterScope, dispute_number, next_number

DISPUTES, COMMENTS, EVIDENCE = "disputes", "comments", "evidence"
OPEN_BY_CONTRACT = "contractDisputes"
SERIES = "DSP"
RAISE, MANAGE = "disputes:raise", "disputes:manage"


def disputes() -> Any:
    return collection(DISPUTES)


def dispute_ref(dispute_id: str) -> Any:
    if not dispute_id or "/" in dispute_id or dispute_id in (".", "..") or len(dispute_id) > 200:
        raise not_found()
    return disputes().document(dispute_id)


def open_ref(contract_id: str) -> Any:
    return collection(OPEN_BY_CONTRACT).document(contract_id)


def not_found() -> NotFound:
    return NotFound("DISPUTE_NOT_FOUND", "No such dispute")


def _bad(field_name: str, code: str, message: str) -> Unprocessable:
    return Unprocessable(code, message, {"fields": [{"field": field_name, "rule": code.lower(), "message": message}]})


def actor_of(viewer: Viewer) -> dict[str, Any]:
    return {"userId": viewer.user_id, "kind": "BACK_OFFICE" if viewer.back_office else "PARTNER",
            "partnerId": viewer.partner_id}


def load(uow: Any, dispute_id: str, viewer: Viewer) -> dict[str, Any]:
    """The dispute when this viewer may see it (the back office: its organizations; a partner: its
    contracts' disputes); 404 otherwise."""
    ref = dispute_ref(dispute_id)
    snapshot = uow.get(ref) if uow is not None else ref.get()
    data = snapshot.to_dict() if snapshot.exists else None
    if data is None or data.get("deletedAt") is not None or not viewer.sees(data):
        raise not_found()
    return data


def get(dispute_id: str, viewer: Viewer) -> dict[str, Any]:
    return load(None, dispute_id, viewer)


def _open_ids(uow: Any, contract_id: str) -> list[str]:
    snapshot = uow.get(open_ref(contract_id))
    return list((snapshot.to_dict() or {}).get("openDisputeIds") or []) if snapshot.exists else []


def _apply(uow: Any, contract_id: str, contract: dict[str, Any], change: rules.ContractChange, dispute_id: str,
           actor_id: str | None) -> None:
    """Write the contract's open disputes and, when it changes, its status (with an audit entry)."""
    uow.set(open_ref(contract_id), {"contractId": contract_id, "openDisputeIds": list(change.open_dispute_ids),
                                    "updatedAt": clock.now()})
    if change.status is None:
        return
    fields = {"status": change.status, "statusBeforeDispute": change.status_before_dispute}
    update = stamp_update(fields, actor_id, int(contract.get("version") or 1))
    uow.update(store.contract_ref(contract_id), update)
    views.write_views(uow, contract_id, {**contract, **update})
    uow.audit("contract.dispute" if change.status == states.DISPUTED else "contract.dispute_ended", "contract",
              contract_id, before={"status": contract.get("status"),
                                   "statusBeforeDispute": contract.get("statusBeforeDispute")},
              after={**fields, "disputeId": dispute_id}, orgId=contract.get("orgId"))


def _contract(uow: Any, contract_id: str) -> dict[str, Any]:
    snapshot = uow.get(store.contract_ref(contract_id))
    if not snapshot.exists:
        raise store.not_found()
    return snapshot.to_dict() or {}


def _event_fields(dispute_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"dispute_id": dispute_id, "contract_id": data["contractId"], "org_id": data.get("orgId"),
            "buyer_partner_id": data.get("buyerPartnerId") or "",
            "seller_partner_id": data.get("sellerPartnerId") or "",
            "dispute_number": data.get("number"), "contract_number": data.get("contractNumber")}


def _invoice_of_contract(uow: Any, invoice_id: str, contract_id: str, viewer: Viewer, field_name: str
                         ) -> dict[str, Any]:
    snapshot = uow.get(invoice_ref(invoice_id))
    invoice = snapshot.to_dict() if snapshot.exists else None
    if invoice is None or not viewer.sees(invoice):
        raise NotFound("INVOICE_NOT_FOUND", "No such invoice")
    if invoice.get("contractId") != contract_id:
        raise _bad(field_name, "INVOICE_NOT_OF_CONTRACT", "The invoice belongs to another contract")
    return invoice


def raise_dispute(uow: Any, body: Any, viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """A new OPEN dispute on a contract the viewer sees; the contract becomes DISPUTED."""
    contract_snapshot = uow.get(store.contract_ref(body.contract_id))
    contract = viewer.check(contract_snapshot.to_dict() if contract_snapshot.exists else None)
    invoice = (_invoice_of_contract(uow, body.invoice_id, body.contract_id, viewer, "invoiceId")
               if body.invoice_id else None)
    day = clock.today_india()
    fy = fiscal.financial_year_of(day)
    open_financial_year(uow, contract["orgId"], fy)
    dispute_id = uuid.uuid4().hex
    change = rules.on_raise(str(contract.get("status")), contract.get("statusBeforeDispute"),
                            _open_ids(uow, body.contract_id), dispute_id)
    number = dispute_number(fy, next_number(uow, CounterScope(contract["orgId"], fy, SERIES)))
    buyer, seller = contract.get("buyer") or {}, contract.get("seller") or {}
    data = stamp_new({
        "number": number, "orgId": contract["orgId"], "financialYear": fy, "raisedOn": day.isoformat(),
        "contractId": body.contract_id, "contractNumber": contract.get("number"),
        "partyIds": list(contract.get("partyIds") or []),
        "buyerPartnerId": buyer.get("partnerId"), "sellerPartnerId": seller.get("partnerId"),
        "type": body.type, "description": body.description,
        "invoiceId": body.invoice_id, "invoiceNumber": (invoice or {}).get("number"),
        "invoiceDate": (invoice or {}).get("invoiceDate"),
        "claimedAmountPaise": Money.of(body.claimed_amount).paise if body.claimed_amount is not None else None,
        "status": rules.OPEN, "raisedBy": actor_of(viewer), "assignedTo": None, "assignedAt": None,
        "resolution": None, "adjustment": None, "resolvedAt": None, "resolvedBy": None,
        "closeReason": None, "closedAt": None, "closedBy": None,
        "withdrawReason": None, "withdrawnAt": None, "withdrawnBy": None,
    }, viewer.user_id)
    uow.create(dispute_ref(dispute_id), data)
    _apply(uow, body.contract_id, contract, change, dispute_id, viewer.user_id)
    uow.audit("dispute.raise", "dispute", dispute_id,
              after={"number": number, "contractId": body.contract_id, "type": body.type, "status": rules.OPEN,
                     "invoiceId": body.invoice_id}, orgId=contract["orgId"])
    uow.emit(DisputeRaised(**_event_fields(dispute_id, data), dispute_type=body.type), subject=dispute_id)
    return dispute_id, data


def list_disputes(query: Any, viewer: Viewer) -> tuple[list[Any], str | None]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    ref = disputes()
    if viewer.back_office:
        if not viewer.all_organizations:
            if not viewer.organization_ids:
                return [], None
            ref = ref.where(filter=FieldFilter("orgId", "in", list(viewer.organization_ids)[:30]))
    else:
        ref = ref.where(filter=FieldFilter("partyIds", "array_contains", viewer.partner_id or "-"))
    if query.contract_id:
        ref = ref.where(filter=FieldFilter("contractId", "==", query.contract_id))
    if query.status:
        ref = ref.where(filter=FieldFilter("status", "==", query.status))
    return page(ref, [("createdAt", "DESCENDING")], query.page_size, query.page_token)


@dataclass(frozen=True)
class _Settlement:
    """What ending a dispute does to its contract, read before any write of the transaction."""

    contract_id: str
    contract: dict[str, Any]
    change: rules.ContractChange


def _settlement(uow: Any, dispute_id: str, current: dict[str, Any]) -> _Settlement:
    contract_id = current["contractId"]
    contract = _contract(uow, contract_id)
    change = rules.on_settle(str(contract.get("status")), contract.get("statusBeforeDispute"),
                             _open_ids(uow, contract_id), dispute_id)
    return _Settlement(contract_id, contract, change)


def _settle(uow: Any, dispute_id: str, current: dict[str, Any], settlement: _Settlement, fields: dict[str, Any],
            action: str, actor_id: str | None) -> dict[str, Any]:
    """End the dispute (resolve, close, withdraw): its fields with their audit entry, then the contract's open
    disputes and, for its last open one, the contract's status and realtime views."""
    result = _change(uow, dispute_id, current, fields, action, actor_id)
    _apply(uow, settlement.contract_id, settlement.contract, settlement.change, dispute_id, actor_id)
    return result


def _change(uow: Any, dispute_id: str, current: dict[str, Any], fields: dict[str, Any], action: str,
            actor_id: str | None) -> dict[str, Any]:
    update = stamp_update(fields, actor_id, int(current.get("version") or 1))
    uow.update(dispute_ref(dispute_id), update)
    uow.audit(action, "dispute", dispute_id, before={k: current.get(k) for k in fields},
              after=dict(fields), orgId=current.get("orgId"))
    return {**current, **update}


def assign(uow: Any, dispute_id: str, user_id: str, viewer: Viewer, if_match: str | None = None) -> dict[str, Any]:
    from functions.auth.public import staff_member_with_permission

    current = load(uow, dispute_id, viewer)
    check_if_match(if_match, int(current.get("version") or 1))
    target = rules.after_assign(str(current.get("status")))
    if staff_member_with_permission(uow, user_id, MANAGE, current.get("orgId")) is None:
        raise _bad("userId", "ASSIGNEE_NOT_DISPUTE_MANAGER",
                   "The assignee must be an active back-office user of the organization with disputes:manage")
    result = _change(uow, dispute_id, current, {"status": target, "assignedTo": user_id, "assignedAt": clock.now()},
                     "dispute.assign", viewer.user_id)
    if current.get("status") != target:
        uow.emit(DisputeUpdated(**_event_fields(dispute_id, current), status=target, change="ASSIGNED"),
                 subject=dispute_id)
    return result


def resolve(uow: Any, dispute_id: str, body: Any, viewer: Viewer, if_match: str | None = None) -> dict[str, Any]:
    current = load(uow, dispute_id, viewer)
    check_if_match(if_match, int(current.get("version") or 1))
    target = rules.DISPUTE.ensure(str(current.get("status")), rules.RESOLVED, body.resolution)
    settlement = _settlement(uow, dispute_id, current)
    contract_id = settlement.contract_id
    adjustment = None
    if body.adjustment is not None:
        wanted = body.adjustment
        invoice_id = wanted.invoice_id or current.get("invoiceId")
        if not invoice_id:
            raise _bad("adjustment.invoiceId", "ADJUSTMENT_NEEDS_INVOICE",
                       "The dispute names no invoice: give the invoice the adjustment's note is issued on")
        _invoice_of_contract(uow, invoice_id, contract_id, viewer, "adjustment.invoiceId")
        note_id, note = notes.issue(uow, invoice_id, viewer, wanted.kind, Money.of(wanted.amount),
                                    f"Dispute {current.get('number')}: {wanted.reason}", None)
        adjustment = {"kind": wanted.kind, "amountPaise": Money.of(wanted.amount).paise, "reason": wanted.reason,
                      "invoiceId": invoice_id, "invoiceNumber": note.get("invoiceNumber"),
                      "invoiceDate": note.get("invoiceDate"), "noteId": note_id, "noteNumber": note["number"],
                      "noteTotalPaise": note["totalPaise"]}
    result = _settle(uow, dispute_id, current, settlement,
                     {"status": target, "resolution": body.resolution, "adjustment": adjustment,
                      "resolvedAt": clock.now(), "resolvedBy": viewer.user_id}, "dispute.resolve", viewer.user_id)
    uow.emit(DisputeResolved(**_event_fields(dispute_id, current),
                             note_id=(adjustment or {}).get("noteId"), note_number=(adjustment or {}).get("noteNumber"),
                             note_kind=(adjustment or {}).get("kind")), subject=dispute_id)
    return result


def close(uow: Any, dispute_id: str, reason: str, viewer: Viewer, if_match: str | None = None) -> dict[str, Any]:
    current = load(uow, dispute_id, viewer)
    check_if_match(if_match, int(current.get("version") or 1))
    target = rules.DISPUTE.ensure(str(current.get("status")), rules.CLOSED, reason)
    settlement = _settlement(uow, dispute_id, current)
    result = _settle(uow, dispute_id, current, settlement, {"status": target, "closeReason": reason,
                                                            "closedAt": clock.now(), "closedBy": viewer.user_id},
                     "dispute.close", viewer.user_id)
    uow.emit(DisputeUpdated(**_event_fields(dispute_id, current), status=target, change="CLOSED"),
             subject=dispute_id)
    return result


def withdrawer(principal: Principal) -> Viewer:
    """Who may ask to withdraw: a partner user with disputes:raise (withdraw then checks its partner raised
    the dispute) or a back-office user with disputes:manage, on the raiser's behalf; 403 otherwise."""
    if principal.kind == BACK_OFFICE:
        return access.back_office(principal, MANAGE)
    return access.viewer(principal, RAISE)


def withdraw(uow: Any, dispute_id: str, reason: str | None, viewer: Viewer, if_match: str | None = None
             ) -> dict[str, Any]:
    """OPEN or UNDER_REVIEW → WITHDRAWN by the raising party (or the back office for it); the contract
    returns to its earlier status exactly as on resolution when no other dispute of it is open."""
    current = load(uow, dispute_id, viewer)
    raiser = current.get("raisedBy") or {}
    if not viewer.back_office and (raiser.get("kind") != "PARTNER" or raiser.get("partnerId") != viewer.partner_id):
        raise Forbidden("NOT_DISPUTE_RAISER", "Only the party that raised this dispute can withdraw it")
    check_if_match(if_match, int(current.get("version") or 1))
    target = rules.DISPUTE.ensure(str(current.get("status")), rules.WITHDRAWN, reason)
    settlement = _settlement(uow, dispute_id, current)
    result = _settle(uow, dispute_id, current, settlement,
                     {"status": target, "withdrawReason": reason, "withdrawnAt": clock.now(),
                      "withdrawnBy": actor_of(viewer)}, "dispute.withdraw", viewer.user_id)
    uow.emit(DisputeUpdated(**_event_fields(dispute_id, current), status=target, change="WITHDRAWN"),
             subject=dispute_id)
    return result


# ---------------------------------------------------------------- comments

def comments_of(dispute_id: str) -> Any:
    return dispute_ref(dispute_id).collection(COMMENTS)


def comment(uow: Any, dispute_id: str, text: str, visibility: str, viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """A comment on a dispute the viewer sees: INTERNAL ones only by the back office (403 otherwise); none
    once the dispute has ended, except the back office's INTERNAL ones on a RESOLVED one (409 DISPUTE_CLOSED)."""
    if visibility == rules.INTERNAL and not viewer.back_office:
        raise Forbidden("INTERNAL_COMMENT_NOT_ALLOWED", "Only the back office can post internal comments",
                        {"visibility": visibility})
    current = load(uow, dispute_id, viewer)
    rules.ensure_accepts(str(current.get("status")), "comments", internal=visibility == rules.INTERNAL)
    ref = comments_of(dispute_id).document()
    data = {"disputeId": dispute_id, "text": text, "visibility": visibility, "author": actor_of(viewer),
            "createdAt": clock.now(), "createdBy": viewer.user_id}
    uow.create(ref, data)
    uow.audit("dispute.comment", "dispute", dispute_id, after={"commentId": ref.id, "visibility": visibility,
                                                               "length": len(text)}, orgId=current.get("orgId"))
    if visibility == rules.SHARED:
        uow.emit(DisputeUpdated(**_event_fields(dispute_id, current), status=str(current.get("status")),
                                change="COMMENTED"), subject=dispute_id)
    return ref.id, data


def list_comments(dispute_id: str, viewer: Viewer, page_size: int, token: str | None
                  ) -> tuple[list[Any], str | None]:
    """A dispute's comments, oldest first (a thread); a partner sees only the SHARED ones."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    get(dispute_id, viewer)
    query = comments_of(dispute_id)
    if not viewer.back_office:
        query = query.where(filter=FieldFilter("visibility", "==", rules.SHARED))
    return page(query, [("createdAt", "ASCENDING")], page_size, token)


# ---------------------------------------------------------------- the API's view

def _iso(value: Any) -> Any:
    return clock.iso(value) if hasattr(value, "isoformat") and not isinstance(value, str) else value


def _rupees(paise: Any) -> Any:
    return None if paise is None else Money.from_paise(int(paise)).rupees


def dispute_out(dispute_id: str, data: dict[str, Any]) -> dict[str, Any]:
    adjustment = data.get("adjustment")
    return {
        **{k: data.get(k) for k in ("number", "orgId", "financialYear", "contractId", "contractNumber",
                                    "buyerPartnerId", "sellerPartnerId", "type", "description", "invoiceId",
                                    "invoiceNumber", "invoiceDate", "status", "raisedBy", "assignedTo", "resolution",
                                    "resolvedBy", "closeReason", "closedBy", "withdrawReason")},
        "withdrawnBy": data.get("withdrawnBy"), "withdrawnAt": _iso(data.get("withdrawnAt")),
        "id": dispute_id, "claimedAmount": _rupees(data.get("claimedAmountPaise")),
        "adjustment": None if not adjustment else {
            "kind": adjustment.get("kind"), "amount": _rupees(adjustment.get("amountPaise")),
            "reason": adjustment.get("reason"), "invoiceId": adjustment.get("invoiceId"),
            "noteId": adjustment.get("noteId"), "noteNumber": adjustment.get("noteNumber"),
            "noteTotal": _rupees(adjustment.get("noteTotalPaise"))},
        "assignedAt": _iso(data.get("assignedAt")), "resolvedAt": _iso(data.get("resolvedAt")),
        "closedAt": _iso(data.get("closedAt")), "createdAt": _iso(data.get("createdAt")),
        "updatedAt": _iso(data.get("updatedAt")), "version": int(data.get("version") or 1),
    }


def comment_out(comment_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": comment_id, "disputeId": data.get("disputeId"), "text": data.get("text"),
            "visibility": data.get("visibility"), "author": data.get("author") or {},
            "createdAt": _iso(data.get("createdAt"))}
