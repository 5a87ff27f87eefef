"""HTTP routes of commissions (registered on the contracts router): the back office's brokerage list."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from functions.contracts import access
from functions.contracts.lifecycle import COMMISSIONS
from functions.contracts.models import CommissionOut, CommissionPage, CommissionQuery
from functions.contracts.routes_common import router
from shared import clock
from shared.db import collection
from shared.http import ApiRequest
from shared.http.pagination import page
from shared.money import Money

READ = "commissions:read"


def commission_out(commission_id: str, data: dict[str, Any]) -> dict[str, Any]:
    created = data.get("createdAt")
    return {**{k: data.get(k) for k in ("contractId", "contractNumber", "orgId", "financialYear", "side", "partnerId",
                                        "structureCode", "basis", "status")},
            "id": commission_id, "amount": Money.from_paise(int(data.get("amountPaise") or 0)).rupees,
            "gstPercent": Decimal(data.get("gstPercent") or "0"),
            "gst": Money.from_paise(int(data.get("gstPaise") or 0)).rupees,
            "createdAt": clock.iso(created) if hasattr(created, "isoformat") else None}


@router.get("/api/commissions", permission=READ, query=CommissionQuery, response=CommissionPage, tags=("commissions",))
def list_commissions(req: ApiRequest) -> CommissionPage:
    """Brokerage per contract side (DUE once the contract is ACTIVE), newest first, in the caller's organizations."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    viewer = access.back_office(req.user, READ)
    ref = collection(COMMISSIONS)
    if not viewer.all_organizations:
        if not viewer.organization_ids:
            return CommissionPage(items=[], next_page_token=None)
        ref = ref.where(filter=FieldFilter("orgId", "in", list(viewer.organization_ids)[:30]))
    if req.query.contract_id:
        ref = ref.where(filter=FieldFilter("contractId", "==", req.query.contract_id))
    if req.query.status:
        ref = ref.where(filter=FieldFilter("status", "==", req.query.status))
    snapshots, token = page(ref, [("createdAt", "DESCENDING")], req.query.page_size, req.query.page_token)
    return CommissionPage(items=[CommissionOut.model_validate(commission_out(s.id, s.to_dict() or {}))
                                 for s in snapshots], next_page_token=token)
