"""Certifications (BCI, organic, GOTS, ...): kept by the partner, verified or rejected by the back office,
expired by the daily job. `isVisibleInTrade` holds only for verified, unexpired certifications."""
from __future__ import annotations

from typing import Any

from functions.partners import events as ev
from functions.partners import store
from functions.partners.access import Access
from functions.partners.branches import ensure_changeable
from shared import clock
from shared.db import stamp_new, stamp_update
from shared.errors import Conflict, Unprocessable
from shared.http.etag import check_if_match
from shared.http.pagination import page
from shared.uow import run_in_transaction

ENTITY = "partnerCertification"
PENDING, VERIFIED, REJECTED, EXPIRED = "PENDING", "VERIFIED", "REJECTED", "EXPIRED"
# Changing one of these on a verified certification sends it back for verification.
MATERIAL = ("type", "number", "body", "scope", "issueDate", "expiryDate", "documentId")


def _ref(partner_id: str, cert_id: str):
    return store.child(partner_id, store.CERTIFICATIONS).document(cert_id)


def _values(body: Any, fields: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("type", "number", "body", "scope", "issue_date", "expiry_date", "document_id"):
        if name not in fields:
            continue
        value = getattr(body, name)
        key = {"issue_date": "issueDate", "expiry_date": "expiryDate", "document_id": "documentId"}.get(name, name)
        if key == "type" and value:
            value = value.upper()
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _check(uow: Any, partner_id: str, values: dict[str, Any]) -> None:
    issue, expiry = store.parse_date(values.get("issueDate")), store.parse_date(values.get("expiryDate"))
    if issue and expiry and expiry <= issue:
        raise Unprocessable("VALIDATION_FAILED", "The expiry date must be after the issue date",
                            {"fields": [{"field": "expiryDate", "rule": "after_issue_date",
                                         "message": "Must be after the issue date"}]})
    if issue and issue > clock.today_india():
        raise Unprocessable("VALIDATION_FAILED", "The issue date cannot be in the future",
                            {"fields": [{"field": "issueDate", "rule": "not_future", "message": "In the future"}]})
    if values.get("documentId"):
        doc = store.live(uow.get(store.child(partner_id, store.DOCUMENTS).document(values["documentId"])))
        if doc is None or doc.get("status") != "VERIFIED_FILE":
            raise Unprocessable("VALIDATION_FAILED", "The document is not an uploaded and checked file of this partner",
                                {"fields": [{"field": "documentId", "rule": "document_verified_file",
                                             "message": "Unknown or unchecked document"}]})


def create(partner_id: str, body: Any, access: Access, actor: Any) -> tuple[str, dict[str, Any]]:
    ref = store.child(partner_id, store.CERTIFICATIONS).document()
    values = _values(body, set(body.model_fields_set) | {"type", "number", "body", "issue_date", "expiry_date"})

    def work(uow: Any) -> dict[str, Any]:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        _check(uow, partner_id, values)
        data = stamp_new({"scope": None, "documentId": None, **values, "partnerId": partner_id, "status": PENDING,
                          "isVisibleInTrade": False, "verifiedBy": None, "verifiedAt": None,
                          "rejectionReason": None}, access.user_id)
        uow.create(ref, data)
        uow.audit("create", ENTITY, ref.id, after=data, partnerId=partner_id)
        return data

    return ref.id, run_in_transaction(work, actor)


def _load(uow: Any, partner_id: str, cert_id: str) -> dict[str, Any]:
    return store.live_child(partner_id, store.CERTIFICATIONS, cert_id, uow)


def update(partner_id: str, cert_id: str, body: Any, access: Access, actor: Any, if_match: str | None
           ) -> dict[str, Any]:
    values = _values(body, {f for f in body.model_fields_set if getattr(body, f) is not None or f == "scope"})

    def work(uow: Any) -> dict[str, Any]:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        current = _load(uow, partner_id, cert_id)
        check_if_match(if_match, current.get("version", 1))
        merged = {**current, **values}
        _check(uow, partner_id, merged)
        fields = dict(values)
        if any(merged.get(k) != current.get(k) for k in MATERIAL) and current["status"] != PENDING:
            fields.update(status=PENDING, isVisibleInTrade=False, verifiedBy=None, verifiedAt=None,
                          rejectionReason=None)
        change = stamp_update(fields, access.user_id, current.get("version", 1))
        uow.update(_ref(partner_id, cert_id), change)
        uow.audit("update", ENTITY, cert_id, before=current, after={**current, **change}, partnerId=partner_id)
        return {**current, **change}

    return run_in_transaction(work, actor)


def decide(partner_id: str, cert_id: str, verified: bool, reason: str | None, access: Access, actor: Any
           ) -> dict[str, Any]:
    """Back office verifies (only an unexpired certification) or rejects (with a reason)."""
    def work(uow: Any) -> dict[str, Any]:
        access.load(uow, partner_id)
        current = _load(uow, partner_id, cert_id)
        if current["status"] not in ((PENDING, REJECTED) if verified else (PENDING, VERIFIED)):
            raise Conflict("CERTIFICATION_NOT_PENDING", f"This certification is {current['status']}",
                           {"status": current["status"]})
        if verified and store.parse_date(current["expiryDate"]) < clock.today_india():
            raise Conflict("CERTIFICATION_EXPIRED", "An expired certification cannot be verified")
        fields: dict[str, Any] = (
            {"status": VERIFIED, "isVisibleInTrade": True, "verifiedBy": access.user_id, "verifiedAt": clock.now(),
             "rejectionReason": None}
            if verified else {"status": REJECTED, "isVisibleInTrade": False, "rejectionReason": reason})
        change = stamp_update(fields, access.user_id, current.get("version", 1))
        uow.update(_ref(partner_id, cert_id), change)
        uow.audit("verify" if verified else "reject", ENTITY, cert_id, before=current, after={**current, **change},
                  partnerId=partner_id, reason=reason)
        event = ev.CertificationVerified if verified else ev.CertificationRejected
        uow.emit(event(partner_id=partner_id, certification_id=cert_id, type=current["type"], reason=reason),
                 subject=partner_id)
        return {**current, **change}

    return run_in_transaction(work, actor)


def delete(partner_id: str, cert_id: str, access: Access, actor: Any) -> None:
    def work(uow: Any) -> None:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        current = _load(uow, partner_id, cert_id)
        change = stamp_update({"deletedAt": clock.now(), "isVisibleInTrade": False}, access.user_id,
                              current.get("version", 1))
        uow.update(_ref(partner_id, cert_id), change)
        uow.audit("delete", ENTITY, cert_id, before={"deletedAt": None}, after={"deletedAt": change["deletedAt"]},
                  partnerId=partner_id)

    run_in_transaction(work, actor)


def get(partner_id: str, cert_id: str, access: Access) -> dict[str, Any]:
    access.load(None, partner_id)
    return _load(None, partner_id, cert_id)


def list_for(partner_id: str, access: Access, page_size: int, page_token: str | None):
    access.load(None, partner_id)
    query = store.child(partner_id, store.CERTIFICATIONS).where(filter=store.cond("deletedAt", "==", None))
    snapshots, token = page(query, [("expiryDate", "ASCENDING")], page_size, page_token)
    return [(s.id, s.to_dict()) for s in snapshots], token
