"""Receivables: outstanding invoices per buyer in aging buckets (issue 12 "Receivables").

An invoice's age is the days from its invoice date to today (India); buckets 0-30, 31-60, 61-90 and
over 90 days. `overdue` is the part of the outstanding amount past its due date. Only invoices with a
balance count (UNPAID, PARTIALLY_PAID, OVERDUE); amounts stay in paise until the answer.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from functions.contracts.access import Viewer
from shared.db import collection
from shared.money import Money

OUTSTANDING = ("UNPAID", "PARTIALLY_PAID", "OVERDUE")
BUCKETS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("over-90", 91, None))


def bucket_of(age_days: int) -> str:
    for name, low, high in BUCKETS:
        if age_days >= low and (high is None or age_days <= high):
            return name
    return BUCKETS[0][0]  # an invoice dated after today (never issued so) counts as current


def aging(invoices: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Per buyer: outstanding paise per bucket, total and overdue. Pure."""
    rows: dict[str, dict[str, Any]] = {}
    for invoice in invoices:
        balance = int(invoice.get("balancePaise") or 0)
        if invoice.get("status") not in OUTSTANDING or balance <= 0:
            continue
        buyer = str(invoice.get("buyerPartnerId") or "")
        row = rows.setdefault(buyer, {"buyerPartnerId": buyer, "buckets": {name: 0 for name, _, _ in BUCKETS},
                                      "totalPaise": 0, "overduePaise": 0, "invoices": 0})
        age = (today - date.fromisoformat(str(invoice["invoiceDate"]))).days
        row["buckets"][bucket_of(age)] += balance
        row["totalPaise"] += balance
        row["invoices"] += 1
        if invoice.get("dueDate") and date.fromisoformat(str(invoice["dueDate"])) < today:
            row["overduePaise"] += balance
    return sorted(rows.values(), key=lambda r: (-r["totalPaise"], r["buyerPartnerId"]))


def rupees(paise: int) -> Any:
    return Money.from_paise(paise).rupees


def outstanding_invoices(viewer: Viewer, org_id: str | None) -> list[dict[str, Any]]:
    """The outstanding invoices this viewer may see (a partner: those it is a party to)."""
    from google.cloud.firestore_v1.base_query import FieldFilter


    query = collection("invoices").where(filter=FieldFilter("status", "in", list(OUTSTANDING)))
    if viewer.back_office:
        orgs = [org_id] if org_id else list(viewer.organization_ids)[:30]
        if org_id and not viewer.sees_org(org_id):
            return []
        if not viewer.all_organizations or org_id:
            if not orgs:
                return []
            query = query.where(filter=FieldFilter("orgId", "in", orgs))
    else:
        query = query.where(filter=FieldFilter("buyerPartnerId", "==", viewer.partner_id or "-"))
    return [snapshot.to_dict() or {} for snapshot in query.stream()]
