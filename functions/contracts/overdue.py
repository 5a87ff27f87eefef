"""The daily overdue job (shared/jobs.py `invoice-overdue`): invoices past their due date with a balance
become OVERDUE, each once.

The query finds UNPAID and PARTIALLY_PAID invoices whose due date (an India date, stored as ISO text)
is before today; each is re-read in its own transaction and moved only if it still is past due with a
balance (a payment may have settled it since the query), through the invoice state machine, with an
audit entry and InvoiceOverdue to the buyer. A second run finds nothing to do: it changes nothing and
emits nothing. The job reports what it did; `more` says a run stopped at its limit (the next run goes on).
"""
from __future__ import annotations

from typing import Any

from functions.contracts import invoice_status
from functions.contracts.events import InvoiceOverdue
from functions.contracts.invoices import INVOICES, invoice_ref
from shared import clock
from shared.auth.principal import SYSTEM
from shared.db import collection, stamp_update
from shared.money import Money
from shared.uow import run_in_transaction

DUE_STATUSES = (invoice_status.UNPAID, invoice_status.PARTIALLY_PAID)


def mark_one(uow: Any, invoice_id: str, today: Any) -> bool:
    snapshot = uow.get(invoice_ref(invoice_id))
    invoice = snapshot.to_dict() if snapshot.exists else None
    if invoice is None or invoice.get("status") not in DUE_STATUSES:
        return False
    total, paid = int(invoice.get("totalPaise") or 0), int(invoice.get("paidPaise") or 0)
    target = invoice_status.next_status(invoice["status"], total, paid, invoice.get("dueDate"), today)
    if target != invoice_status.OVERDUE:
        return False
    uow.update(invoice_ref(invoice_id), stamp_update({"status": target, "overdueSince": today.isoformat()},
                                                     SYSTEM.user_id, int(invoice.get("version") or 1)))
    uow.audit("invoice.overdue", "invoice", invoice_id, before={"status": invoice["status"]},
              after={"status": target, "dueDate": invoice.get("dueDate")})
    uow.emit(InvoiceOverdue(invoice_id=invoice_id, contract_id=str(invoice.get("contractId")),
                            buyer_partner_id=str(invoice.get("buyerPartnerId")), org_id=invoice.get("orgId"),
                            invoice_number=invoice.get("number"), due_date=str(invoice.get("dueDate")),
                            balance=str(Money.from_paise(total - paid).rupees)), subject=invoice_id)
    return True


def mark_overdue(limit: int = 500) -> dict[str, Any]:
    """Mark past-due invoices OVERDUE (at most `limit` a run); returns {markedOverdue, skipped, more}."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    today = clock.today_india()
    query = (collection(INVOICES).where(filter=FieldFilter("status", "in", list(DUE_STATUSES)))
             .where(filter=FieldFilter("dueDate", "<", today.isoformat())).order_by("dueDate").limit(limit))
    found = [snapshot.id for snapshot in query.stream()]
    marked = sum(1 for invoice_id in found
                 if run_in_transaction(lambda uow, i=invoice_id: mark_one(uow, i, today), SYSTEM))
    return {"markedOverdue": marked, "skipped": len(found) - marked, "more": len(found) == limit}
