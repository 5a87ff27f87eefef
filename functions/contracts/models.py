"""Request and response shapes of the contracts routes (camelCase on the wire)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from shared.models import ApiModel, DocId, PageQuery
from shared.money import ApiAmount
from shared.units import ApiQuantity, Unit

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9_\-]*$")]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
ContractStatus = Literal["DRAFT", "PENDING_APPROVAL", "ACTIVE", "COMPLETED", "CANCELLED", "DISPUTED",
                         "CARRIED_FORWARD"]


def _exact(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a number is expected")
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _json_number(value: Decimal, info: Any) -> Any:
    if info.mode != "json":
        return value
    return int(value) if value == value.to_integral_value() else float(value)


# A quality bound (staple 28.5, micronaire 3.8): exact decimal in, JSON number out.
SpecValue = Annotated[Decimal, BeforeValidator(_exact),
                      Field(ge=Decimal("-1000000"), le=Decimal("1000000"), decimal_places=4, allow_inf_nan=False),
                      PlainSerializer(_json_number, when_used="always"), WithJsonSchema({"type": "number"})]
OutNumber = Annotated[Decimal, PlainSerializer(_json_number, when_used="always"), WithJsonSchema({"type": "number"})]


class OutModel(ApiModel):
    """Built from stored documents: fields the answer does not show are dropped."""

    model_config = ConfigDict(**{**ApiModel.model_config, "extra": "ignore"})


class RateIn(ApiModel):
    amount: ApiAmount = Field(description="Rupees per `unit`, at most two decimals")
    unit: Unit


class QualitySpecIn(ApiModel):
    key: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][A-Za-z0-9]*$")]
    min: SpecValue | None = None
    max: SpecValue | None = None


class TermsIn(ApiModel):
    """Codes of the commodity's options (the master version in force is copied into the contract)."""

    trade_type: Code | None = None
    bargain_type: Code | None = None
    passing_terms: Code | None = None
    weightment_terms: Code | None = None
    delivery_terms: Code | None = None
    payment_terms: Code | None = None


class ContractIn(ApiModel):
    """A sales contract entered by the back office (it starts as a DRAFT)."""

    org_id: DocId
    contract_date: date | None = Field(None, description="India date; today when left out")
    buyer_partner_id: DocId
    seller_partner_id: DocId
    sub_broker_partner_id: DocId | None = None
    commodity_id: DocId
    variety: Code | None = None
    quantity: ApiQuantity
    rate: RateIn
    quality_specs: Annotated[list[QualitySpecIn], Field(max_length=30)] = Field(default_factory=list)
    terms: TermsIn = Field(default_factory=TermsIn)
    delivery_station: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    delivery_state_code: Annotated[str, Field(pattern=r"^(0[1-9]|[12][0-9]|3[0-8])$")] | None = None
    commission_structure_id: DocId | None = None
    remarks: Annotated[str, Field(max_length=2000)] | None = None


class AmendmentIn(ApiModel):
    """Changes to a contract in force; they become version n+1 once another user approves them."""

    expected_version: int = Field(ge=1, description="The contract version these changes answer")
    reason: Reason
    quantity: ApiQuantity | None = None
    rate: RateIn | None = None
    quality_specs: Annotated[list[QualitySpecIn], Field(max_length=30)] | None = None
    terms: TermsIn | None = None
    delivery_station: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    delivery_state_code: Annotated[str, Field(pattern=r"^(0[1-9]|[12][0-9]|3[0-8])$")] | None = None
    remarks: Annotated[str, Field(max_length=2000)] | None = None


class ReasonIn(ApiModel):
    reason: Reason


class ContractQuery(PageQuery):
    status: ContractStatus | None = None
    org_id: DocId | None = Field(None, description="Back office: one of the caller's organizations")
    partner_id: DocId | None = Field(None, description="Back office: contracts this partner is a party to")


class PartyOut(OutModel):
    partner_id: str
    code: str | None = None
    name: str | None = None
    legal_name: str | None = None
    gstin: str | None = None
    state_code: str | None = None


class RateOut(OutModel):
    amount: ApiAmount
    unit: str


class QualitySpecOut(OutModel):
    key: str
    label: str | None = None
    unit: str | None = None
    min: OutNumber | None = None
    max: OutNumber | None = None


class TermOut(OutModel):
    code: str
    label: str | None = None
    days: int | None = None
    description: str | None = None


class TermsOut(OutModel):
    trade_type: TermOut | None = None
    bargain_type: TermOut | None = None
    passing_terms: TermOut | None = None
    weightment_terms: TermOut | None = None
    delivery_terms: TermOut | None = None
    payment_terms: TermOut | None = None


class CommodityOut(OutModel):
    commodity_id: str
    code: str | None = None
    name: str | None = None
    hsn_code: str | None = None
    version: int | None = None


class CommissionSideOut(OutModel):
    basis: str
    percent: OutNumber | None = None
    rate_per_bale: ApiAmount | None = None
    amount: ApiAmount
    gst_percent: OutNumber
    gst: ApiAmount


class CommissionsOut(OutModel):
    structure_id: str | None = None
    structure_code: str | None = None
    structure_version: int | None = None
    sac_code: str | None = None
    buyer: CommissionSideOut | None = None
    seller: CommissionSideOut | None = None


class GstOut(OutModel):
    rate_percent: OutNumber
    amount: ApiAmount


class PendingAmendmentOut(OutModel):
    version: int
    reason: str
    changes: dict[str, Any]
    proposed_by: str | None = None
    proposed_at: str | None = None


class ContractOut(OutModel):
    id: str
    number: str
    contract_date: str
    org_id: str
    financial_year: str
    status: ContractStatus
    status_before_dispute: str | None = None
    cancel_reason: str | None = None
    contract_version: int = Field(description="The version in force (versions/{n})")
    buyer: PartyOut
    seller: PartyOut
    sub_broker: PartyOut | None = None
    commodity: CommodityOut
    variety: dict[str, Any] | None = None
    quantity: ApiQuantity
    rate: RateOut
    value: ApiAmount = Field(description="rate × quantity in the rate's unit, to the paisa")
    gst: GstOut
    quality_specs: list[QualitySpecOut] = Field(default_factory=list)
    terms: TermsOut
    delivery_station: str | None = None
    delivery_state_code: str | None = None
    commissions: CommissionsOut | None = None
    remarks: str | None = None
    source: dict[str, Any] | None = None
    pending_amendment: PendingAmendmentOut | None = None
    submitted_by: str | None = None
    submitted_at: str | None = None
    approved_by: str | None = None
    approved_at: str | None = None
    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    version: int = Field(description="Revision of the record (ETag)")


class ContractPage(ApiModel):
    items: list[ContractOut]
    next_page_token: str | None = None


class VersionOut(OutModel):
    version: int
    reason: str | None = None
    created_at: str | None = None
    created_by: str | None = None
    approved_by: str | None = None
    changes: dict[str, Any] | None = Field(None, description="{path: {from, to}} against the previous version")
    snapshot: dict[str, Any] | None = None
    pdf_ready: bool = False


class VersionPage(ApiModel):
    items: list[VersionOut]
    next_page_token: str | None = None


class PdfLinkOut(ApiModel):
    url: str = Field(description="Short-lived (5 minutes) signed GET URL of the PDF (contract note or invoice)")
    expires_at: str
    file_name: str


# ---------------------------------------------------------------- invoices

StateCode = Annotated[str, Field(pattern=r"^(0[1-9]|[12][0-9]|3[0-8])$")]


class InvoiceIn(ApiModel):
    """An invoice against an ACTIVE contract; quantity defaults to the contract's."""

    contract_id: DocId
    invoice_date: date | None = Field(None, description="India date; today when left out")
    quantity: ApiQuantity | None = None
    place_of_supply_state_code: StateCode | None = Field(
        None, description="GST state code; by default the contract's delivery state, else the buyer's")
    bill_to_ship_to: bool = Field(False, description="The buyer directs delivery to a third party: its own state "
                                                     "decides the place of supply")
    seller_is_agriculturist: bool = Field(False, description="Kapas from an agriculturist: reverse charge")


class InvoiceQuery(PageQuery):
    status: Literal["UNPAID", "PARTIALLY_PAID", "PAID", "OVERDUE", "CANCELLED"] | None = None
    contract_id: DocId | None = None


class InvoiceOut(OutModel):
    id: str
    number: str
    invoice_date: str
    due_date: str
    org_id: str
    financial_year: str
    contract_id: str
    contract_number: str | None = None
    supplier: PartyOut
    recipient: PartyOut
    place_of_supply: str | None = None
    supplier_state: str | None = None
    hsn_code: str | None = None
    description: str | None = None
    quantity: ApiQuantity
    rate: RateOut
    taxable_value: ApiAmount
    tax_type: Literal["INTRA_STATE", "INTER_STATE"]
    gst_rate_percent: OutNumber
    cgst: ApiAmount
    sgst: ApiAmount
    igst: ApiAmount
    total: ApiAmount
    paid: ApiAmount
    balance: ApiAmount
    reverse_charge: bool
    status: Literal["UNPAID", "PARTIALLY_PAID", "PAID", "OVERDUE", "CANCELLED"]
    cancel_reason: str | None = None
    created_at: str | None = None
    version: int


class InvoicePage(ApiModel):
    items: list[InvoiceOut]
    next_page_token: str | None = None


# ---------------------------------------------------------------- commissions

class CommissionQuery(PageQuery):
    status: Literal["DUE", "INVOICED", "PAID"] | None = None
    contract_id: DocId | None = None


class BrokerageInvoiceOut(OutModel):
    """RNRL's brokerage invoice to the partner of one side (series BRK, numbered per organization and year)."""

    number: str
    invoice_date: str
    financial_year: str
    supplier_gstin: str | None = None
    place_of_supply: str | None = None
    tax_type: Literal["INTRA_STATE", "INTER_STATE"]
    sac_code: str | None = None
    gst_rate_percent: OutNumber
    taxable_value: ApiAmount
    cgst: ApiAmount
    sgst: ApiAmount
    igst: ApiAmount
    total: ApiAmount
    tds_section: Literal["194H"] = "194H"
    tds_rate_percent: OutNumber
    tds_base: ApiAmount = Field(description="The brokerage the TDS is taken on: none while the partner's brokerage "
                                "of the year stays within Rs 20,000; the year's so far on the invoice that passes it")
    tds: ApiAmount = Field(description="TDS the partner deducts under section 194H, to the nearest rupee")
    net_receivable: ApiAmount = Field(description="What the partner is to pay: total less TDS")
    year_brokerage: ApiAmount = Field(description="The partner's brokerage invoiced in the year, this one included")


class BrokerageInvoiceIn(ApiModel):
    invoice_date: date | None = Field(None, description="India date; today when left out")


class CommissionPaymentIn(ApiModel):
    """The partner paid the brokerage invoice."""

    paid_on: date
    reference: str = Field(min_length=1, max_length=40, description="Bank reference of the payment")


class CommissionOut(OutModel):
    id: str
    contract_id: str
    contract_number: str | None = None
    org_id: str
    financial_year: str
    side: Literal["BUYER", "SELLER"]
    partner_id: str | None = None
    structure_code: str | None = None
    basis: str | None = None
    amount: ApiAmount
    gst_percent: OutNumber
    gst: ApiAmount
    status: Literal["DUE", "INVOICED", "PAID"]
    brokerage_invoice: BrokerageInvoiceOut | None = None
    paid_on: str | None = None
    payment_reference: str | None = None
    created_at: str | None = None
    version: int = 1


class CommissionPage(ApiModel):
    items: list[CommissionOut]
    next_page_token: str | None = None
