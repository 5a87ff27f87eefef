"""The domain events the contracts group emits (exported through functions.contracts.public)."""
from __future__ import annotations

from shared.events.model import DomainEventModel


class _ContractEvent(DomainEventModel):
    """A contract and its parties: the first fields of each contract event's data, in this order (the
    data's keys keep their order on the wire, so an event's own fields come after them)."""

    producer = "contracts"
    contract_id: str
    buyer_partner_id: str
    seller_partner_id: str
    org_id: str | None = None
    contract_number: str | None = None


class _ContractVersionEvent(DomainEventModel):
    """A contract's version in force with the contract and its parties; `version` comes second in the
    data, so these are not a `_ContractEvent` (an inherited field keeps its place, before the class's own)."""

    producer = "contracts"
    contract_id: str
    version: int
    buyer_partner_id: str
    seller_partner_id: str
    org_id: str | None = None
    contract_number: str | None = None


class ContractCreated(_ContractEvent):
    pass


class ContractApproved(_ContractVersionEvent):
    """A submitted contract became ACTIVE as version 1 (its contract note is rendered from this)."""


class ContractCancelled(_ContractEvent):
    """A contract was cancelled with a reason; `offer_id` names the trade-desk offer it came from (its
    tested lot's reservation is given back: functions/tradedesk/lot_release.py)."""

    reason: str
    offer_id: str | None = None


class ContractAmended(_ContractVersionEvent):
    """An approved amendment made version `version` the one in force (its note is rendered from this)."""


class InvoiceIssued(DomainEventModel):
    producer = "contracts"
    invoice_id: str
    contract_id: str
    buyer_partner_id: str
    org_id: str | None = None
    invoice_number: str | None = None


class PaymentReceived(DomainEventModel):
    """A buyer's payment was recorded (its first allocations with it)."""

    producer = "contracts"
    payment_id: str
    buyer_partner_id: str
    org_id: str | None = None
    amount: str
    mode: str


class InvoiceOverdue(DomainEventModel):
    """The daily job found an invoice past its due date with a balance (emitted once: on becoming OVERDUE)."""

    producer = "contracts"
    invoice_id: str
    contract_id: str
    buyer_partner_id: str
    org_id: str | None = None
    invoice_number: str | None = None
    due_date: str
    balance: str


class CommissionDue(DomainEventModel):
    """A contract became ACTIVE: one side's brokerage is DUE (one event per side)."""

    producer = "contracts"
    commission_id: str
    contract_id: str
    partner_id: str
    side: str
    amount: str
    org_id: str | None = None
    contract_number: str | None = None


class DisputeRaised(DomainEventModel):
    """A dispute was raised on a contract (its contract shows DISPUTED while it is open)."""

    producer = "contracts"
    dispute_id: str
    contract_id: str
    buyer_partner_id: str
    seller_partner_id: str
    dispute_type: str
    org_id: str | None = None
    dispute_number: str | None = None
    contract_number: str | None = None


class DisputeUpdated(DomainEventModel):
    """Something the parties may see changed on an open dispute: `change` is ASSIGNED (now UNDER_REVIEW),
    COMMENTED (a shared comment; internal ones are never announced), CLOSED (no action, by the back office)
    or WITHDRAWN (by the party that raised it or the back office on its behalf); `status` is the new one."""

    producer = "contracts"
    dispute_id: str
    contract_id: str
    buyer_partner_id: str
    seller_partner_id: str
    status: str
    change: str
    org_id: str | None = None
    dispute_number: str | None = None
    contract_number: str | None = None


class DisputeResolved(DomainEventModel):
    """A dispute was resolved; with an adjustment, the credit or debit note issued on its invoice."""

    producer = "contracts"
    dispute_id: str
    contract_id: str
    buyer_partner_id: str
    seller_partner_id: str
    org_id: str | None = None
    dispute_number: str | None = None
    contract_number: str | None = None
    note_id: str | None = None
    note_number: str | None = None
    note_kind: str | None = None
