"""Financial years of an organization: create, activate (exactly one active), close, reopen.

`financialYears/{orgId}_{code}` holds a year; `activeFinancialYears/{orgId}` points at the active
one. Activation reads the pointer in its transaction, so concurrent activations of different years
serialize on it and exactly one year stays active.

Closing asks the contracts group (contracts.public.financial_year_close_counts) for the draft
contracts that block it and the open items carried forward.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from functions.masters.access import ORG_NOT_FOUND, require_organization_access
from functions.masters.events import (
    CarryForward,
    FinancialYearActivated,
    FinancialYearClosed,
    FinancialYearReopened,
)
from shared import clock, fiscal
from shared.db import collection, stamp_new
from shared.errors import Conflict, NotFound, Unprocessable
from shared.http.pagination import page
from shared.uow import run_in_transaction

if TYPE_CHECKING:
    from shared.auth.principal import Actor, Principal
    from shared.uow import UnitOfWork

FINANCIAL_YEARS = "financialYears"
ACTIVE_POINTERS = "activeFinancialYears"
NOT_FOUND = "FINANCIAL_YEAR_NOT_FOUND"
OPEN, CLOSED = "OPEN", "CLOSED"

def year_id(org_id: str, code: str) -> str:
    return f"{org_id}_{code}"


def _ref(fy_id: str) -> Any:
    if "/" in fy_id or fy_id in (".", "..") or not fy_id or len(fy_id) > 200:
        raise NotFound(NOT_FOUND, "Financial year not found")
    return collection(FINANCIAL_YEARS).document(fy_id)


def _pointer_ref(org_id: str) -> Any:
    return collection(ACTIVE_POINTERS).document(org_id)


def resolve_dates(code: str | None, start: date | None, end: date | None) -> tuple[str, date, date]:
    """(code, 1 April, 31 March) from a code and/or dates; 422 naming the field and the rule."""
    entries: list[dict[str, str]] = []

    def bad(field: str, rule: str, message: str) -> None:
        entries.append({"field": field, "rule": rule, "message": message})

    if code is not None:
        try:
            fiscal.parse_code(code)
        except ValueError as error:
            bad("code", "fy_code_format", str(error))
    if start is not None and (start.month, start.day) != (4, 1):
        bad("startDate", "fy_start_april_1", "A financial year starts on 1 April")
    if end is not None and (end.month, end.day) != (3, 31):
        bad("endDate", "fy_end_march_31", "A financial year ends on 31 March")
    if start is not None and end is not None and not entries and end.year != start.year + 1:
        bad("endDate", "fy_one_year", "A financial year ends on the 31 March after its start")
    if code is None and start is None and end is None:
        bad("code", "required", "Give the code (2025-26) or the start and end dates")
    if entries:
        raise Unprocessable("VALIDATION_FAILED", entries[0]["message"], {"fields": entries})
    derived = fiscal.financial_year_of(start) if start else (fiscal.financial_year_of(end) if end else None)
    if code is not None and derived is not None and code != derived:
        raise Unprocessable("VALIDATION_FAILED", f"The dates are the financial year {derived}, not {code}",
                            {"fields": [{"field": "code", "rule": "fy_code_mismatch",
                                         "message": f"The dates are the financial year {derived}"}]})
    final = code or derived
    first, last = fiscal.bounds(final)
    return final, first, last


def _document(fy_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "id": fy_id, "organizationId": doc.get("orgId")}


def _activation_reads(uow: UnitOfWork, org_id: str, target_id: str
                      ) -> tuple[Any, str | None, Any, dict[str, Any] | None]:
    """(pointer ref, the year it points at, that year's ref unless it is the target, its document),
    read in the transaction: every activation of the organization reads the pointer, so they serialize."""
    pointer_ref = _pointer_ref(org_id)
    pointer = uow.get(pointer_ref)
    previous_id = (pointer.to_dict() or {}).get("financialYearId") if pointer.exists else None
    if previous_id and previous_id != target_id:
        previous_ref = _ref(previous_id)
        previous = uow.get(previous_ref)
        return pointer_ref, previous_id, previous_ref, previous.to_dict() if previous.exists else None
    return pointer_ref, previous_id, None, None


def _activation_writes(uow: UnitOfWork, org_id: str, pointer_ref: Any, _pointed: str | None, previous_ref: Any,
                       previous: dict[str, Any] | None, target_id: str, code: str, actor_id: str | None) -> None:
    moment = clock.now()
    if previous_ref is not None and previous is not None:
        uow.update(previous_ref, {"active": False, "updatedAt": moment, "updatedBy": actor_id,
                                  "version": int(previous.get("version", 1)) + 1})
    uow.set(pointer_ref, {"orgId": org_id, "financialYearId": target_id, "code": code, "activatedAt": moment,
                          "activatedBy": actor_id})


def create(principal: Principal, org_id: str, code: str | None, start: date | None, end: date | None,
           activate: bool, actor: Actor) -> dict[str, Any]:
    require_organization_access(principal, org_id)
    code, first, last = resolve_dates(code, start, end)
    fy_id = year_id(org_id, code)
    ref = _ref(fy_id)
    org_ref = collection("organizations").document(org_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        org = uow.get(org_ref)
        if not org.exists or (org.to_dict() or {}).get("deletedAt") is not None:
            raise NotFound(ORG_NOT_FOUND, f"Organization {org_id} not found")
        if uow.get(ref).exists:
            raise Conflict("FINANCIAL_YEAR_EXISTS", f"The financial year {code} already exists")
        activation = _activation_reads(uow, org_id, fy_id) if activate else None
        doc = stamp_new({"orgId": org_id, "code": code, "startDate": first.isoformat(),
                         "endDate": last.isoformat(), "status": OPEN, "active": activate,
                         "activatedAt": clock.now() if activate else None, "closedAt": None, "closedBy": None,
                         "carryForward": None, "reopenings": []}, actor.user_id)
        uow.create(ref, doc)
        if activation:
            _activation_writes(uow, org_id, *activation, fy_id, code, actor.user_id)
            uow.emit(FinancialYearActivated(org_id=org_id, financial_year_id=fy_id, code=code), subject=fy_id)
        uow.audit("create", "financialYear", fy_id, after={k: v for k, v in doc.items() if k != "reopenings"})
        return doc

    return _document(fy_id, run_in_transaction(work, actor))


def _load(principal: Principal, fy_id: str) -> dict[str, Any]:
    snapshot = _ref(fy_id).get()
    doc = snapshot.to_dict() if snapshot.exists else None
    if not doc:
        raise NotFound(NOT_FOUND, f"Financial year {fy_id} not found")
    try:
        require_organization_access(principal, doc["orgId"])
    except NotFound:
        raise NotFound(NOT_FOUND, f"Financial year {fy_id} not found") from None
    return doc


def get(principal: Principal, fy_id: str) -> dict[str, Any]:
    return _document(fy_id, _load(principal, fy_id))


def active(principal: Principal, org_id: str) -> dict[str, Any]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    require_organization_access(principal, org_id)
    query = (collection(FINANCIAL_YEARS).where(filter=FieldFilter("orgId", "==", org_id))
             .where(filter=FieldFilter("active", "==", True)).limit(2))
    snapshots = list(query.stream())
    if not snapshots:
        raise NotFound("NO_ACTIVE_FINANCIAL_YEAR", f"Organization {org_id} has no active financial year")
    return _document(snapshots[0].id, snapshots[0].to_dict() or {})


def list_for(principal: Principal, org_id: str, status: str | None, page_size: int, token: str | None
             ) -> tuple[list[dict[str, Any]], str | None]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    require_organization_access(principal, org_id)
    query = collection(FINANCIAL_YEARS).where(filter=FieldFilter("orgId", "==", org_id))
    if status:
        query = query.where(filter=FieldFilter("status", "==", status))
    snapshots, next_token = page(query, [("startDate", "DESCENDING")], page_size, token)
    return [_document(s.id, s.to_dict() or {}) for s in snapshots], next_token


def activate(principal: Principal, fy_id: str, actor: Actor) -> dict[str, Any]:
    _load(principal, fy_id)       # scope (404 outside it) before the transaction
    ref = _ref(fy_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        snapshot = uow.get(ref)
        doc = snapshot.to_dict() or {}
        if doc.get("status") == CLOSED:
            raise Conflict("FINANCIAL_YEAR_CLOSED", f"The financial year {doc.get('code')} is closed; reopen it first")
        org_id = doc["orgId"]
        activation = _activation_reads(uow, org_id, fy_id)
        _pointer_ref, pointed, previous_ref, _previous = activation
        if doc.get("active") and pointed == fy_id:
            return doc
        moment = clock.now()
        updated = {**doc, "active": True, "activatedAt": moment, "updatedAt": moment, "updatedBy": actor.user_id,
                   "version": int(doc.get("version", 1)) + 1}
        uow.set(ref, updated)
        _activation_writes(uow, org_id, *activation, fy_id, doc["code"], actor.user_id)
        uow.audit("activate", "financialYear", fy_id, before={"active": doc.get("active")}, after={"active": True},
                  previousFinancialYearId=previous_ref.id if previous_ref is not None else None)
        uow.emit(FinancialYearActivated(org_id=org_id, financial_year_id=fy_id, code=doc["code"]), subject=fy_id)
        return updated

    return _document(fy_id, run_in_transaction(work, actor))


def close_state(org_id: str, code: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(blockers, carry-forward summary) of closing `code`, from the contracts group's counts."""
    # Local: contracts read the masters (terms, counters) at import, so masters reach contracts at call time.
    from functions.contracts.public import financial_year_close_counts

    counts = financial_year_close_counts(org_id, code)
    found = []
    if counts.draft_contracts:
        found.append({"code": "DRAFT_CONTRACTS", "collection": "contracts", "count": counts.draft_contracts,
                      "message": f"{counts.draft_contracts} draft contracts in {code}: finalize or cancel them first"})
    summary = {"fromFinancialYear": code, "toFinancialYear": fiscal.next_code(code),
               "unpaidInvoices": counts.unpaid_invoices, "dueCommissions": counts.due_commissions,
               "openDisputes": counts.open_disputes, "computedAt": clock.now()}
    return found, summary


def closing_summary(principal: Principal, fy_id: str) -> dict[str, Any]:
    doc = _load(principal, fy_id)
    found, summary = close_state(doc["orgId"], doc["code"])
    if doc.get("active"):
        found.append(_active_blocker(doc["code"]))
    return {"financialYear": _document(fy_id, doc), "blockers": found, "carryForward": summary}


def _active_blocker(code: str) -> dict[str, Any]:
    return {"code": "ACTIVE_FINANCIAL_YEAR", "collection": None, "count": 1,
            "message": f"{code} is the active year: activate the next financial year first"}


def close(principal: Principal, fy_id: str, actor: Actor) -> dict[str, Any]:
    from functions.contracts.public import contracts_made_in  # call time: see close_state

    doc = _load(principal, fy_id)
    if doc.get("status") == CLOSED:
        raise Conflict("FINANCIAL_YEAR_CLOSED", f"The financial year {doc['code']} is already closed")

    made = contracts_made_in(None, doc["orgId"], doc["code"])
    found, summary = close_state(doc["orgId"], doc["code"])
    ref = _ref(fy_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        current = uow.get(ref).to_dict() or {}
        if current.get("status") == CLOSED:
            raise Conflict("FINANCIAL_YEAR_CLOSED", f"The financial year {current['code']} is already closed")
        # A contract numbered after the counts were taken may be a draft they missed: refuse, the caller retries.
        if contracts_made_in(uow, current["orgId"], current["code"]) != made:
            raise Conflict("FINANCIAL_YEAR_CHANGED", "Contracts were created while the year was being closed; "
                           "close it again", {"financialYear": current["code"]})
        problems = list(found)
        if current.get("active"):
            problems.append(_active_blocker(current["code"]))
        if problems:
            raise Conflict("FINANCIAL_YEAR_HAS_BLOCKERS", f"The financial year {current['code']} cannot be closed yet",
                           {"blockers": problems})
        moment = clock.now()
        updated = {**current, "status": CLOSED, "closedAt": moment, "closedBy": actor.user_id,
                   "carryForward": summary, "updatedAt": moment, "updatedBy": actor.user_id,
                   "version": int(current.get("version", 1)) + 1}
        uow.set(ref, updated)
        uow.audit("close", "financialYear", fy_id, before={"status": current.get("status")},
                  after={"status": CLOSED}, carryForward={k: v for k, v in summary.items() if k != "computedAt"})
        carried = CarryForward.model_validate({k: v for k, v in summary.items() if k != "computedAt"})
        uow.emit(FinancialYearClosed(org_id=current["orgId"], financial_year_id=fy_id, code=current["code"],
                                     carry_forward=carried), subject=fy_id)
        return updated

    return _document(fy_id, run_in_transaction(work, actor))


def reopen(principal: Principal, fy_id: str, reason: str, actor: Actor) -> dict[str, Any]:
    _load(principal, fy_id)
    ref = _ref(fy_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        current = uow.get(ref).to_dict() or {}
        if current.get("status") != CLOSED:
            raise Conflict("FINANCIAL_YEAR_NOT_CLOSED", f"The financial year {current.get('code')} is not closed")
        moment = clock.now()
        entry = {"at": moment, "by": actor.user_id, "reason": reason,
                 "previousClosedAt": current.get("closedAt")}
        updated = {**current, "status": OPEN, "closedAt": None, "closedBy": None,
                   "reopenings": [*(current.get("reopenings") or []), entry], "updatedAt": moment,
                   "updatedBy": actor.user_id, "version": int(current.get("version", 1)) + 1}
        uow.set(ref, updated)
        uow.audit("reopen", "financialYear", fy_id, before={"status": CLOSED}, after={"status": OPEN}, reason=reason)
        uow.emit(FinancialYearReopened(org_id=current["orgId"], financial_year_id=fy_id, code=current["code"],
                                       reason=reason), subject=fy_id)
        return updated

    return _document(fy_id, run_in_transaction(work, actor))
