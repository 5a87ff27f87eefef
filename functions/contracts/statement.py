"""A partner's statement of account as buyer (issue 12 "Receivables"): `GET /api/invoices/statement`.

For a date range (India dates, both ends included): the opening balance on the day before `from`, then
one line per document in date order with the running balance, and the closing balance. What the buyer
owes goes up with an invoice (its value at issue: taxable value + GST) and a debit note, and down with
a credit note and a payment (the whole amount received, allocated or not: an unallocated remainder is
an advance). Cancelled invoices are left out: they never were owed.

Reads: the opening balance is three aggregation queries (sums: one read each per 1000 entries summed,
no documents fetched); the lines are three range queries of at most MAX_LINES documents each (a longer
range is 422 STATEMENT_TOO_LONG: ask for a shorter one). Amounts stay in paise until the answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from functions.contracts import invoice_status
from functions.contracts.access import Viewer
from functions.contracts.notes import CREDIT, DEBIT, NOTES
from shared.db import collection
from shared.errors import NotFound, Unprocessable

MAX_LINES = 300
ISSUED = sorted(invoice_status.OPEN | {invoice_status.PAID})     # every status but CANCELLED
TAX_FIELDS = ("taxableValuePaise", "cgstPaise", "sgstPaise", "igstPaise")
# documents of one day in the order they usually happen
ORDER = {"INVOICE": 0, "DEBIT_NOTE": 1, "CREDIT_NOTE": 2, "PAYMENT": 3}


@dataclass(frozen=True)
class Scope:
    partner_id: str
    org_ids: tuple[str, ...] | None    # None: every organization


def scope_of(viewer: Viewer, partner_id: str | None, org_id: str | None) -> Scope:
    """Whose statement and over which organizations; a partner only its own (404 otherwise)."""
    if not viewer.back_office:
        if partner_id not in (None, viewer.partner_id) or not viewer.partner_id:
            raise NotFound("PARTNER_NOT_FOUND", "No such partner")
        return Scope(viewer.partner_id, (org_id,) if org_id else None)
    if not partner_id:
        raise Unprocessable("VALIDATION_FAILED", "partnerId is required", {"fields": [
            {"field": "partnerId", "rule": "required", "message": "partnerId is required"}]})
    if org_id:
        if not viewer.sees_org(org_id):
            raise NotFound("ORGANIZATION_NOT_FOUND", "No such organization")
        return Scope(partner_id, (org_id,))
    return Scope(partner_id, None if viewer.all_organizations else tuple(viewer.organization_ids)[:30])


def _query(name: str, scope: Scope, date_field: str, low: date | None, high: date) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    ref = collection(name)
    if scope.org_ids is not None:
        ref = ref.where(filter=FieldFilter("orgId", "in", list(scope.org_ids) or ["-"]))
    ref = ref.where(filter=FieldFilter("buyerPartnerId", "==", scope.partner_id))
    if name == "invoices":
        ref = ref.where(filter=FieldFilter("status", "in", ISSUED))
    if low is not None:
        ref = ref.where(filter=FieldFilter(date_field, ">=", low.isoformat()))
    return ref.where(filter=FieldFilter(date_field, "<=", high.isoformat()))


def _sums(query: Any, fields: tuple[str, ...]) -> int:
    """The sum of `fields` over the query's documents, by one aggregation query."""
    aggregation = query.sum(fields[0], alias=fields[0])
    for name in fields[1:]:
        aggregation = aggregation.sum(name, alias=name)
    [results] = aggregation.get()
    return sum(int(result.value or 0) for result in results)


def opening_balance(scope: Scope, before: date) -> int:
    """What the buyer owed at the end of the day before `before` (paise)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    last = before - timedelta(days=1)
    invoiced = _sums(_query("invoices", scope, "invoiceDate", None, last), TAX_FIELDS)
    notes = _query(NOTES, scope, "noteDate", None, last)
    debits = _sums(notes.where(filter=FieldFilter("kind", "==", DEBIT)), ("totalPaise",))
    credits = _sums(notes.where(filter=FieldFilter("kind", "==", CREDIT)), ("totalPaise",))
    paid = _sums(_query("payments", scope, "paymentDate", None, last), ("amountPaise",))
    return invoiced + debits - credits - paid


def _fetch(name: str, scope: Scope, date_field: str, low: date, high: date) -> list[Any]:
    found = list(_query(name, scope, date_field, low, high).order_by(date_field).limit(MAX_LINES + 1).stream())
    if len(found) > MAX_LINES:
        raise Unprocessable("STATEMENT_TOO_LONG", f"More than {MAX_LINES} {name} in this range: ask for a shorter one",
                            {"fields": [{"field": "from", "rule": "range_too_long",
                                         "message": "Ask for a shorter date range"}]})
    return found


def lines(scope: Scope, low: date, high: date) -> list[dict[str, Any]]:
    """The range's documents as statement lines (debitPaise / creditPaise), in date order. No balance yet."""
    out: list[dict[str, Any]] = []
    for snapshot in _fetch("invoices", scope, "invoiceDate", low, high):
        data = snapshot.to_dict() or {}
        out.append({"date": data["invoiceDate"], "kind": "INVOICE", "id": snapshot.id, "number": data.get("number"),
                    "orgId": data.get("orgId"), "invoiceId": snapshot.id, "invoiceNumber": data.get("number"),
                    "status": data.get("status"), "debitPaise": sum(int(data.get(f) or 0) for f in TAX_FIELDS),
                    "creditPaise": 0})
    for snapshot in _fetch(NOTES, scope, "noteDate", low, high):
        data = snapshot.to_dict() or {}
        amount, debit = int(data.get("totalPaise") or 0), data.get("kind") == DEBIT
        out.append({"date": data["noteDate"], "kind": "DEBIT_NOTE" if debit else "CREDIT_NOTE", "id": snapshot.id,
                    "number": data.get("number"), "orgId": data.get("orgId"), "invoiceId": data.get("invoiceId"),
                    "invoiceNumber": data.get("invoiceNumber"), "status": None,
                    "debitPaise": amount if debit else 0, "creditPaise": 0 if debit else amount})
    for snapshot in _fetch("payments", scope, "paymentDate", low, high):
        data = snapshot.to_dict() or {}
        out.append({"date": data["paymentDate"], "kind": "PAYMENT", "id": snapshot.id,
                    "number": f"{data.get('mode')} {data.get('reference')}", "orgId": data.get("orgId"),
                    "invoiceId": None, "invoiceNumber": None, "status": None, "debitPaise": 0,
                    "creditPaise": int(data.get("amountPaise") or 0)})
    return sorted(out, key=lambda line: (line["date"], ORDER[line["kind"]], line["number"] or "", line["id"]))


def with_running_balance(opening: int, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each line with the balance after it (pure)."""
    balance = opening
    out = []
    for item in items:
        balance += item["debitPaise"] - item["creditPaise"]
        out.append({**item, "balancePaise": balance})
    return out


def statement(viewer: Viewer, partner_id: str | None, org_id: str | None, low: date, high: date) -> dict[str, Any]:
    if low > high:
        raise Unprocessable("VALIDATION_FAILED", "from must not be after to",
                            {"fields": [{"field": "from", "rule": "after_to", "message": "from must not be after to"}]})
    scope = scope_of(viewer, partner_id, org_id)
    opening = opening_balance(scope, low)
    items = with_running_balance(opening, lines(scope, low, high))
    return {"partnerId": scope.partner_id, "orgId": org_id, "from": low.isoformat(), "to": high.isoformat(),
            "openingPaise": opening, "closingPaise": items[-1]["balancePaise"] if items else opening,
            "debitsPaise": sum(i["debitPaise"] for i in items), "creditsPaise": sum(i["creditPaise"] for i in items),
            "lines": items}
