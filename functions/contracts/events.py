"""The domain events the contracts group emits (exported through functions.contracts.public)."""
from __future__ import annotations

from shared.events.model import DomainEventModel


class ContractCreated(DomainEventModel):
    producer = "contracts"
    contract_id: str
    buyer_partner_id: str
    seller_partner_id: str
    org_id: str | None = None
    contract_number: str | None = None


class ContractApproved(DomainEventModel):
    """A submitted contract became ACTIVE as version 1 (its contract note is rendered from this)."""

    producer = "contracts"
    contract_id: str
    version: int
    buyer_partner_id: str
    seller_partner_id: str
    org_id: str | None = None
    contract_number: str | None = None


class ContractAmended(DomainEventModel):
    """An approved amendment made version `version` the one in force (its note is rendered from this)."""

    producer = "contracts"
    contract_id: str
    version: int
    buyer_partner_id: str
    seller_partner_id: str
    org_id: str | None = None
    contract_number: str | None = None


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
