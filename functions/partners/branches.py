"""Branches: one head office per partner, codes unique per partner, branch GSTIN in the branch's state.

Every branch change reads and writes the partner document, so concurrent changes to one partner's
branches serialize on it and the uniqueness checks (which read the bounded branch list) hold.
"""
from __future__ import annotations

from typing import Any

from functions.partners import lifecycle, store, validation
from functions.partners.access import Access
from functions.partners.keys import KeyCheck
from functions.partners.service import MAX_BRANCHES, branches_of
from shared import clock
from shared.db import stamp_new, stamp_update
from shared.errors import Conflict
from shared.http.etag import check_if_match
from shared.uow import run_in_transaction
from shared.validators import FieldErrors

ENTITY = "partnerBranch"
CLOSED = frozenset({lifecycle.REJECTED, lifecycle.BLACKLISTED})


def ensure_changeable(data: dict[str, Any], access: Access) -> None:
    """Applicants change their application only while it is editable; partner users only once onboarded;
    nobody changes a rejected or blacklisted partner."""
    status = data["status"]
    if access.is_applicant and status not in lifecycle.EDITABLE:
        raise Conflict("PARTNER_NOT_EDITABLE", f"A {status} application cannot be changed", {"status": status})
    if not access.back_office and not access.is_applicant and status not in lifecycle.ONBOARDED:
        raise Conflict("PARTNER_NOT_EDITABLE", f"A {status} partner cannot be changed", {"status": status})
    if status in CLOSED:
        raise Conflict("PARTNER_CLOSED", f"A {status} partner cannot be changed", {"status": status})


def _normalized(body: Any, partner: dict[str, Any], fields: set[str], current: dict[str, Any] | None
                ) -> dict[str, Any]:
    errors = FieldErrors()
    out: dict[str, Any] = {}
    fields = {name for name in fields if getattr(body, name) is not None or name in ("gstin", "contact")}
    if "code" in fields:
        out["code"] = body.code.upper()
    if "name" in fields:
        out["name"] = body.name
    if "address" in fields:
        out["address"] = validation.address(errors, "address", body.address)
    if "contact" in fields:
        out["contact"] = validation.contact(errors, "contact", body.contact)
    if "gstin" in fields or ("address" in fields and (current or {}).get("gstin")):
        value = body.gstin if "gstin" in fields else (current or {}).get("gstin")
        state_code = (out.get("address") or (current or {}).get("address") or {}).get("stateCode")
        out["gstin"] = validation.gstin_for(errors, "gstin", value, partner.get("pan"), state_code) if value else None
    errors.raise_if_any()
    return out


def _check_code(branches: list[dict[str, Any]], code: str, branch_id: str | None) -> None:
    for branch in branches:
        if branch["code"] == code and branch["id"] != branch_id:
            raise Conflict("BRANCH_CODE_TAKEN", f"This partner already has a branch with code {code}",
                           {"field": "code", "branchId": branch["id"]})


def _reserve_gstin(uow: Any, partner_id: str, partner: dict[str, Any], gstin: str | None, access: Access
                   ) -> list[str] | None:
    """Once a partner holds keys (submitted or onboarded), a new branch GSTIN takes its key too."""
    owned = set(partner.get("ownedKeys") or [])
    if not gstin or not owned or f"gstin:{gstin}" in owned:
        return None
    check = KeyCheck(uow, partner_id, owned | {f"gstin:{gstin}"}, owned)
    check.raise_conflict(uow, back_office=access.back_office)
    return check.write(uow)


def _touch(uow: Any, partner_id: str, partner: dict[str, Any], access: Access, **fields: Any) -> None:
    uow.update(store.partner_ref(partner_id),
               stamp_update({"branchesChangedAt": clock.now(), "makers": lifecycle.with_maker(partner, access.user_id),
                             **fields}, access.user_id, partner["version"]))


def create_branch(partner_id: str, body: Any, access: Access, actor: Any) -> tuple[str, dict[str, Any]]:
    ref = store.child(partner_id, store.BRANCHES).document()

    access.require_all_branches()

    def work(uow: Any) -> dict[str, Any]:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        branches = branches_of(uow, partner_id)
        if len(branches) >= MAX_BRANCHES:
            raise Conflict("TOO_MANY_BRANCHES", f"A partner has at most {MAX_BRANCHES} branches")
        values = _normalized(body, partner, {"code", "name", "address", "contact", "gstin"}, None)
        _check_code(branches, values["code"], None)
        head = next((b for b in branches if b.get("isHeadOffice")), None)
        is_head = bool(body.is_head_office) or head is None
        owned = _reserve_gstin(uow, partner_id, partner, values.get("gstin"), access)
        if is_head and head is not None:
            uow.update(store.child(partner_id, store.BRANCHES).document(head["id"]),
                       {"isHeadOffice": False, "updatedAt": clock.now(), "updatedBy": access.user_id,
                        "version": head.get("version", 1) + 1})
        data = stamp_new({**values, "partnerId": partner_id, "isHeadOffice": is_head}, access.user_id)
        uow.create(ref, data)
        extra = {"headOfficeBranchId": ref.id} if is_head else {}
        if owned is not None:
            extra["ownedKeys"] = owned
        _touch(uow, partner_id, partner, access, **extra)
        uow.audit("create", ENTITY, ref.id, after=data, partnerId=partner_id)
        return data

    return ref.id, run_in_transaction(work, actor)


def _load_branch(uow: Any, partner_id: str, branch_id: str, access: Access) -> dict[str, Any]:
    data = store.live_child(partner_id, store.BRANCHES, branch_id, uow, visible=access.sees_branch(branch_id))
    return {**data, "id": branch_id}


def update_branch(partner_id: str, branch_id: str, body: Any, access: Access, actor: Any,
                  if_match: str | None) -> dict[str, Any]:
    ref = store.child(partner_id, store.BRANCHES).document(branch_id)

    def work(uow: Any) -> dict[str, Any]:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        current = _load_branch(uow, partner_id, branch_id, access)
        check_if_match(if_match, current.get("version", 1))
        branches = branches_of(uow, partner_id)
        values = _normalized(body, partner, set(body.model_fields_set), current)
        if "code" in values:
            _check_code(branches, values["code"], branch_id)
        owned = _reserve_gstin(uow, partner_id, partner, values.get("gstin"), access)
        update = stamp_update(values, access.user_id, current.get("version", 1))
        uow.update(ref, update)
        _touch(uow, partner_id, partner, access, **({"ownedKeys": owned} if owned is not None else {}))
        before = {k: v for k, v in current.items() if k != "id"}
        uow.audit("update", ENTITY, branch_id, before=before, after={**before, **update}, partnerId=partner_id)
        return {**before, **update}

    return run_in_transaction(work, actor)


def make_head_office(partner_id: str, branch_id: str, access: Access, actor: Any) -> dict[str, Any]:
    """Move the head office to `branch_id` in one call (the old one stops being it in the same transaction)."""
    access.require_all_branches()

    def work(uow: Any) -> dict[str, Any]:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        target = _load_branch(uow, partner_id, branch_id, access)
        branches = branches_of(uow, partner_id)
        if target.get("isHeadOffice"):
            return {k: v for k, v in target.items() if k != "id"}
        for branch in branches:
            if branch.get("isHeadOffice"):
                uow.update(store.child(partner_id, store.BRANCHES).document(branch["id"]),
                           stamp_update({"isHeadOffice": False}, access.user_id, branch.get("version", 1)))
        update = stamp_update({"isHeadOffice": True}, access.user_id, target.get("version", 1))
        uow.update(store.child(partner_id, store.BRANCHES).document(branch_id), update)
        _touch(uow, partner_id, partner, access, headOfficeBranchId=branch_id)
        uow.audit("move_head_office", ENTITY, branch_id,
                  before={"headOfficeBranchId": partner.get("headOfficeBranchId")},
                  after={"headOfficeBranchId": branch_id}, partnerId=partner_id)
        return {**{k: v for k, v in target.items() if k != "id"}, **update}

    return run_in_transaction(work, actor)


def delete_branch(partner_id: str, branch_id: str, access: Access, actor: Any) -> None:
    def work(uow: Any) -> None:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        current = _load_branch(uow, partner_id, branch_id, access)
        if current.get("isHeadOffice"):
            raise Conflict("HEAD_OFFICE_REQUIRED", "Make another branch the head office before removing this one")
        update = stamp_update({"deletedAt": clock.now()}, access.user_id, current.get("version", 1))
        uow.update(store.child(partner_id, store.BRANCHES).document(branch_id), update)
        _touch(uow, partner_id, partner, access)
        uow.audit("delete", ENTITY, branch_id, before={"deletedAt": None}, after={"deletedAt": update["deletedAt"]},
                  partnerId=partner_id)

    run_in_transaction(work, actor)


def get_branch(partner_id: str, branch_id: str, access: Access) -> dict[str, Any]:
    access.load(None, partner_id)
    return store.live_child(partner_id, store.BRANCHES, branch_id, visible=access.sees_branch(branch_id))


def list_branches(partner_id: str, access: Access) -> list[tuple[str, dict[str, Any]]]:
    """All live branches (at most MAX_BRANCHES), head office first, then by code."""
    access.load(None, partner_id)
    branches = [b for b in branches_of(None, partner_id) if access.sees_branch(b["id"])]
    branches.sort(key=lambda b: (not b.get("isHeadOffice"), b["code"]))
    return [(b.pop("id"), b) for b in branches]
