"""Gap-free human numbers from counter documents incremented inside the caller's transaction.

Counters are per organization, financial year and document type (`counters/{org}:{fy}:{type}`), so no
single document is hot across the business. Because the increment commits with the document it
numbers, a failed transaction uses no number: no gaps, no duplicates.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.db import UnitOfWork

COUNTERS = "counters"


def next_number(uow: UnitOfWork, scope: str, doc_type: str) -> int:
    """Reserve the next number of `doc_type` in `scope` (e.g. "org123:2025-26"). Reads before writes."""
    from shared import clock
    from shared.db import collection

    ref = collection(COUNTERS).document(f"{scope}:{doc_type}")
    snapshot = uow.get(ref)
    current = (snapshot.to_dict() or {}).get("value", 0) if snapshot.exists else 0
    uow.set(ref, {"value": current + 1, "scope": scope, "type": doc_type, "updatedAt": clock.now()})
    return current + 1


def fy_short(fy_code: str) -> str:
    """`2025-26` → `2526`."""
    start, end = fy_code.split("-")
    return f"{start[-2:]}{end[-2:]}"


def contract_number(fy_code: str, n: int) -> str:
    """`SC/25-26/00042`."""
    start, end = fy_code.split("-")
    return f"SC/{start[-2:]}-{end[-2:]}/{n:05d}"


def invoice_number(fy_code: str, n: int) -> str:
    """`INV/2526/00042`: at most 16 characters, as GST requires."""
    number = f"INV/{fy_short(fy_code)}/{n:05d}"
    if len(number) > 16:
        raise ValueError("invoice number longer than 16 characters")
    return number


def trade_number(fy_code: str, n: int) -> str:
    """`TR-25-26-000123`."""
    start, end = fy_code.split("-")
    return f"TR-{start[-2:]}-{end[-2:]}-{n:06d}"


def partner_code(n: int) -> str:
    """`BP-000123`."""
    return f"BP-{n:06d}"
