"""The domain events the masters group emits (exported through functions.masters.public)."""
from __future__ import annotations

from shared.events.model import DomainEventModel


class _FinancialYearEvent(DomainEventModel):
    producer = "masters"
    org_id: str
    financial_year_id: str
    code: str                      # the year's code, 2025-26


class FinancialYearActivated(_FinancialYearEvent):
    pass


class CarryForward(DomainEventModel):
    from_financial_year: str
    to_financial_year: str
    unpaid_invoices: int
    due_commissions: int
    open_disputes: int


class FinancialYearClosed(_FinancialYearEvent):
    carry_forward: CarryForward


class FinancialYearReopened(_FinancialYearEvent):
    reason: str
