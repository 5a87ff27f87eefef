"""What other groups may use of the contracts group (the only module of it they import).

- `financial_year_close_counts(org_id, code)`: draft contracts that block closing the year, and the
  unpaid invoices, due commissions and open disputes it carries forward (masters' year close).
- its typed domain events (functions/contracts/events.py), for `uow.emit(...)` and the notifications catalog.
"""
from __future__ import annotations

from functions.contracts.events import (
    ContractAmended,
    ContractApproved,
    ContractCreated,
)
from functions.contracts.year_end import CloseCounts, close_counts

__all__ = [
    "CloseCounts",
    "ContractAmended",
    "ContractApproved",
    "ContractCreated",
    "financial_year_close_counts",
]


def financial_year_close_counts(org_id: str, code: str) -> CloseCounts:
    return close_counts(org_id, code)
