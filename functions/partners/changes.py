"""Change requests to an onboarded partner's profile, and the versions they make.

Contact fields (trade name, address, contacts, website) apply at once; compliance fields (legal name,
kind, PAN, GSTINs, bank account) wait for a back-office approval by someone other than the requester.
Every applied change writes `partners/{id}/versions/{n}` with the whole profile after it.
"""
from __future__ import annotations

from typing import Any

from functions.partners import events as ev
from functions.partners import lifecycle, store, validation
from functions.partners.access import Access
from functions.partners.keys import KeyCheck
from functions.partners.service import branches_of, search_name
from functions.partners.versioning import CONTACT_FIELDS, diff, profile_of
from shared import clock
from shared.db import client, stamp_new, stamp_update
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.http.pagination import page
from shared.uow import run_in_transaction

ENTITY = "partnerChangeRequest"
IMMEDIATE = frozenset(CONTACT_FIELDS)
PENDING, APPLIED, APPROVED, REJECTED = "PENDING", "APPLIED", "APPROVED", "REJECTED"


def _cr_ref(partner_id: str, request_id: str):
    return store.child(partner_id, store.CHANGE_REQUESTS).document(request_id)


def _apply(uow: Any, partner_id: str, data: dict[str, Any], changes: dict[str, Any], access: Access,
           request_id: str, reason: str | None, extra: dict[str, Any] | None = None) -> tuple[dict[str, Any], int]:
    """Write the changed fields and the next version; returns (partner after, version number)."""
    number = int(data.get("profileVersion") or 0) + 1
    after = {**data, **changes}
    fields = dict(changes)
    if "legalName" in changes:
        fields["nameLower"] = search_name(changes["legalName"])
    update = stamp_update({**fields, **(extra or {}), "profileVersion": number}, access.user_id, data["version"])
    uow.update(store.partner_ref(partner_id), update)
    uow.create(store.child(partner_id, store.VERSIONS).document(str(number)), {
        "number": number, "profile": profile_of(after), "changedFields": sorted(changes),
        "changeRequestId": request_id, "reason": reason, "createdAt": clock.now(), "createdBy": access.user_id})
    uow.emit(ev.PartnerProfileChanged(partner_id=partner_id, partner_code=data.get("code"), version=number,
                                      changed_fields=sorted(changes)), subject=partner_id)
    return {**data, **update}, number


def propose(partner_id: str, body: Any, access: Access, actor: Any) -> tuple[str, dict[str, Any]]:
    ref = store.child(partner_id, store.CHANGE_REQUESTS).document()

    def work(uow: Any) -> dict[str, Any]:
        data = access.load(uow, partner_id)
        if data["status"] not in lifecycle.ONBOARDED:
            raise Conflict("PARTNER_NOT_ONBOARDED", f"A {data['status']} partner is changed through its application",
                           {"status": data["status"]})
        changes = {k: v for k, v in validation.profile_changes(body, data).items() if v != data.get(k)}
        immediate = {k: v for k, v in changes.items() if k in IMMEDIATE}
        pending = {k: v for k, v in changes.items() if k not in IMMEDIATE}
        if not changes:
            raise Unprocessable("NO_CHANGES", "The request changes nothing")
        if pending:
            merged = {**data, **pending}
            KeyCheck(uow, partner_id, validation.identity_keys(merged, branches_of(uow, partner_id)),
                     set(data.get("ownedKeys") or [])).raise_conflict(uow, back_office=access.back_office)
        applied_version = None
        after = data
        if immediate:
            after, applied_version = _apply(uow, partner_id, data, immediate, access, ref.id, body.reason)
        record = stamp_new({"partnerId": partner_id, "status": PENDING if pending else APPLIED,
                            "appliedChanges": immediate, "pendingChanges": pending, "reason": body.reason,
                            "appliedVersion": applied_version, "decidedBy": None, "decidedAt": None,
                            "decisionReason": None, "baseVersion": data.get("profileVersion")}, access.user_id)
        uow.create(ref, record)
        uow.audit("create", ENTITY, ref.id, before=data, after=after, partnerId=partner_id)
        if pending:
            uow.emit(ev.PartnerChangeRequested(partner_id=partner_id, partner_code=data.get("code"),
                                               change_request_id=ref.id, fields=sorted(pending)),
                     subject=partner_id)
        return record

    return ref.id, run_in_transaction(work, actor)


def decide(partner_id: str, request_id: str, approve: bool, reason: str | None, access: Access, actor: Any
           ) -> dict[str, Any]:
    """Approve (apply the compliance changes, re-validated against today's profile) or reject."""
    def work(uow: Any) -> dict[str, Any]:
        data = access.load(uow, partner_id)
        current = store.live_child(partner_id, store.CHANGE_REQUESTS, request_id, uow)
        if current["status"] != PENDING:
            raise Conflict("CHANGE_REQUEST_NOT_PENDING", f"This change request is {current['status']}",
                           {"status": current["status"]})
        if approve and access.user_id == current.get("createdBy"):
            raise Forbidden("MAKER_CHECKER", "Whoever requested a change cannot approve it")
        fields: dict[str, Any] = {"status": APPROVED if approve else REJECTED, "decidedBy": access.user_id,
                                  "decidedAt": clock.now(), "decisionReason": reason}
        if approve:
            if data["status"] not in lifecycle.ONBOARDED:
                raise Conflict("PARTNER_NOT_ONBOARDED", f"The partner is {data['status']}", {"status": data["status"]})
            pending = current.get("pendingChanges") or {}
            merged = {**data, **pending}
            branches = branches_of(uow, partner_id)
            validation.consistency_errors(merged, branches).raise_if_any()
            keys = KeyCheck(uow, partner_id, validation.identity_keys(merged, branches),
                            set(data.get("ownedKeys") or []))
            keys.raise_conflict(uow, back_office=True)
            owned = keys.write(uow, data.get("code"))
            _, fields["appliedVersion"] = _apply(uow, partner_id, data, pending, access, request_id,
                                                 current.get("reason"), {"ownedKeys": owned})
        change = stamp_update(fields, access.user_id, current.get("version", 1))
        uow.update(_cr_ref(partner_id, request_id), change)
        uow.audit("approve" if approve else "reject", ENTITY, request_id, before=current,
                  after={**current, **change}, partnerId=partner_id, reason=reason)
        if not approve:
            uow.emit(ev.PartnerChangeRejected(partner_id=partner_id, change_request_id=request_id,
                                              reason=reason), subject=partner_id)
        return {**current, **change}

    return run_in_transaction(work, actor)


def get(partner_id: str, request_id: str, access: Access) -> dict[str, Any]:
    access.load(None, partner_id)
    return store.live_child(partner_id, store.CHANGE_REQUESTS, request_id)


def list_for(partner_id: str, access: Access, status: str | None, page_size: int, page_token: str | None):
    access.load(None, partner_id)
    query = store.child(partner_id, store.CHANGE_REQUESTS)
    if status:
        query = query.where(filter=store.cond("status", "==", status))
    snapshots, token = page(query, [("createdAt", "DESCENDING")], page_size, page_token)
    return [(partner_id, s.id, s.to_dict()) for s in snapshots], token


def list_all(status: str, page_size: int, page_token: str | None):
    """Back office: change requests of every partner in one status (a collection-group query), newest first."""
    query = client().collection_group(store.CHANGE_REQUESTS).where(filter=store.cond("status", "==", status))
    snapshots, token = page(query, [("createdAt", "DESCENDING")], page_size, page_token)
    return [(s.reference.parent.parent.id, s.id, s.to_dict()) for s in snapshots], token


# ---------------------------------------------------------------- versions

def _version(partner_id: str, number: int) -> dict[str, Any]:
    snapshot = store.child(partner_id, store.VERSIONS).document(str(number)).get()
    if not snapshot.exists:
        raise NotFound("VERSION_NOT_FOUND", f"Version {number} does not exist")
    return snapshot.to_dict()


def get_version(partner_id: str, number: int, access: Access) -> dict[str, Any]:
    access.load(None, partner_id)
    return _version(partner_id, number)


def list_versions(partner_id: str, access: Access, page_size: int, page_token: str | None):
    access.load(None, partner_id)
    snapshots, token = page(store.child(partner_id, store.VERSIONS), [("number", "DESCENDING")], page_size,
                            page_token)
    return [s.to_dict() for s in snapshots], token


def version_diff(partner_id: str, first: int, second: int, access: Access) -> list[dict[str, Any]]:
    access.load(None, partner_id)
    before, after = _version(partner_id, first), _version(partner_id, second)
    return diff(before.get("profile") or {}, after.get("profile") or {})
