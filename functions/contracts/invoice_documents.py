"""The PDFs of the invoices, rendered on first request and kept in the private bucket.

Unlike the contract notes (rendered by an event consumer when a version is approved), an invoice's PDF
is made lazily: the first GET /api/invoices/{id}/pdf or /api/commissions/{id}/pdf of a caller who may
read the invoice renders it (invoice_pdf.py), uploads it under a name fixed by the invoice and its
variant, and records `invoiceDocuments/{key}` READY; later requests only sign a URL. Two first requests
at once both render the same document under the same name and record the same thing: harmless. What an
invoice shows never changes once issued (payments and notes are documents of their own), except a sales
invoice's cancellation, which has its own variant (marked CANCELLED across the page), so a copy made
before the cancellation is never served after it. A commission that is not invoiced yet (DUE) has no
invoice to show: 409 COMMISSION_NOT_INVOICED. Nothing but a 5-minute signed GET URL reaches a client.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from functions.contracts import commissions, invoice_pdf, store
from functions.contracts.invoice_status import CANCELLED
from functions.masters.public import organization_identity
from shared import clock
from shared.adapters import storage
from shared.db import collection
from shared.errors import Conflict

DOCUMENTS = "invoiceDocuments"     # {kind}-{id}-{variant}: the stored PDF of one invoice (object name, status)
READY = "READY"
DOWNLOAD_TTL = timedelta(minutes=5)
ISSUED_VARIANT, CANCELLED_VARIANT = "issued", "cancelled"


def document_ref(kind: str, entity_id: str, variant: str) -> Any:
    return collection(DOCUMENTS).document(f"{kind}-{entity_id}-{variant}")


def invoice_object_name(invoice_id: str, variant: str) -> str:
    return f"invoices/{invoice_id}/invoice.pdf" if variant == ISSUED_VARIANT else \
        f"invoices/{invoice_id}/invoice-{variant}.pdf"


def brokerage_object_name(commission_id: str) -> str:
    return f"commissions/{commission_id}/brokerage-invoice.pdf"


def file_name(number: str | None, default: str, suffix: str = "") -> str:
    return f"{(number or default).replace('/', '-')}{suffix}.pdf"


def _link(ref: Any, name: str, download_name: str, render: Callable[[], bytes], meta: dict[str, Any]
          ) -> dict[str, Any]:
    """{url, expiresAt, fileName}: the stored PDF's signed URL, rendering and storing it first if needed."""
    snapshot = ref.get()
    record = snapshot.to_dict() if snapshot.exists else None
    if not record or record.get("status") != READY:
        data = render()
        storage.upload_bytes(name, data, "application/pdf")
        record = {**meta, "status": READY, "objectName": name, "fileName": download_name, "size": len(data),
                  "sha256": hashlib.sha256(data).hexdigest(), "createdAt": clock.now()}
        ref.set(record)
    expires = clock.now() + DOWNLOAD_TTL
    url = storage.signed_download_url(record["objectName"], expires=DOWNLOAD_TTL, filename=record.get("fileName"))
    return {"url": url, "expiresAt": clock.iso(expires), "fileName": record.get("fileName")}


def invoice_link(invoice_id: str, invoice: dict[str, Any]) -> dict[str, Any]:
    """The PDF of a sales invoice the caller may read (the caller's scope checked by invoices.get)."""
    variant = CANCELLED_VARIANT if invoice.get("status") == CANCELLED else ISSUED_VARIANT
    suffix = "-CANCELLED" if variant == CANCELLED_VARIANT else ""
    return _link(document_ref("invoice", invoice_id, variant), invoice_object_name(invoice_id, variant),
                 file_name(invoice.get("number"), "invoice", suffix), lambda: invoice_pdf.render_invoice(invoice),
                 {"kind": "invoice", "invoiceId": invoice_id, "variant": variant, "number": invoice.get("number")})


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def commission_link(commission_id: str, commission: dict[str, Any]) -> dict[str, Any]:
    """The brokerage invoice PDF of an INVOICED or PAID commission (scope checked by commissions.get);
    409 COMMISSION_NOT_INVOICED before it is invoiced."""
    document = commission.get("brokerageInvoice")
    if commission.get("status") not in (commissions.INVOICED, commissions.PAID) or not document:
        raise Conflict("COMMISSION_NOT_INVOICED", "This brokerage has no invoice yet; invoice it first",
                       {"commissionId": commission_id, "status": commission.get("status")})

    def render() -> bytes:
        supplier = organization_identity(str(commission.get("orgId")), _day(document.get("invoiceDate")))
        contract = store.contract_ref(str(commission.get("contractId"))).get()
        side = str(commission.get("side") or "").lower()
        recipient = ((contract.to_dict() or {}).get(side) if contract.exists else None) or None
        return invoice_pdf.render_brokerage(commission, supplier, recipient)

    return _link(document_ref("brokerage", commission_id, ISSUED_VARIANT), brokerage_object_name(commission_id),
                 file_name(document.get("number"), "brokerage-invoice"), render,
                 {"kind": "brokerage", "commissionId": commission_id, "variant": ISSUED_VARIANT,
                  "number": document.get("number")})
