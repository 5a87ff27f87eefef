"""Partner documents: straight to Cloud Storage by signed URL, checked by the service afterwards.

1. `request_upload`: a document record (PENDING_UPLOAD) and a V4 signed PUT URL valid 15 minutes with
   the content type and the 0-5 MiB size range signed, so Cloud Storage refuses anything else.
2. The client PUTs the file.
3. `complete`: the service reads the object's size and first bytes; the real file kind (magic bytes)
   must be the declared one and allowed for the document type, and the size within 5 MiB. Then the
   record is VERIFIED_FILE, or the object is deleted, the record REJECTED_FILE and the answer 422.
Downloads are 5-minute signed GET URLs. Deleting is soft: the record is marked, the object kept.

A document whose upload expired over an hour ago and was never completed is swept by the hourly job
`partner-document-upload-sweep` (`sweep_abandoned_uploads`, on shared/upload_sweep.py): the record becomes
UPLOAD_ABANDONED (still listed, like a rejected file: the user requests a new upload) and its unchecked
object, if one was PUT, is deleted. A `complete` racing the sweep either wins (VERIFIED_FILE, object kept)
or answers 409 DOCUMENT_NOT_PENDING.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from functions.partners import store
from functions.partners.access import Access
from functions.partners.branches import ensure_changeable
from shared import clock, upload_sweep
from shared.adapters import storage
from shared.auth.principal import SYSTEM
from shared.db import client, stamp_new, stamp_update
from shared.errors import Conflict, Unprocessable
from shared.http.pagination import page
from shared.uow import run_in_transaction
from shared.uploads import FileRules, base_content_type, check_upload, kind_of_content_type, rejected

ENTITY = "partnerDocument"
MAX_BYTES = 5 * 1024 * 1024
UPLOAD_TTL = timedelta(minutes=15)
DOWNLOAD_TTL = timedelta(minutes=5)
PENDING_UPLOAD, VERIFIED_FILE, REJECTED_FILE = "PENDING_UPLOAD", "VERIFIED_FILE", "REJECTED_FILE"
UPLOAD_ABANDONED = upload_sweep.UPLOAD_ABANDONED

_IMAGES_AND_PDF = frozenset({"pdf", "jpeg", "png"})
ALLOWED_KINDS: dict[str, frozenset[str]] = {
    "PAN_CARD": _IMAGES_AND_PDF,
    "GST_CERTIFICATE": _IMAGES_AND_PDF,
    "CANCELLED_CHEQUE": _IMAGES_AND_PDF,
    "BANK_STATEMENT": _IMAGES_AND_PDF | {"xlsx"},
    "INCORPORATION_CERTIFICATE": _IMAGES_AND_PDF,
    "ADDRESS_PROOF": _IMAGES_AND_PDF,
    "CERTIFICATION": _IMAGES_AND_PDF,
    "OTHER": _IMAGES_AND_PDF | {"docx", "xlsx"},
}
FILE_RULES = FileRules(MAX_BYTES, "a document is at most 5 MiB", "The file is not a PDF, JPEG, PNG, DOCX or XLSX file")


def _ref(partner_id: str, document_id: str):
    return store.child(partner_id, store.DOCUMENTS).document(document_id)


def object_name(partner_id: str, document_id: str) -> str:
    return f"partners/{partner_id}/documents/{document_id}"


def request_upload(partner_id: str, body: Any, access: Access, actor: Any) -> tuple[str, dict[str, Any], dict]:
    """(document id, record, upload instructions)."""
    kind = kind_of_content_type(body.content_type)
    allowed = ALLOWED_KINDS[body.document_type]
    if kind is None or kind not in allowed:
        raise Unprocessable("UNSUPPORTED_FILE_TYPE",
                            f"A {body.document_type} must be one of: {', '.join(sorted(allowed))}",
                            {"fields": [{"field": "contentType", "rule": "file_type",
                                         "message": f"Allowed: {', '.join(sorted(allowed))}"}]})
    if body.size_bytes is not None and body.size_bytes > MAX_BYTES:
        raise Unprocessable("FILE_TOO_LARGE", "A document is at most 5 MiB",
                            {"fields": [{"field": "sizeBytes", "rule": "max_size", "message": "At most 5 MiB"}],
                             "maxBytes": MAX_BYTES})
    ref = store.child(partner_id, store.DOCUMENTS).document()
    name = object_name(partner_id, ref.id)
    expires = clock.now() + UPLOAD_TTL

    def work(uow: Any) -> dict[str, Any]:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        data = stamp_new({"partnerId": partner_id, "documentType": body.document_type, "fileName": body.file_name,
                          "contentType": base_content_type(body.content_type), "fileKind": kind,
                          "objectName": name, "status": PENDING_UPLOAD, "sizeBytes": None,
                          "uploadExpiresAt": expires, "uploadedAt": None, "verifiedAt": None,
                          "rejectionReason": None}, access.user_id)
        uow.create(ref, data)
        uow.audit("request_upload", ENTITY, ref.id, after=data, partnerId=partner_id)
        return data

    data = run_in_transaction(work, actor)
    upload = storage.signed_upload_url(name, data["contentType"], MAX_BYTES, expires=UPLOAD_TTL)
    return ref.id, data, {**upload, "expiresAt": clock.iso(expires), "maxBytes": MAX_BYTES}


def _refuse_kind(record: dict[str, Any]) -> Callable[[str], tuple[str, str] | None]:
    """The check of a real kind the document's type does not allow (after it matched the declared one)."""
    def refuse(kind: str) -> tuple[str, str] | None:
        if kind not in ALLOWED_KINDS[record["documentType"]]:
            return "UNSUPPORTED_FILE_TYPE", f"A {record['documentType']} cannot be a {kind.upper()} file"
        return None

    return refuse


def complete(partner_id: str, document_id: str, access: Access, actor: Any) -> dict[str, Any]:
    """Check the uploaded object and mark the document VERIFIED_FILE, or delete it and answer 422."""
    partner = access.load(None, partner_id)
    ensure_changeable(partner, access)
    record = store.live_child(partner_id, store.DOCUMENTS, document_id)
    if record["status"] == VERIFIED_FILE:
        return record
    if record["status"] != PENDING_UPLOAD:
        raise Conflict("DOCUMENT_NOT_PENDING", f"This document is {record['status']}; request a new upload",
                       {"status": record["status"]})
    info, problem = check_upload(record, FILE_RULES, "document", _refuse_kind(record))

    def work(uow: Any) -> dict[str, Any]:
        current = store.live(uow.get(_ref(partner_id, document_id)))
        if current is None or current["status"] != PENDING_UPLOAD:
            raise Conflict("DOCUMENT_NOT_PENDING", "This document changed meanwhile; reload it")
        moment = clock.now()
        if problem is None:
            fields = {"status": VERIFIED_FILE, "sizeBytes": info.size, "uploadedAt": moment, "verifiedAt": moment}
        else:
            fields = {"status": REJECTED_FILE, "sizeBytes": info.size, "rejectionReason": problem[0]}
        update = stamp_update(fields, access.user_id, current.get("version", 1))
        uow.update(_ref(partner_id, document_id), update)
        uow.audit("complete_upload", ENTITY, document_id, before=current, after={**current, **update},
                  partnerId=partner_id)
        return {**current, **update}

    result = run_in_transaction(work, actor)
    if problem is not None:
        raise rejected(problem, documentId=document_id)
    return result


def get_document(partner_id: str, document_id: str, access: Access) -> dict[str, Any]:
    access.load(None, partner_id)
    return store.live_child(partner_id, store.DOCUMENTS, document_id)


def download(partner_id: str, document_id: str, access: Access) -> tuple[str, str]:
    """(5-minute signed URL, its expiry) for a checked document."""
    record = get_document(partner_id, document_id, access)
    if record["status"] != VERIFIED_FILE:
        raise Conflict("DOCUMENT_NOT_AVAILABLE", f"This document is {record['status']}", {"status": record["status"]})
    url = storage.signed_download_url(record["objectName"], expires=DOWNLOAD_TTL, filename=record["fileName"])
    return url, clock.iso(clock.now() + DOWNLOAD_TTL) or ""


def list_documents(partner_id: str, access: Access, page_size: int, page_token: str | None
                   ) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
    access.load(None, partner_id)
    query = store.child(partner_id, store.DOCUMENTS).where(filter=store.cond("deletedAt", "==", None))
    snapshots, next_token = page(query, [("createdAt", "DESCENDING")], page_size, page_token)
    return [(s.id, s.to_dict()) for s in snapshots], next_token


def delete_document(partner_id: str, document_id: str, access: Access, actor: Any) -> None:
    """Soft delete; a document recorded in the partner's KYC verification stays."""
    def work(uow: Any) -> None:
        partner = access.load(uow, partner_id)
        ensure_changeable(partner, access)
        current = store.live_child(partner_id, store.DOCUMENTS, document_id, uow)
        if document_id in ((partner.get("kyc") or {}).get("documentsChecked") or []):
            raise Conflict("DOCUMENT_IN_USE", "This document backs the partner's KYC verification")
        update = stamp_update({"deletedAt": clock.now()}, access.user_id, current.get("version", 1))
        uow.update(_ref(partner_id, document_id), update)
        uow.audit("delete", ENTITY, document_id, before={"deletedAt": None}, after={"deletedAt": update["deletedAt"]},
                  partnerId=partner_id)

    run_in_transaction(work, actor)


def _abandon(uow: Any, ref: Any, before: Any) -> str | None:
    """In the sweep's transaction: mark the document UPLOAD_ABANDONED if it still waits for its file."""
    partner = ref.parent.parent
    if partner is None or partner.parent.id != store.PARTNERS:     # another collection named `documents`
        return None
    snapshot = uow.get(ref)
    current = snapshot.to_dict() if snapshot.exists else None
    if current is None or not upload_sweep.is_abandoned(current, before):
        return None
    partner_id = partner.id
    update = stamp_update(upload_sweep.abandoned_fields(clock.now()), SYSTEM.user_id, int(current.get("version") or 1))
    uow.update(ref, update)
    uow.audit("upload_abandoned", ENTITY, ref.id, before={"status": current["status"]},
              after={"status": UPLOAD_ABANDONED, "uploadExpiresAt": current.get("uploadExpiresAt")},
              partnerId=partner_id)
    return str(current["objectName"])


def sweep_abandoned_uploads(limit: int = upload_sweep.LIMIT) -> dict[str, Any]:
    """The `partner-document-upload-sweep` job: documents (of partners and applications) still
    PENDING_UPLOAD an hour after their upload expired become UPLOAD_ABANDONED, their object deleted."""
    return upload_sweep.sweep(ENTITY, client().collection_group(store.DOCUMENTS), _abandon, limit=limit)
