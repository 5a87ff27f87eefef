"""The draft sales contract of an accepted offer (contracts.public.create_draft_contract) on the emulator:
numbers from the organization's financial-year counter, terms copied from the master in force, the
source offer recorded, ContractCreated, and nothing (not even a number) used when the transaction fails."""
from __future__ import annotations

import pytest

from functions.contracts.public import DraftContractInput, create_draft_contract
from shared import fiscal
from shared.auth.principal import SYSTEM
from shared.errors import Unprocessable
from tests.support.contracts import ORG, seed_masters, seed_party


@pytest.fixture
def masters(clean_db):
    from functions.masters.cached import CACHE

    CACHE.clear()
    seed_masters()
    seed_party("buyer-1", legal_name="Shree Buyer Mills", state_code="24", pan="AAACS1234F")
    seed_party("seller-1", legal_name="Patel Ginning Factory", state_code="27", pan="AAAFP5678K")
    yield
    CACHE.clear()


def _draft(org_id: str = ORG, **overrides) -> DraftContractInput:
    fields = {"org_id": org_id, "buyer_partner_id": "buyer-1", "seller_partner_id": "seller-1",
              "commodity_id": "COTTON", "variety_id": "COTTON:SHANKAR-6",
              "quantity": {"value": "100", "unit": "BALE", "kg": "17000"}, "price": "56000", "price_unit": "CANDY",
              "trade_id": "t1", "offer_id": "o1", "quality": {"stapleMm": "29.5", "micronaire": {"min": "3.8"}},
              "terms": {"paymentTerms": "CREDIT_15_DAYS", "deliveryTerms": "WITHIN_7_DAYS", "bargainType": "EX_GIN"}}
    return DraftContractInput(**{**fields, **overrides})


def _short_fy() -> str:
    start, end = fiscal.current_financial_year().split("-")
    return f"{start[-2:]}-{end}"


def test_numbers_follow_the_organizations_year_counter_and_terms_are_copied(masters):
    from shared.db import collection
    from shared.uow import run_in_transaction
    from tests.support.partners import outbox

    first = run_in_transaction(lambda uow: create_draft_contract(uow, _draft()), SYSTEM)
    two = run_in_transaction(lambda uow: (create_draft_contract(uow, _draft()), create_draft_contract(uow, _draft())),
                             SYSTEM)
    other_org = run_in_transaction(lambda uow: create_draft_contract(uow, _draft("rnrl-maharashtra")), SYSTEM)
    fy = _short_fy()
    assert [first.number, two[0].number, two[1].number] == [f"SC/{fy}/00001", f"SC/{fy}/00002", f"SC/{fy}/00003"]
    assert other_org.number == f"SC/{fy}/00001"
    doc = collection("contracts").document(first.id).get().to_dict()
    assert (doc["status"], doc["orgId"], doc["financialYear"]) == ("DRAFT", ORG, fiscal.current_financial_year())
    assert doc["terms"]["paymentTerms"] == {"code": "CREDIT_15_DAYS", "label": "15 days credit", "days": 15}
    assert doc["terms"]["passingTerms"] is None
    assert doc["variety"]["code"] == "SHANKAR-6"
    assert doc["source"] == {"kind": "OFFER", "tradeId": "t1", "offerId": "o1"}
    assert [(s["key"], s["min"], s["max"]) for s in doc["qualitySpecs"]] == [
        ("stapleMm", "29.5", "29.5"), ("micronaire", "3.8", None)]
    assert (doc["buyer"]["partnerId"], doc["seller"]["partnerId"]) == ("buyer-1", "seller-1")
    events = {e["data"]["contractId"]: e["data"] for e in outbox("ContractCreated")}
    assert events[first.id]["contractNumber"] == first.number


def test_a_term_the_master_does_not_list_writes_nothing_and_uses_no_number(masters):
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection
    from shared.uow import run_in_transaction

    with pytest.raises(Unprocessable) as caught:
        run_in_transaction(lambda uow: create_draft_contract(uow, _draft(terms={"paymentTerms": "NEVER"})), SYSTEM)
    assert caught.value.details["fields"][0]["field"] == "paymentTerms"
    assert list(collection("contracts").stream()) == []
    assert list(collection("counters").where(filter=FieldFilter("series", "==", "SC")).stream()) == []
    ref = run_in_transaction(lambda uow: create_draft_contract(uow, _draft()), SYSTEM)
    assert ref.number == f"SC/{_short_fy()}/00001"
