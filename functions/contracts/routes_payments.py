"""HTTP routes of payments (registered on the contracts router): mapping only."""
from __future__ import annotations

from typing import Any

from functions.contracts import access, payments, receivables, statement
from functions.contracts.payment_models import (
    AgingBuckets,
    AgingOut,
    AgingQuery,
    AgingRow,
    AllocationsIn,
    NoteIn,
    NoteOut,
    PaymentIn,
    PaymentOut,
    PaymentPage,
    PaymentQuery,
    StatementLine,
    StatementOut,
    StatementQuery,
)
from functions.contracts.routes_common import router
from shared import clock, fiscal
from shared.errors import NotFound
from shared.http import ApiRequest, ApiResponse
from shared.money import Money
from shared.uow import run_in_transaction

READ, MANAGE = "invoices:read", "payments:manage"
TAGS = ("payments",)
ALLOCATION_ERRORS = {404: ("INVOICE_NOT_FOUND",),
                     409: ("ALLOCATION_EXCEEDS_BALANCE", "ALLOCATION_EXCEEDS_PAYMENT", "INVOICE_NOT_PAYABLE"),
                     422: ("DUPLICATE_ALLOCATION", "INVALID_AMOUNT")}


def _transaction(work: Any, actor: Any) -> Any:
    return run_in_transaction(work, actor)


def payment_out(payment_id: str, data: dict[str, Any]) -> PaymentOut:
    def rupees(paise: Any) -> Any:
        return Money.from_paise(int(paise or 0)).rupees

    return PaymentOut(
        id=payment_id, org_id=data["orgId"], buyer_partner_id=data["buyerPartnerId"],
        amount=rupees(data.get("amountPaise")), allocated=rupees(data.get("allocatedPaise")),
        unallocated=rupees(data.get("unallocatedPaise")), payment_date=data["paymentDate"], mode=data["mode"],
        reference=data["reference"], version=int(data.get("version") or 1),
        allocations=[{"invoice_id": a["invoiceId"], "invoice_number": a.get("invoiceNumber"),
                      "amount": rupees(a.get("amountPaise"))} for a in data.get("allocations") or []])


def _allocations(items: list[Any]) -> list[payments.Allocation]:
    return [payments.Allocation(item.invoice_id, Money.of(item.amount)) for item in items]


@router.post("/api/payments", permission=MANAGE, body=PaymentIn, response=PaymentOut, status=201, idempotent=True,
             tags=TAGS, errors={**ALLOCATION_ERRORS, 409: (*ALLOCATION_ERRORS[409], "DUPLICATE_BANK_REFERENCE"),
                                422: (*ALLOCATION_ERRORS[422], "INVALID_BANK_REFERENCE", "RTGS_BELOW_MINIMUM")})
def record_payment(req: ApiRequest) -> ApiResponse:
    """Record a payment of a buyer (bank reference unique per mode: 409 on a duplicate) and allocate it to
    the buyer's invoices, each at most its balance; the invoices' status changes in the same transaction."""
    viewer = access.back_office(req.user, MANAGE)
    body: PaymentIn = req.body
    if not viewer.sees_org(body.org_id):
        raise NotFound("ORGANIZATION_NOT_FOUND", "No such organization")
    payment_id, data = _transaction(lambda uow: payments.record(
        uow, org_id=body.org_id, buyer_partner_id=body.buyer_partner_id, amount=Money.of(body.amount),
        payment_day=body.payment_date, mode=body.mode, reference=body.reference,
        allocations=_allocations(body.allocations), actor_id=viewer.user_id), req.actor)
    return ApiResponse(payment_out(payment_id, data).model_dump(mode="json", by_alias=True), 201)


@router.get("/api/payments", permission=READ, query=PaymentQuery, response=PaymentPage, tags=TAGS)
def list_payments(req: ApiRequest) -> PaymentPage:
    """Payments the caller may see, newest first, by organization, buyer, mode or invoice (a partner: those
    it made as buyer)."""
    snapshots, token = payments.list_payments(req.query, access.viewer(req.user, READ))
    return PaymentPage(items=[payment_out(s.id, s.to_dict() or {}) for s in snapshots], next_page_token=token)


@router.get("/api/payments/{paymentId}", permission=READ, response=PaymentOut, tags=TAGS,
            errors={404: ("PAYMENT_NOT_FOUND",)})
def get_payment(req: ApiRequest, paymentId: str) -> PaymentOut:
    """One payment (a partner: only its own, 404 otherwise)."""
    viewer = access.viewer(req.user, READ)
    snapshot = payments.payment_ref(paymentId).get()
    data = snapshot.to_dict() if snapshot.exists else None
    if data is None or not viewer.sees(data):
        raise NotFound("PAYMENT_NOT_FOUND", "No such payment")
    return payment_out(paymentId, data)


@router.post("/api/payments/{paymentId}/allocations", permission=MANAGE, body=AllocationsIn, response=PaymentOut,
             tags=TAGS, errors={**ALLOCATION_ERRORS, 404: ("PAYMENT_NOT_FOUND", "INVOICE_NOT_FOUND")})
def allocate_payment(req: ApiRequest, paymentId: str) -> PaymentOut:
    """Allocate (part of) a payment's unallocated remainder to invoices of its buyer."""
    viewer = access.back_office(req.user, MANAGE)
    orgs = None if viewer.all_organizations else viewer.organization_ids
    data = _transaction(lambda uow: payments.allocate(uow, paymentId, _allocations(req.body.allocations),
                                                      viewer.user_id, orgs), req.actor)
    return payment_out(paymentId, data)


@router.get("/api/invoices/aging", permission=READ, query=AgingQuery, response=AgingOut, tags=("invoices",))
def invoice_aging(req: ApiRequest) -> AgingOut:
    """Outstanding invoices per buyer by age since the invoice date (0-30, 31-60, 61-90, over 90 days)
    and the overdue part (a partner: its own as buyer)."""
    today = clock.today_india()
    rows = receivables.aging(receivables.outstanding_invoices(access.viewer(req.user, READ), req.query.org_id), today)
    return AgingOut(as_of=today.isoformat(), items=[AgingRow(
        buyer_partner_id=row["buyerPartnerId"], invoices=row["invoices"],
        total=receivables.rupees(row["totalPaise"]), overdue=receivables.rupees(row["overduePaise"]),
        buckets=AgingBuckets.model_validate({k: receivables.rupees(v) for k, v in row["buckets"].items()}))
        for row in rows])


@router.get("/api/invoices/statement", permission=READ, query=StatementQuery, response=StatementOut,
            tags=("invoices",), errors={404: ("PARTNER_NOT_FOUND", "ORGANIZATION_NOT_FOUND"),
                                        422: ("STATEMENT_TOO_LONG",)})
def partner_statement(req: ApiRequest) -> StatementOut:
    """A partner's statement of account as buyer (the `/api/partners/{id}/statement` of issue 12, served by
    the contracts function): opening balance, its invoices, debit and credit notes and payments in the range
    in date order with the running balance, closing balance. A partner: only its own (404 otherwise)."""
    query: StatementQuery = req.query
    today = clock.today_india()
    low = query.from_date or fiscal.bounds(fiscal.financial_year_of(today))[0]
    data = statement.statement(access.viewer(req.user, READ), query.partner_id, query.org_id, low,
                               query.to_date or today)
    rupees = receivables.rupees
    return StatementOut(
        partner_id=data["partnerId"], org_id=data["orgId"], from_date=data["from"], to_date=data["to"],
        opening_balance=rupees(data["openingPaise"]), total_debits=rupees(data["debitsPaise"]),
        total_credits=rupees(data["creditsPaise"]), closing_balance=rupees(data["closingPaise"]),
        lines=[StatementLine(date=line["date"], kind=line["kind"], id=line["id"], number=line["number"],
                             org_id=line["orgId"], invoice_id=line["invoiceId"], invoice_number=line["invoiceNumber"],
                             status=line["status"], debit=rupees(line["debitPaise"]),
                             credit=rupees(line["creditPaise"]), balance=rupees(line["balancePaise"]))
               for line in data["lines"]])


@router.post("/api/invoices/{invoiceId}/notes", permission="invoices:manage", body=NoteIn, response=NoteOut,
             status=201, idempotent=True, tags=("invoices",),
             errors={404: ("INVOICE_NOT_FOUND",),
                     409: ("INVOICE_CANCELLED", "CREDIT_NOTE_DEADLINE", "NOTE_EXCEEDS_BALANCE")})
def issue_note(req: ApiRequest, invoiceId: str) -> ApiResponse:
    """A credit or debit note in its own series (CN/DN), citing the invoice's number and date; a credit
    note is refused after 30 November following the invoice's financial year."""
    from functions.contracts import notes

    viewer = access.back_office(req.user, "invoices:manage")
    body: NoteIn = req.body
    note_id, data = _transaction(lambda uow: notes.issue(uow, invoiceId, viewer, body.kind,
                                                         Money.of(body.taxable_value), body.reason, body.note_date),
                                 req.actor)

    def rupees(name: str) -> Any:
        return Money.from_paise(int(data.get(name) or 0)).rupees

    out = NoteOut(id=note_id, kind=data["kind"], number=data["number"], note_date=data["noteDate"],
                  invoice_id=invoiceId, invoice_number=data.get("invoiceNumber"), invoice_date=data.get("invoiceDate"),
                  reason=data["reason"], taxable_value=rupees("taxableValuePaise"), cgst=rupees("cgstPaise"),
                  sgst=rupees("sgstPaise"), igst=rupees("igstPaise"), total=rupees("totalPaise"))
    return ApiResponse(out.model_dump(mode="json", by_alias=True), 201)
