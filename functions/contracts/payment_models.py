"""Input and output shapes of /api/payments, the aging, the partner statement and the notes."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.models import ApiModel, DocId, PageQuery
from shared.money import ApiAmount, SignedApiAmount

Mode = Literal["RTGS", "NEFT", "IMPS", "UPI", "CHEQUE", "CASH"]


class AllocationIn(ApiModel):
    invoice_id: DocId
    amount: ApiAmount


class AllocationsIn(ApiModel):
    """Allocations of a payment's unallocated remainder to invoices of its buyer."""

    allocations: list[AllocationIn] = Field(min_length=1, max_length=50)


class PaymentIn(ApiModel):
    """A payment received from a buyer, with its first allocations (the rest stays unallocated)."""

    org_id: DocId
    buyer_partner_id: DocId
    amount: ApiAmount
    payment_date: date
    mode: Mode
    reference: str = Field(min_length=1, max_length=40,
                           description="UTR or bank reference: RTGS 22, NEFT 16 letters/digits, IMPS/UPI 12 digits, "
                                       "cheque 6 digits; unique per mode")
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=50)


class AllocationOut(ApiModel):
    invoice_id: str
    invoice_number: str | None = None
    amount: ApiAmount


class PaymentOut(ApiModel):
    id: str
    org_id: str
    buyer_partner_id: str
    amount: ApiAmount
    allocated: ApiAmount
    unallocated: ApiAmount
    payment_date: str
    mode: Mode
    reference: str
    allocations: list[AllocationOut]
    version: int


class PaymentQuery(PageQuery):
    """Filters of the payments list (newest first); a partner sees only its own payments as buyer."""

    org_id: DocId | None = Field(None, description="Back office: one of the caller's organizations")
    buyer_partner_id: DocId | None = None
    mode: Mode | None = None
    invoice_id: DocId | None = Field(None, description="Payments allocated (in part) to this invoice")


class PaymentPage(ApiModel):
    items: list[PaymentOut]
    next_page_token: str | None = None


class AgingQuery(ApiModel):
    org_id: DocId | None = Field(None, description="Back office: one organization (default: all of the caller's)")


class AgingBuckets(ApiModel):
    days_0_30: ApiAmount = Field(alias="0-30")
    days_31_60: ApiAmount = Field(alias="31-60")
    days_61_90: ApiAmount = Field(alias="61-90")
    over_90: ApiAmount = Field(alias="over-90")


class AgingRow(ApiModel):
    buyer_partner_id: str
    buckets: AgingBuckets
    total: ApiAmount
    overdue: ApiAmount
    invoices: int


class AgingOut(ApiModel):
    as_of: str
    items: list[AgingRow]


class NoteIn(ApiModel):
    """A credit note (quality or weight claim, adjustment) or debit note against an invoice."""

    kind: Literal["CREDIT", "DEBIT"]
    taxable_value: ApiAmount = Field(description="Before GST; GST follows the invoice's rate and split")
    reason: str = Field(min_length=3, max_length=500)
    note_date: date | None = Field(None, description="India date; today when left out")


class NoteOut(ApiModel):
    id: str
    kind: Literal["CREDIT", "DEBIT"]
    number: str
    note_date: str
    invoice_id: str
    invoice_number: str | None = None
    invoice_date: str | None = None
    reason: str
    taxable_value: ApiAmount
    cgst: ApiAmount
    sgst: ApiAmount
    igst: ApiAmount
    total: ApiAmount


class StatementQuery(ApiModel):
    partner_id: DocId | None = Field(None, description="Back office: whose statement (required); a partner: its own")
    org_id: DocId | None = Field(None, description="One organization's books (default: all the caller sees)")
    from_date: date | None = Field(None, alias="from", description="First day (default: 1 April of this year)")
    to_date: date | None = Field(None, alias="to", description="Last day (default: today, India)")


StatementKind = Literal["INVOICE", "DEBIT_NOTE", "CREDIT_NOTE", "PAYMENT"]


class StatementLine(ApiModel):
    date: str
    kind: StatementKind
    id: str
    number: str | None = Field(None, description="Invoice or note number; a payment's mode and bank reference")
    org_id: str | None = None
    invoice_id: str | None = None
    invoice_number: str | None = None
    status: str | None = Field(None, description="An invoice's status today")
    debit: ApiAmount = Field(description="Raises what the partner owes (invoice at issue, debit note)")
    credit: ApiAmount = Field(description="Lowers it (payment received, credit note)")
    balance: SignedApiAmount = Field(description="Running balance after this line (below zero: paid in advance)")


class StatementOut(ApiModel):
    partner_id: str
    org_id: str | None = None
    from_date: str = Field(alias="from")
    to_date: str = Field(alias="to")
    opening_balance: SignedApiAmount
    total_debits: ApiAmount
    total_credits: ApiAmount
    closing_balance: SignedApiAmount
    lines: list[StatementLine]
