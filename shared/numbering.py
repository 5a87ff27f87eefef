"""Gap-free human numbers from counter documents incremented inside the caller's transaction.

Counters are per organization, financial year and series (`counters/{org}:{fy}:{series}`, a typed
`CounterScope`), so no single document is hot across the business. Because the increment commits with
the document it numbers, a failed transaction uses no number: no gaps, no duplicates.

A unit of work's reads do not see its own queued writes, so the unit of work remembers what it has
reserved: a second `next_number` on the same counter in one transaction returns the next number (an
invoice and its brokerage invoice, two contracts from one acceptance), and the counter is written once
at commit with the last value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared import clock
from shared.db import collection

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

COUNTERS = "counters"
# The e-invoice portal's pattern for document numbers (invoices, credit and debit notes).
DOCUMENT_NUMBER = re.compile(r"^[A-Z1-9][A-Z0-9/-]{0,15}$")
_PART = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True, slots=True)
class CounterScope:
    """One counter: an organization's series in one financial year (`CounterScope(org, "2025-26", "SC")`)."""

    org_id: str
    fy: str
    series: str

    def __post_init__(self) -> None:
        for name in ("org_id", "fy", "series"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _PART.match(value):
                raise ValueError(f"CounterScope.{name} must be letters, digits, '.', '_' or '-': {value!r}")

    @property
    def key(self) -> str:
        return f"{self.org_id}:{self.fy}:{self.series}"


def next_number(uow: UnitOfWork, scope: CounterScope | str, doc_type: str | None = None) -> int:
    """Reserve the next number of the counter `scope` in `uow` (reads first; the write is queued).

    `next_number(uow, CounterScope(org, fy, "INV"))`; the older form `next_number(uow, "global",
    "partner")` names the counter `{scope}:{doc_type}` (partner codes).
    """
    if isinstance(scope, CounterScope):
        if doc_type is not None:
            raise TypeError("a CounterScope already names its series")
        key, fields = scope.key, {"orgId": scope.org_id, "fy": scope.fy, "series": scope.series}
    else:
        if not doc_type:
            raise TypeError("next_number(uow, scope, doc_type) needs a doc_type with a string scope")
        key, fields = f"{scope}:{doc_type}", {"scope": scope, "type": doc_type}
    reserved: dict[str, dict[str, Any]] = uow.counters
    pending = reserved.get(key)
    if pending is not None:
        # Already taken in this unit of work: the queued write is this dict, so bumping it is enough.
        pending["value"] += 1
        pending["updatedAt"] = clock.now()
        return pending["value"]
    ref = collection(COUNTERS).document(key)
    snapshot = uow.get(ref)
    current = (snapshot.to_dict() or {}).get("value", 0) if snapshot.exists else 0
    record = {"value": current + 1, **fields, "updatedAt": clock.now()}
    reserved[key] = record
    uow.set(ref, record)
    return record["value"]


def _fy_parts(fy_code: str) -> tuple[str, str]:
    start, end = fy_code.split("-")
    return start[-2:], end[-2:]


def _document_number(number: str) -> str:
    if not DOCUMENT_NUMBER.match(number):
        raise ValueError(f"{number!r} is not a valid GST document number (at most 16 of A-Z 0-9 / -)")
    return number


def fy_short(fy_code: str) -> str:
    """`2025-26` → `2526`."""
    start, end = _fy_parts(fy_code)
    return f"{start}{end}"


def contract_number(fy_code: str, n: int) -> str:
    """`SC/25-26/00042`."""
    start, end = _fy_parts(fy_code)
    return _document_number(f"SC/{start}-{end}/{n:05d}")


def invoice_number(fy_code: str, n: int) -> str:
    """`INV/2526/00042`: at most 16 characters, as GST requires."""
    return _document_number(f"INV/{fy_short(fy_code)}/{n:05d}")


def trade_number(fy_code: str, n: int) -> str:
    """`TR-25-26-000123`."""
    start, end = _fy_parts(fy_code)
    return _document_number(f"TR-{start}-{end}-{n:06d}")


def dispute_number(fy_code: str, n: int) -> str:
    """`DSP/25-26/00042`: a dispute on a contract, per organization and financial year."""
    start, end = _fy_parts(fy_code)
    return _document_number(f"DSP/{start}-{end}/{n:05d}")


def partner_code(n: int) -> str:
    """`BP-000123`."""
    return f"BP-{n:06d}"


def credit_note_number(fy_code: str, n: int) -> str:
    """`CN/2526/00042`: its own series, at most 16 characters."""
    return _document_number(f"CN/{fy_short(fy_code)}/{n:05d}")


def debit_note_number(fy_code: str, n: int) -> str:
    """`DN/2526/00042`."""
    return _document_number(f"DN/{fy_short(fy_code)}/{n:05d}")


def brokerage_invoice_number(fy_code: str, n: int) -> str:
    """`BRK/2526/00042`: RNRL's brokerage invoices, a series of their own."""
    return _document_number(f"BRK/{fy_short(fy_code)}/{n:05d}")
