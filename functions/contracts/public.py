"""What other groups may use of the contracts group (the only module of it they import).

- `create_draft_contract(uow, DraftContractInput) -> ContractRef(id, number)`: the draft sales contract of
  an accepted offer, in the caller's unit of work (number from the organization's financial-year counter,
  terms copied from the commodity master in force; emits ContractCreated);
- `financial_year_close_counts(org_id, code)`: draft contracts that block closing the year, and the
  unpaid invoices, due commissions and open disputes it carries forward (masters' year close);
- `contracts_made_in(uow, org_id, code)`: how many contracts the year's counter has numbered, read in
  the caller's transaction: the close compares it with the value it counted at, so a draft created while
  the close runs cannot slip past it (every new contract writes that counter).
- `organization_contract_count(org_id)`: how many contracts (of any status) an organization has, for
  masters' refusal to delete an organization in use.
- its typed domain events (functions/contracts/events.py), for `uow.emit(...)` and the notifications catalog.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from functions.contracts.drafts import ContractRef, DraftContractInput, create, masters_for
from functions.contracts.events import (
    CommissionDue,
    ContractAmended,
    ContractApproved,
    ContractCancelled,
    ContractCreated,
    DisputeRaised,
    DisputeResolved,
    DisputeUpdated,
    InvoiceIssued,
    InvoiceOverdue,
    PaymentReceived,
)
from functions.contracts.lifecycle import SERIES
from functions.contracts.store import CONTRACTS
from functions.contracts.year_end import CloseCounts, close_counts
from shared.db import collection
from shared.numbering import COUNTERS, CounterScope

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

__all__ = [
    "CloseCounts",
    "CommissionDue",
    "ContractAmended",
    "ContractApproved",
    "ContractCancelled",
    "ContractCreated",
    "ContractRef",
    "DisputeRaised",
    "DisputeResolved",
    "DisputeUpdated",
    "DraftContractInput",
    "InvoiceIssued",
    "InvoiceOverdue",
    "PaymentReceived",
    "contracts_made_in",
    "create_draft_contract",
    "draft_contract_masters",
    "financial_year_close_counts",
    "organization_contract_count",
]


def create_draft_contract(uow: UnitOfWork, draft: DraftContractInput, masters: Any = None) -> ContractRef:
    """`masters`: from `draft_contract_masters(commodity_id)` before the transaction, so retries read none."""
    return create(uow, draft, masters)


def draft_contract_masters(commodity_id: str) -> Any:
    return masters_for(commodity_id)


def financial_year_close_counts(org_id: str, code: str) -> CloseCounts:
    return close_counts(org_id, code)


def contracts_made_in(uow: UnitOfWork | None, org_id: str, code: str) -> int:
    ref = collection(COUNTERS).document(CounterScope(org_id, code, SERIES).key)
    snapshot = uow.get(ref) if uow is not None else ref.get()
    return int((snapshot.to_dict() or {}).get("value", 0)) if snapshot.exists else 0


def organization_contract_count(org_id: str) -> int:
    """Contracts of any status that belong to `org_id` (one count aggregation: a contract is a business
    record kept for ever, so even a closed one keeps its organization in use)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    result = collection(CONTRACTS).where(filter=FieldFilter("orgId", "==", org_id)).count().get()
    return int(result[0][0].value) if result else 0
