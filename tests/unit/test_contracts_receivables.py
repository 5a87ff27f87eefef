"""Aging buckets of outstanding invoices (pure)."""
from __future__ import annotations

from datetime import date

from functions.contracts.receivables import aging, bucket_of


def test_bucket_edges() -> None:
    assert [bucket_of(d) for d in (0, 30, 31, 60, 61, 90, 91, 400)] == [
        "0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "over-90", "over-90"]


def test_aging_per_buyer_counts_only_balances() -> None:
    today = date(2026, 12, 2)
    rows = aging([
        {"buyerPartnerId": "b1", "status": "UNPAID", "balancePaise": 100, "invoiceDate": "2026-12-01",
         "dueDate": "2026-12-31"},
        {"buyerPartnerId": "b1", "status": "OVERDUE", "balancePaise": 250, "invoiceDate": "2026-09-05",
         "dueDate": "2026-10-01"},
        {"buyerPartnerId": "b1", "status": "PAID", "balancePaise": 0, "invoiceDate": "2026-01-01"},
        {"buyerPartnerId": "b1", "status": "CANCELLED", "balancePaise": 999, "invoiceDate": "2026-01-01"},
        {"buyerPartnerId": "b2", "status": "PARTIALLY_PAID", "balancePaise": 7, "invoiceDate": "2026-10-15",
         "dueDate": "2026-12-02"},
    ], today)
    assert rows == [
        {"buyerPartnerId": "b1", "buckets": {"0-30": 100, "31-60": 0, "61-90": 250, "over-90": 0},
         "totalPaise": 350, "overduePaise": 250, "invoices": 2},
        {"buyerPartnerId": "b2", "buckets": {"0-30": 0, "31-60": 7, "61-90": 0, "over-90": 0},
         "totalPaise": 7, "overduePaise": 0, "invoices": 1},
    ]
