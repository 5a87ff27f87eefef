"""Payments and their allocation to invoices (DOMAIN.md "Contracts and settlement", trading.md "Payments").

- A bank reference is checked by length and characters only (layouts vary by bank): RTGS 22
  letters/digits and at least Rs 2 lakh, NEFT 16 letters/digits, IMPS and UPI 12 digits, a cheque
  6 digits, a cash receipt 1-20 letters/digits.
- (mode, reference) is unique: the key document `paymentReferences/{mode}:{reference}` is read and
  created in the payment's transaction, so two concurrent payments with one UTR give one payment and
  one 409 `DUPLICATE_BANK_REFERENCE`.
- Allocations go to invoices of the payment's buyer and organization, each positive and at most the
  invoice's balance, all together at most the payment's unallocated remainder; the invoices' paid,
  balance and status are written in the same transaction. The remainder stays on the payment and
  `allocate` spends it later.

Invoice fields relied on (the invoices module's): `orgId`, `buyerPartnerId`, `status`, `totalPaise`,
`paidPaise`, `balancePaise`, `version`.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from functions.contracts import invoice_status
from functions.contracts.events import PaymentReceived
from shared import clock
from shared.db import collection, stamp_new, stamp_update
from shared.errors import Conflict, NotFound, Unprocessable
from shared.money import Money

PAYMENTS, REFERENCES, INVOICES = "payments", "paymentReferences", "invoices"
MODES = ("RTGS", "NEFT", "IMPS", "UPI", "CHEQUE", "CASH")
REFERENCE_PATTERNS = {
    "RTGS": re.compile(r"^[A-Z0-9]{22}$"), "NEFT": re.compile(r"^[A-Z0-9]{16}$"),
    "IMPS": re.compile(r"^[0-9]{12}$"), "UPI": re.compile(r"^[0-9]{12}$"),
    "CHEQUE": re.compile(r"^[0-9]{6}$"), "CASH": re.compile(r"^[A-Z0-9]{1,20}$"),
}
RTGS_MINIMUM = Money.of("200000")
PAYABLE = invoice_status.OPEN


@dataclass(frozen=True)
class Allocation:
    invoice_id: str
    amount: Money


def invalid(code: str, field_name: str, message: str) -> Unprocessable:
    return Unprocessable(code, message, {"fields": [{"field": field_name, "rule": code, "message": message}]})


def normalize_reference(mode: str, reference: str) -> str:
    """The reference in its canonical form (upper case, no spaces), or 422 when the mode refuses it."""
    if mode not in MODES:
        raise invalid("INVALID_PAYMENT_MODE", "mode", f"mode must be one of {', '.join(MODES)}")
    value = re.sub(r"\s+", "", reference or "").upper()
    if not REFERENCE_PATTERNS[mode].match(value):
        raise invalid("INVALID_BANK_REFERENCE", "reference",
                      f"A {mode} reference does not have this length or these characters")
    return value


def check_amount(mode: str, amount: Money) -> None:
    if amount.paise <= 0:
        raise invalid("INVALID_AMOUNT", "amount", "A payment is more than zero")
    if mode == "RTGS" and amount.paise < RTGS_MINIMUM.paise:
        raise invalid("RTGS_BELOW_MINIMUM", "amount", "RTGS takes at least Rs 2,00,000")


def check_allocations(allocations: list[Allocation], invoices: dict[str, dict[str, Any] | None],
                      remainder: Money, org_id: str, buyer_partner_id: str) -> None:
    """Each allocation positive, to a payable invoice of this buyer, at most its balance; in all at most
    the remainder. Pure: `invoices` are the invoices as read in the transaction (None when missing)."""
    seen: set[str] = set()
    total = 0
    for allocation in allocations:
        if allocation.invoice_id in seen:
            raise invalid("DUPLICATE_ALLOCATION", "allocations", "An invoice appears twice in the allocations")
        seen.add(allocation.invoice_id)
        if allocation.amount.paise <= 0:
            raise invalid("INVALID_AMOUNT", "allocations", "An allocation is more than zero")
        invoice = invoices.get(allocation.invoice_id)
        if (invoice is None or invoice.get("orgId") != org_id
                or invoice.get("buyerPartnerId") != buyer_partner_id):
            raise NotFound("INVOICE_NOT_FOUND", "No such invoice of this buyer",
                           {"invoiceId": allocation.invoice_id})
        if invoice.get("status") not in PAYABLE:
            raise Conflict("INVOICE_NOT_PAYABLE", f"A {invoice.get('status')} invoice takes no payment",
                           {"invoiceId": allocation.invoice_id, "status": invoice.get("status")})
        balance = int(invoice.get("balancePaise") or 0)
        if allocation.amount.paise > balance:
            raise Conflict("ALLOCATION_EXCEEDS_BALANCE", "An allocation is above the invoice's balance",
                           {"invoiceId": allocation.invoice_id, "balance": str(Money.from_paise(balance).rupees)})
        total += allocation.amount.paise
    if total > remainder.paise:
        raise Conflict("ALLOCATION_EXCEEDS_PAYMENT", "The allocations are above the payment's unallocated amount",
                       {"unallocated": str(remainder.rupees)})


def _collection(name: str) -> Any:
    return collection(name)


def payment_ref(payment_id: str) -> Any:
    if not payment_id or "/" in payment_id or payment_id in (".", "..") or len(payment_id) > 200:
        raise NotFound("PAYMENT_NOT_FOUND", "No such payment")
    return _collection(PAYMENTS).document(payment_id)


def _invoice_ref(invoice_id: str) -> Any:
    if not invoice_id or "/" in invoice_id or invoice_id in (".", "..") or len(invoice_id) > 200:
        raise NotFound("INVOICE_NOT_FOUND", "No such invoice", {"invoiceId": invoice_id})
    return _collection(INVOICES).document(invoice_id)


def _apply(uow: Any, allocations: list[Allocation], org_id: str, buyer_partner_id: str, remainder: Money,
           actor_id: str | None, payment_id: str) -> list[dict[str, Any]]:
    """Reads the invoices (before any write), checks, then writes their paid/balance/status."""
    refs = {a.invoice_id: _invoice_ref(a.invoice_id) for a in allocations}
    snapshots = uow.get_all(list(refs.values())) if refs else {}
    by_path = {snapshot.reference.path: snapshot for snapshot in snapshots.values()}
    invoices = {}
    for invoice_id, ref in refs.items():
        snapshot = by_path.get(ref.path)
        invoices[invoice_id] = snapshot.to_dict() if snapshot is not None and snapshot.exists else None
    check_allocations(allocations, invoices, remainder, org_id, buyer_partner_id)
    today = clock.today_india()
    recorded = []
    for allocation in allocations:
        invoice = invoices[allocation.invoice_id] or {}
        paid = int(invoice.get("paidPaise") or 0) + allocation.amount.paise
        total = int(invoice.get("totalPaise") or 0)
        status = invoice_status.next_status(str(invoice.get("status")), total, paid, invoice.get("dueDate"), today)
        uow.update(refs[allocation.invoice_id],
                   stamp_update({"paidPaise": paid, "balancePaise": total - paid, "status": status,
                                 "lastPaymentId": payment_id}, actor_id, int(invoice.get("version") or 1)))
        recorded.append({"invoiceId": allocation.invoice_id, "amountPaise": allocation.amount.paise,
                         "invoiceNumber": invoice.get("number"), "allocatedAt": clock.now()})
    return recorded


def record(uow: Any, *, org_id: str, buyer_partner_id: str, amount: Money, payment_day: date, mode: str,
           reference: str, allocations: list[Allocation], actor_id: str | None) -> tuple[str, dict[str, Any]]:
    """Record one payment and its first allocations in this unit of work."""
    reference = normalize_reference(mode, reference)
    check_amount(mode, amount)
    key_ref = _collection(REFERENCES).document(f"{mode}:{reference}")
    existing = uow.get(key_ref)
    if existing.exists:
        raise Conflict("DUPLICATE_BANK_REFERENCE", f"A {mode} payment with this reference is already recorded",
                       {"mode": mode, "paymentId": (existing.to_dict() or {}).get("paymentId")})
    payment_id = uuid.uuid4().hex
    recorded = _apply(uow, allocations, org_id, buyer_partner_id, amount, actor_id, payment_id)
    allocated = sum(item["amountPaise"] for item in recorded)
    data = stamp_new({
        "orgId": org_id, "buyerPartnerId": buyer_partner_id, "partyIds": [buyer_partner_id],
        "amountPaise": amount.paise, "allocatedPaise": allocated, "unallocatedPaise": amount.paise - allocated,
        "paymentDate": payment_day.isoformat(), "mode": mode, "reference": reference, "allocations": recorded,
        "invoiceIds": [item["invoiceId"] for item in recorded],
    }, actor_id)
    uow.create(key_ref, {"paymentId": payment_id, "mode": mode, "createdAt": clock.now()})
    uow.create(payment_ref(payment_id), data)
    uow.audit("payment.record", "payment", payment_id,
              after={"amountPaise": amount.paise, "mode": mode, "allocatedPaise": allocated})
    uow.emit(PaymentReceived(payment_id=payment_id, buyer_partner_id=buyer_partner_id, org_id=org_id,
                             amount=str(amount.rupees), mode=mode), subject=payment_id)
    return payment_id, data


def allocate(uow: Any, payment_id: str, allocations: list[Allocation], actor_id: str | None,
             org_ids: tuple[str, ...] | None) -> dict[str, Any]:
    """Spend (part of) a payment's unallocated remainder on invoices of its buyer."""
    ref = payment_ref(payment_id)
    snapshot = uow.get(ref)
    payment = snapshot.to_dict() if snapshot.exists else None
    if payment is None or (org_ids is not None and payment.get("orgId") not in org_ids):
        raise NotFound("PAYMENT_NOT_FOUND", "No such payment")
    remainder = Money.from_paise(int(payment.get("unallocatedPaise") or 0))
    recorded = _apply(uow, allocations, payment["orgId"], payment["buyerPartnerId"], remainder, actor_id, payment_id)
    allocated = sum(item["amountPaise"] for item in recorded)
    update = stamp_update({
        "allocatedPaise": int(payment.get("allocatedPaise") or 0) + allocated,
        "unallocatedPaise": remainder.paise - allocated,
        "allocations": list(payment.get("allocations") or []) + recorded,
        "invoiceIds": sorted(set(payment.get("invoiceIds") or []) | {item["invoiceId"] for item in recorded}),
    }, actor_id, int(payment.get("version") or 1))
    uow.update(ref, update)
    uow.audit("payment.allocate", "payment", payment_id, after={"allocatedPaise": allocated})
    return {**payment, **update}


def list_payments(query: Any, viewer: Any) -> tuple[list[Any], str | None]:
    """The payments this viewer may see, newest first, by the query's filters; cursor paging.

    A partner: those it paid as buyer (its own filter on another buyer finds nothing). Back office: its
    organizations' (`orgId`, one or all of them)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.http.pagination import page

    ref = _collection(PAYMENTS)
    if viewer.back_office:
        if query.org_id:
            if not viewer.sees_org(query.org_id):
                return [], None
            ref = ref.where(filter=FieldFilter("orgId", "==", query.org_id))
        elif not viewer.all_organizations:
            if not viewer.organization_ids:
                return [], None
            ref = ref.where(filter=FieldFilter("orgId", "in", list(viewer.organization_ids)[:30]))
        buyer = query.buyer_partner_id
    else:
        if query.buyer_partner_id not in (None, viewer.partner_id):
            return [], None
        buyer = viewer.partner_id or "-"
        if query.org_id:
            ref = ref.where(filter=FieldFilter("orgId", "==", query.org_id))
    if buyer:
        ref = ref.where(filter=FieldFilter("buyerPartnerId", "==", buyer))
    if query.mode:
        ref = ref.where(filter=FieldFilter("mode", "==", query.mode))
    if query.invoice_id:
        ref = ref.where(filter=FieldFilter("invoiceIds", "array_contains", query.invoice_id))
    return page(ref, [("createdAt", "DESCENDING")], query.page_size, query.page_token)
