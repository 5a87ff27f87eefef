"""Demo data for `make run`: one ACTIVE sales contract between the demo seller and buyer, with an invoice
part-paid by an NEFT payment, so the desk shows a PARTIALLY_PAID invoice, a payment and a statement
(idempotent: a second run finds the demo contract and does nothing). Made through the same lifecycle as
the API (number, masters copied, maker-checker approval by two seed users, version 1, commissions DUE)."""
from __future__ import annotations

from typing import Any

from functions.contracts import invoices, lifecycle, payments, store
from functions.contracts.access import Viewer
from shared import clock
from shared.auth.principal import Actor
from shared.db import collection
from shared.errors import ApiError
from shared.money import Money
from shared.units import Quantity, Unit
from shared.uow import run_in_transaction

MAKER, CHECKER = "system-seed-maker", "system-seed-checker"
DEMO_SOURCE = "DEMO"
DEMO_PAYMENT_REFERENCE = "SBIN526336123456"      # an NEFT UTR: 4-letter bank, 1 digit, 11 more


def _demo_contract() -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    found = list(store.contracts().where(filter=FieldFilter("source.kind", "==", DEMO_SOURCE)).limit(1).stream())
    return found[0] if found else None


def _party(kind: str) -> str | None:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (collection("partners").where(filter=FieldFilter("kind", "==", kind))
             .where(filter=FieldFilter("status", "==", "ACTIVE")).limit(1))
    found = list(query.stream())
    return found[0].id if found else None


def seed_contracts(org_ids: list[str]) -> dict[str, Any]:
    """{contractId, number, invoiceNumber, created} of the demo contract (None values when it cannot be made)."""
    existing = _demo_contract()
    if existing is not None:
        return {"contractId": existing.id, "number": (existing.to_dict() or {}).get("number"), "created": False}
    seller, buyer = _party("SELLER"), _party("BUYER") or _party("TRADER")
    if not org_ids or not seller or not buyer:
        return {"contractId": None, "number": None, "created": False}
    new = lifecycle.NewContract(
        org_id=org_ids[0], buyer_partner_id=buyer, seller_partner_id=seller, commodity_id="COTTON",
        quantity=Quantity.of(100, Unit.BALE), rate=Money.of("55200"), rate_unit=Unit.CANDY, variety="SHANKAR-6",
        quality_specs=[{"key": "stapleMm", "min": 28.5, "max": 29.5}, {"key": "micronaire", "min": 3.7, "max": 4.5}],
        terms={"tradeType": "SPOT", "bargainType": "EX_GIN", "passingTerms": "GIN_PASSING",
               "weightmentTerms": "GIN_WEIGHT", "deliveryTerms": "WITHIN_7_DAYS", "paymentTerms": "CREDIT_15_DAYS"},
        delivery_station="Rajkot", delivery_state_code="24", source={"kind": DEMO_SOURCE})
    try:
        return _make(new)
    except ApiError as error:          # e.g. no open financial year: the demo goes on without a contract
        return {"contractId": None, "number": None, "created": False, "skipped": error.code}


def _make(new: lifecycle.NewContract) -> dict[str, Any]:
    masters = lifecycle.load_masters(new.commodity_id, None)
    contract_id, data = run_in_transaction(lambda uow: lifecycle.create_draft(uow, new, MAKER, masters), Actor(MAKER))
    data = run_in_transaction(lambda uow: lifecycle.submit(uow, contract_id, data, MAKER), Actor(MAKER))
    run_in_transaction(lambda uow: lifecycle.approve(uow, contract_id, data, CHECKER), Actor(CHECKER))
    viewer = Viewer(CHECKER, True, all_organizations=True)
    invoice_id, invoice = run_in_transaction(
        lambda uow: invoices.issue(uow, contract_id, viewer, Quantity.of(40, Unit.BALE), None, None, False, False),
        Actor(CHECKER))
    part = Money.from_paise(invoice["totalPaise"]).times("0.4")
    payment_id, _ = run_in_transaction(lambda uow: payments.record(
        uow, org_id=new.org_id, buyer_partner_id=new.buyer_partner_id, amount=part, payment_day=clock.today_india(),
        mode="NEFT", reference=DEMO_PAYMENT_REFERENCE, allocations=[payments.Allocation(invoice_id, part)],
        actor_id=CHECKER), Actor(CHECKER))
    return {"contractId": contract_id, "number": data["number"], "invoiceNumber": invoice["number"],
            "paymentId": payment_id, "created": True}
