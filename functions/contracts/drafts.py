"""The draft sales contract of an accepted offer (contracts.public.create_draft_contract).

The trade desk hands over what the accepted offer fixed (`DraftContractInput`); this module turns it into
the contracts group's own `lifecycle.NewContract` (source OFFER) and writes it with `lifecycle.create_draft`
in the caller's unit of work, so a contract from the desk and one entered by the back office are made by
one implementation: the number from the organization's financial-year `SC` counter, the parties, terms,
variety and quality copied from the masters in force, GST and brokerage, ContractCreated.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from functions.contracts import lifecycle
from functions.contracts.lifecycle import NewContract
from shared.money import Money
from shared.units import Quantity, Unit

if TYPE_CHECKING:
    from shared.uow import UnitOfWork


@dataclass(frozen=True)
class DraftContractInput:
    """What an accepted offer fixes. Quantity `{value, unit, kg}` and price (rupees) as exact decimal strings;
    quality either actual values `{key: value}` or ranges `{key: {min, max}}`; variety a code or the
    masters' `COMMODITY:CODE` id."""

    org_id: str
    buyer_partner_id: str
    seller_partner_id: str
    commodity_id: str
    quantity: Mapping[str, str]
    price: str
    price_unit: str
    trade_id: str | None = None
    offer_id: str | None = None
    variety_id: str | None = None
    quality: Mapping[str, Any] = field(default_factory=dict)
    terms: Mapping[str, str | None] = field(default_factory=dict)   # tradeType, bargainType, deliveryTerms, ...
    station_id: str | None = None
    state_code: str | None = None
    contract_date: date | None = None


@dataclass(frozen=True)
class ContractRef:
    id: str
    number: str


def _specs(quality: Mapping[str, Any]) -> list[dict[str, Any]]:
    specs = []
    for key, value in quality.items():
        if isinstance(value, Mapping):
            low, high = value.get("min"), value.get("max")
        else:
            low = high = value
        specs.append({"key": key, "min": None if low is None else Decimal(str(low)),
                      "max": None if high is None else Decimal(str(high))})
    return specs


def new_contract(draft: DraftContractInput) -> Any:
    quantity = Quantity(Decimal(draft.quantity["value"]), Unit(draft.quantity["unit"]), Decimal(draft.quantity["kg"]))
    variety = draft.variety_id.split(":", 1)[1] if draft.variety_id and ":" in draft.variety_id else draft.variety_id
    return NewContract(
        org_id=draft.org_id, buyer_partner_id=draft.buyer_partner_id, seller_partner_id=draft.seller_partner_id,
        commodity_id=draft.commodity_id, quantity=quantity, rate=Money.of(draft.price),
        rate_unit=Unit(draft.price_unit),
        contract_date=draft.contract_date, variety=variety, quality_specs=_specs(draft.quality),
        terms=dict(draft.terms), delivery_station=draft.station_id, delivery_state_code=draft.state_code,
        source={"kind": "OFFER", "tradeId": draft.trade_id, "offerId": draft.offer_id})


def masters_for(commodity_id: str) -> Any:
    """The master versions a draft copies, read once before the transaction (its retries reuse them)."""
    from functions.contracts import lifecycle

    return lifecycle.load_masters(commodity_id, None)


def create(uow: UnitOfWork, draft: DraftContractInput, masters: Any = None) -> ContractRef:
    actor_id = uow.actor.user_id if uow.actor else None
    contract_id, data = lifecycle.create_draft(uow, new_contract(draft), actor_id, masters)
    return ContractRef(contract_id, data["number"])
