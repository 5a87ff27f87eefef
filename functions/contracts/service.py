"""Contract services: each state change is one transaction (lifecycle.py holds the rules); reads are
scoped by access.Viewer (404 outside the caller's scope)."""
from __future__ import annotations

from typing import Any

from functions.contracts import lifecycle, store
from functions.contracts.access import Viewer
from functions.contracts.models import AmendmentIn, ContractIn, ContractQuery
from functions.masters.public import commodity_in_force
from functions.partners.public import ensure_can_trade
from shared.errors import NotFound
from shared.http.etag import check_if_match
from shared.http.pagination import page
from shared.money import Money
from shared.uow import run_in_transaction
from shared.versions import VERSIONS, version_ref


def _transaction(work: Any, actor: Any) -> Any:
    return run_in_transaction(work, actor)


def new_contract_of(body: ContractIn) -> lifecycle.NewContract:
    return lifecycle.NewContract(
        org_id=body.org_id, buyer_partner_id=body.buyer_partner_id, seller_partner_id=body.seller_partner_id,
        commodity_id=body.commodity_id, quantity=body.quantity.quantity(), rate=Money.of(body.rate.amount),
        rate_unit=body.rate.unit, contract_date=body.contract_date, sub_broker_partner_id=body.sub_broker_partner_id,
        variety=body.variety, quality_specs=[spec.model_dump() for spec in body.quality_specs],
        terms=body.terms.model_dump(by_alias=True), delivery_station=body.delivery_station,
        delivery_state_code=body.delivery_state_code, commission_structure_id=body.commission_structure_id,
        remarks=body.remarks, source={"kind": "MANUAL"})


def create(body: ContractIn, viewer: Viewer, actor: Any) -> tuple[str, dict[str, Any]]:
    """A back-office DRAFT in one of the caller's organizations; both parties must be allowed to trade."""
    if not viewer.sees_org(body.org_id):
        raise NotFound("ORGANIZATION_NOT_FOUND", f"Organization {body.org_id} not found")
    new = new_contract_of(body)
    masters = lifecycle.load_masters(new.commodity_id, new.commission_structure_id)

    def work(uow: Any) -> tuple[str, dict[str, Any]]:
        for partner_id in (new.buyer_partner_id, new.seller_partner_id):
            ensure_can_trade(partner_id, uow=uow)
        return lifecycle.create_draft(uow, new, viewer.user_id, masters)

    return _transaction(work, actor)


def _load(uow: Any, contract_id: str, viewer: Viewer) -> dict[str, Any]:
    snapshot = uow.get(store.contract_ref(contract_id)) if uow is not None else store.contract_ref(contract_id).get()
    return viewer.check(snapshot.to_dict() if snapshot.exists else None)


def get(contract_id: str, viewer: Viewer) -> dict[str, Any]:
    return _load(None, contract_id, viewer)


def list_contracts(query: ContractQuery, viewer: Viewer) -> tuple[list[Any], str | None]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    ref = store.contracts()
    if viewer.back_office:
        if query.org_id:
            if not viewer.sees_org(query.org_id):
                return [], None
            ref = ref.where(filter=FieldFilter("orgId", "==", query.org_id))
        elif not viewer.all_organizations:
            if not viewer.organization_ids:
                return [], None
            ref = ref.where(filter=FieldFilter("orgId", "in", list(viewer.organization_ids)[:30]))
        if query.partner_id:
            ref = ref.where(filter=FieldFilter("partyIds", "array_contains", query.partner_id))
    else:
        ref = ref.where(filter=FieldFilter("partyIds", "array_contains", viewer.partner_id or "-"))
    if query.status:
        ref = ref.where(filter=FieldFilter("status", "==", query.status))
    return page(ref, [("createdAt", "DESCENDING")], query.page_size, query.page_token)


def _change(contract_id: str, viewer: Viewer, actor: Any, if_match: str | None, step: Any) -> dict[str, Any]:
    def work(uow: Any) -> dict[str, Any]:
        current = _load(uow, contract_id, viewer)
        check_if_match(if_match, int(current.get("version", 1)))
        return step(uow, current)

    return _transaction(work, actor)


def submit(contract_id: str, viewer: Viewer, actor: Any, if_match: str | None) -> dict[str, Any]:
    return _change(contract_id, viewer, actor, if_match,
                   lambda uow, current: lifecycle.submit(uow, contract_id, current, viewer.user_id))


def approve(contract_id: str, viewer: Viewer, actor: Any, if_match: str | None) -> dict[str, Any]:
    return _change(contract_id, viewer, actor, if_match,
                   lambda uow, current: lifecycle.approve(uow, contract_id, current, viewer.user_id))


def cancel(contract_id: str, reason: str, viewer: Viewer, actor: Any, if_match: str | None) -> dict[str, Any]:
    return _change(contract_id, viewer, actor, if_match,
                   lambda uow, current: lifecycle.cancel(uow, contract_id, current, reason, viewer.user_id))


def _domain_change(body: AmendmentIn) -> dict[str, Any]:
    change: dict[str, Any] = {}
    if body.quantity is not None:
        change["quantity"] = body.quantity.quantity()
    if body.rate is not None:
        change["rate"], change["rateUnit"] = Money.of(body.rate.amount), body.rate.unit
    if body.quality_specs is not None:
        change["qualitySpecs"] = [spec.model_dump() for spec in body.quality_specs]
    if body.terms is not None:
        change["terms"] = body.terms.model_dump(by_alias=True)
    for name, value in (("deliveryStation", body.delivery_station), ("deliveryStateCode", body.delivery_state_code),
                        ("remarks", body.remarks)):
        if value is not None:
            change[name] = value
    return change


def amend(contract_id: str, body: AmendmentIn, viewer: Viewer, actor: Any, if_match: str | None) -> dict[str, Any]:
    change = _domain_change(body)
    current = get(contract_id, viewer)
    commodity = None
    if "qualitySpecs" in change or "terms" in change:
        commodity = commodity_in_force((current.get("commodity") or {}).get("commodityId") or "")

    def step(uow: Any, fresh: dict[str, Any]) -> dict[str, Any]:
        content = lifecycle.amended_content(fresh, change, commodity)
        return lifecycle.propose_amendment(uow, contract_id, fresh, body.expected_version, body.reason, content,
                                           viewer.user_id)

    return _change(contract_id, viewer, actor, if_match, step)


def versions(contract_id: str, viewer: Viewer, page_size: int, token: str | None
             ) -> tuple[list[dict[str, Any]], str | None]:
    get(contract_id, viewer)
    ref = store.contract_ref(contract_id).collection(VERSIONS)
    snapshots, next_token = page(ref, [("version", "ASCENDING")], page_size, token)
    return [s.to_dict() or {} for s in snapshots], next_token


def version(contract_id: str, number: int, viewer: Viewer) -> dict[str, Any]:
    get(contract_id, viewer)
    snapshot = version_ref(store.contract_ref(contract_id), number).get()
    if not snapshot.exists:
        raise NotFound("CONTRACT_VERSION_NOT_FOUND", f"The contract has no version {number}")
    return snapshot.to_dict() or {}
