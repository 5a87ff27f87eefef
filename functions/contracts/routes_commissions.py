"""HTTP routes of commissions (registered on the contracts router): the back office's brokerage list."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from functions.contracts import access, commissions, invoice_documents, tds
from functions.contracts.lifecycle import COMMISSIONS
from functions.contracts.models import (
    BrokerageInvoiceIn,
    CommissionOut,
    CommissionPage,
    CommissionPaymentIn,
    CommissionQuery,
    PdfLinkOut,
)
from functions.contracts.routes_common import router
from shared import clock
from shared.db import collection
from shared.http import ApiRequest
from shared.http.pagination import page
from shared.money import Money
from shared.uow import run_in_transaction

READ = "commissions:read"
TAGS = ("commissions",)


def _rupees(paise: Any) -> Decimal:
    return Money.from_paise(int(paise or 0)).rupees


def _brokerage_invoice(document: dict[str, Any] | None) -> dict[str, Any] | None:
    if not document:
        return None
    return {**{k: document.get(k) for k in ("number", "invoiceDate", "financialYear", "supplierGstin",
                                            "placeOfSupply", "taxType", "sacCode")},
            "gstRatePercent": Decimal(document.get("gstRatePercent") or "0"),
            **{name: _rupees(document.get(f"{name}Paise")) for name in ("cgst", "sgst", "igst", "total", "tdsBase",
                                                                         "tds", "netReceivable", "yearBrokerage")},
            "taxableValue": _rupees(document.get("taxableValuePaise")),
            "tdsSection": document.get("tdsSection") or tds.SECTION,
            "tdsRatePercent": Decimal(document.get("tdsRatePercent") or tds.RATE_PERCENT)}


def commission_out(commission_id: str, data: dict[str, Any]) -> dict[str, Any]:
    created = data.get("createdAt")
    return {**{k: data.get(k) for k in ("contractId", "contractNumber", "orgId", "financialYear", "side", "partnerId",
                                        "structureCode", "basis", "status")},
            "id": commission_id, "amount": Money.from_paise(int(data.get("amountPaise") or 0)).rupees,
            "gstPercent": Decimal(data.get("gstPercent") or "0"),
            "gst": Money.from_paise(int(data.get("gstPaise") or 0)).rupees,
            "brokerageInvoice": _brokerage_invoice(data.get("brokerageInvoice")), "paidOn": data.get("paidOn"),
            "paymentReference": data.get("paymentReference"), "version": int(data.get("version") or 1),
            "createdAt": clock.iso(created) if hasattr(created, "isoformat") else None}


@router.get("/api/commissions", permission=READ, query=CommissionQuery, response=CommissionPage, tags=TAGS)
def list_commissions(req: ApiRequest) -> CommissionPage:
    """Brokerage per contract side (DUE once the contract is ACTIVE), newest first, in the caller's organizations."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    viewer = access.back_office(req.user, READ)
    ref = collection(COMMISSIONS)
    if not viewer.all_organizations:
        if not viewer.organization_ids:
            return CommissionPage(items=[], next_page_token=None)
        ref = ref.where(filter=FieldFilter("orgId", "in", list(viewer.organization_ids)[:30]))
    if req.query.contract_id:
        ref = ref.where(filter=FieldFilter("contractId", "==", req.query.contract_id))
    if req.query.status:
        ref = ref.where(filter=FieldFilter("status", "==", req.query.status))
    snapshots, token = page(ref, [("createdAt", "DESCENDING")], req.query.page_size, req.query.page_token)
    return CommissionPage(items=[CommissionOut.model_validate(commission_out(s.id, s.to_dict() or {}))
                                 for s in snapshots], next_page_token=token)


@router.get("/api/commissions/{commissionId}", permission=READ, response=CommissionOut, tags=TAGS,
            errors={404: ("COMMISSION_NOT_FOUND",)})
def get_commission(req: ApiRequest, commissionId: str) -> CommissionOut:
    """One side's brokerage on a contract, with its brokerage invoice once INVOICED (back office)."""
    data = commissions.get(commissionId, access.back_office(req.user, READ))
    return CommissionOut.model_validate(commission_out(commissionId, data))


@router.get("/api/commissions/{commissionId}/pdf", permission=READ, response=PdfLinkOut, tags=TAGS,
            errors={404: ("COMMISSION_NOT_FOUND",), 409: ("COMMISSION_NOT_INVOICED",)})
def get_commission_pdf(req: ApiRequest, commissionId: str) -> PdfLinkOut:
    """A short-lived signed URL of the brokerage invoice PDF of an INVOICED or PAID commission (back
    office, as reading the commission); 409 COMMISSION_NOT_INVOICED while it is DUE."""
    data = commissions.get(commissionId, access.back_office(req.user, READ))
    return PdfLinkOut.model_validate(invoice_documents.commission_link(commissionId, data))


@router.post("/api/commissions/{commissionId}/invoice", permission="invoices:manage", body=BrokerageInvoiceIn,
             response=CommissionOut, idempotent=True, tags=TAGS,
             errors={404: ("COMMISSION_NOT_FOUND",), 409: ("INVALID_TRANSITION", "FINANCIAL_YEAR_CLOSED"),
                     422: ("FINANCIAL_YEAR_NOT_FOUND",)})
def invoice_commission(req: ApiRequest, commissionId: str) -> CommissionOut:
    """DUE → INVOICED: RNRL's brokerage invoice to the side's partner, the next number of the organization's
    BRK series for the year, GST at the commodity's brokerage rate (CGST + SGST or IGST)."""
    viewer = access.back_office(req.user, "invoices:manage")
    data = run_in_transaction(lambda uow: commissions.invoice(uow, commissionId, viewer, req.body.invoice_date),
                              req.actor)
    return CommissionOut.model_validate(commission_out(commissionId, data))


@router.post("/api/commissions/{commissionId}/pay", permission="payments:manage", body=CommissionPaymentIn,
             response=CommissionOut, tags=TAGS, errors={404: ("COMMISSION_NOT_FOUND",), 409: ("INVALID_TRANSITION",)})
def pay_commission(req: ApiRequest, commissionId: str) -> CommissionOut:
    """INVOICED → PAID: the partner paid its brokerage invoice."""
    viewer = access.back_office(req.user, "payments:manage")
    body: CommissionPaymentIn = req.body
    data = run_in_transaction(lambda uow: commissions.mark_paid(uow, commissionId, viewer, body.paid_on,
                                                                body.reference), req.actor)
    return CommissionOut.model_validate(commission_out(commissionId, data))
