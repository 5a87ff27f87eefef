"""What a financial year's close needs from contracts and settlement: counts by status (DOMAIN.md
"Contracts and settlement"), with aggregation queries (one read per 1,000 index entries, never a
scan). The queries work whether or not the collections hold anything yet (a count of nothing is 0).
Fields relied on: `orgId`, `financialYear` (code) and `status`. What the close then does to these
records (contracts CARRIED_FORWARD, the others marked) is carry_forward.py's consumer.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.db import collection

CONTRACTS, INVOICES, COMMISSIONS, DISPUTES = "contracts", "invoices", "commissions", "disputes"

# A year with draft documents cannot close: a contract is a draft until it is submitted for approval.
DRAFT_CONTRACT_STATUSES = ("DRAFT",)
# Carried forward into the next year: invoices not fully paid, commissions not yet paid, disputes open.
UNPAID_INVOICE_STATUSES = ("UNPAID", "PARTIALLY_PAID", "OVERDUE")
DUE_COMMISSION_STATUSES = ("DUE", "INVOICED")
OPEN_DISPUTE_STATUSES = ("OPEN", "UNDER_REVIEW")


@dataclass(frozen=True)
class CloseCounts:
    draft_contracts: int
    unpaid_invoices: int
    due_commissions: int
    open_disputes: int


def count(collection_name: str, org_id: str, code: str, statuses: tuple[str, ...]) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (collection(collection_name).where(filter=FieldFilter("orgId", "==", org_id))
             .where(filter=FieldFilter("financialYear", "==", code)))
    if len(statuses) == 1:
        query = query.where(filter=FieldFilter("status", "==", statuses[0]))
    else:
        query = query.where(filter=FieldFilter("status", "in", list(statuses)))
    result = query.count(alias="n").get()
    return int(result[0][0].value) if result and result[0] else 0


def close_counts(org_id: str, code: str) -> CloseCounts:
    return CloseCounts(
        draft_contracts=count(CONTRACTS, org_id, code, DRAFT_CONTRACT_STATUSES),
        unpaid_invoices=count(INVOICES, org_id, code, UNPAID_INVOICE_STATUSES),
        due_commissions=count(COMMISSIONS, org_id, code, DUE_COMMISSION_STATUSES),
        open_disputes=count(DISPUTES, org_id, code, OPEN_DISPUTE_STATUSES),
    )
