"""HTTP routes of invoices (registered on the contracts router): mapping only."""
from __future__ import annotations

from typing import Any

from functions.contracts import access, invoice_documents, invoices
from functions.contracts.models import InvoiceIn, InvoiceOut, InvoicePage, InvoiceQuery, PdfLinkOut, ReasonIn
from functions.contracts.routes_common import router
from shared.http import ApiRequest, ApiResponse
from shared.http.etag import etag
from shared.uow import run_in_transaction

READ, MANAGE = "invoices:read", "invoices:manage"
TAGS = ("invoices",)


def _transaction(work: Any, actor: Any) -> Any:
    return run_in_transaction(work, actor)


def invoice_response(invoice_id: str, data: dict[str, Any], status: int = 200) -> ApiResponse:
    body = InvoiceOut.model_validate(invoices.invoice_out(invoice_id, data)).model_dump(mode="json", by_alias=True)
    return ApiResponse(body, status, {"ETag": etag(data.get("version", 1))})


@router.post("/api/invoices", permission=MANAGE, body=InvoiceIn, response=InvoiceOut, status=201, idempotent=True,
             tags=TAGS, errors={404: ("CONTRACT_NOT_FOUND",),
                                409: ("CONTRACT_NOT_ACTIVE", "QUANTITY_EXCEEDS_CONTRACT", "FINANCIAL_YEAR_CLOSED"),
                                422: ("FINANCIAL_YEAR_NOT_FOUND",)})
def issue_invoice(req: ApiRequest) -> ApiResponse:
    """Issue a GST invoice against an ACTIVE contract: the next number of the organization's year,
    CGST + SGST or IGST by place of supply, due date from the payment terms."""
    viewer = access.back_office(req.user, MANAGE)
    body: InvoiceIn = req.body
    quantity = body.quantity.quantity() if body.quantity is not None else None
    invoice_id, data = _transaction(
        lambda uow: invoices.issue(uow, body.contract_id, viewer, quantity, body.invoice_date,
                                   body.place_of_supply_state_code, body.bill_to_ship_to,
                                   body.seller_is_agriculturist), req.actor)
    return invoice_response(invoice_id, data, 201)


@router.get("/api/invoices", permission=READ, query=InvoiceQuery, response=InvoicePage, tags=TAGS)
def list_invoices(req: ApiRequest) -> InvoicePage:
    """Invoices the caller may see, newest first (a partner: those it is the buyer or seller of)."""
    snapshots, token = invoices.list_invoices(req.query, access.viewer(req.user, READ))
    return InvoicePage(items=[InvoiceOut.model_validate(invoices.invoice_out(s.id, s.to_dict() or {}))
                              for s in snapshots], next_page_token=token)


@router.get("/api/invoices/{invoiceId}", permission=READ, response=InvoiceOut, tags=TAGS,
            errors={404: ("INVOICE_NOT_FOUND",)})
def get_invoice(req: ApiRequest, invoiceId: str) -> ApiResponse:
    """One invoice (404 outside the caller's scope)."""
    return invoice_response(invoiceId, invoices.get(invoiceId, access.viewer(req.user, READ)))


@router.get("/api/invoices/{invoiceId}/pdf", permission=READ, response=PdfLinkOut, tags=TAGS,
            errors={404: ("INVOICE_NOT_FOUND",)})
def get_invoice_pdf(req: ApiRequest, invoiceId: str) -> PdfLinkOut:
    """A short-lived signed URL of the invoice's GST tax invoice PDF (whoever may read the invoice); a
    cancelled invoice's PDF is marked CANCELLED."""
    data = invoices.get(invoiceId, access.viewer(req.user, READ))
    return PdfLinkOut.model_validate(invoice_documents.invoice_link(invoiceId, data))


@router.post("/api/invoices/{invoiceId}/cancel", permission=MANAGE, body=ReasonIn, response=InvoiceOut, tags=TAGS,
             errors={404: ("INVOICE_NOT_FOUND",), 409: ("INVALID_TRANSITION",)})
def cancel_invoice(req: ApiRequest, invoiceId: str) -> ApiResponse:
    """Cancel an unpaid invoice with a reason; its number is kept and never reused."""
    viewer = access.back_office(req.user, MANAGE)
    data = _transaction(lambda uow: invoices.cancel(uow, invoiceId, viewer, req.body.reason), req.actor)
    return invoice_response(invoiceId, data)
