"""A dispute's evidence files: straight to the private bucket by signed URL, checked afterwards (the flow
of the partners' documents and the tested lots' reports, on the shared storage adapter and file sniffing).

1. `request_upload`: an evidence record (PENDING_UPLOAD) and a V4 signed PUT URL valid 15 minutes with the
   content type and the 0-5 MiB size range signed, so Cloud Storage refuses anything else.
2. The client PUTs the file.
3. `complete`: the object's size and first bytes are read; the real kind (magic bytes) must be the declared
   one and the size within 5 MiB. Then the record is VERIFIED_FILE, or the object is deleted, the record
   REJECTED_FILE and the answer 422.
Downloads are 5-minute signed GET URLs of checked files, for the parties of the contract and the back
office (whoever sees the dispute). Nothing in the bucket is public.

An ended dispute (RESOLVED, CLOSED, WITHDRAWN) takes no evidence: both `request_upload` and `complete`
answer 409 DISPUTE_CLOSED and write nothing, checked on the dispute read inside their transaction (so an
upload racing a resolve lands before it or not at all); `complete` also checks first, before reading the
object's bytes. A file PUT for a dispute that ended meanwhile stays PENDING_UPLOAD, never listed as checked.

Evidence whose upload expired over an hour ago and was never completed (the dispute ended meanwhile, or
the client never called `complete`) is swept by the hourly job `dispute-evidence-upload-sweep`
(`sweep_abandoned_evidence`, on shared/upload_sweep.py): the record becomes UPLOAD_ABANDONED (still listed,
like a rejected file) and its unchecked object, if one was PUT, is deleted. A `complete` racing the sweep
either wins (VERIFIED_FILE, object kept) or answers 409 EVIDENCE_NOT_PENDING.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from functions.contracts import dispute_states as rules
from functions.contracts import disputes
from functions.contracts.access import Viewer
from shared import clock, upload_sweep
from shared.adapters import storage
from shared.auth.principal import SYSTEM
from shared.db import client, stamp_new, stamp_update
from shared.errors import Conflict, NotFound, Unprocessable
from shared.files import CONTENT_TYPES
from shared.http.pagination import page
from shared.uow import run_in_transaction
from shared.uploads import FileRules, base_content_type, check_upload, kind_of_content_type, rejected

ENTITY = "disputeEvidence"
MAX_BYTES = 5 * 1024 * 1024
UPLOAD_TTL = timedelta(minutes=15)
DOWNLOAD_TTL = timedelta(minutes=5)
PENDING_UPLOAD, VERIFIED_FILE, REJECTED_FILE = "PENDING_UPLOAD", "VERIFIED_FILE", "REJECTED_FILE"
UPLOAD_ABANDONED = upload_sweep.UPLOAD_ABANDONED
ALLOWED_KINDS = frozenset(CONTENT_TYPES)       # pdf, jpeg, png, docx, xlsx
FILE_RULES = FileRules(MAX_BYTES, "evidence is at most 5 MiB", "The file is not a PDF, JPEG, PNG, DOCX or XLSX file",
                       ALLOWED_KINDS)


def evidence_of(dispute_id: str) -> Any:
    return disputes.dispute_ref(dispute_id).collection(disputes.EVIDENCE)


def evidence_ref(dispute_id: str, evidence_id: str) -> Any:
    if not evidence_id or "/" in evidence_id or evidence_id in (".", "..") or len(evidence_id) > 200:
        raise not_found()
    return evidence_of(dispute_id).document(evidence_id)


def not_found() -> NotFound:
    return NotFound("EVIDENCE_NOT_FOUND", "No such evidence")


def object_name(dispute_id: str, evidence_id: str) -> str:
    return f"disputes/{dispute_id}/evidence/{evidence_id}"


def request_upload(dispute_id: str, body: Any, viewer: Viewer, actor: Any) -> tuple[str, dict[str, Any], dict]:
    """(evidence id, record, upload instructions)."""
    kind = kind_of_content_type(body.content_type)
    if kind is None or kind not in ALLOWED_KINDS:
        raise Unprocessable("UNSUPPORTED_FILE_TYPE", f"Evidence must be one of: {', '.join(sorted(ALLOWED_KINDS))}",
                            {"fields": [{"field": "contentType", "rule": "file_type",
                                         "message": f"Allowed: {', '.join(sorted(ALLOWED_KINDS))}"}]})
    if body.size_bytes is not None and body.size_bytes > MAX_BYTES:
        raise Unprocessable("FILE_TOO_LARGE", "Evidence is at most 5 MiB",
                            {"fields": [{"field": "sizeBytes", "rule": "max_size", "message": "At most 5 MiB"}],
                             "maxBytes": MAX_BYTES})
    ref = evidence_of(dispute_id).document()
    name = object_name(dispute_id, ref.id)
    expires = clock.now() + UPLOAD_TTL
    content_type = base_content_type(body.content_type)

    def work(uow: Any) -> dict[str, Any]:
        dispute = disputes.load(uow, dispute_id, viewer)
        rules.ensure_accepts(str(dispute.get("status")), "evidence")
        data = stamp_new({"disputeId": dispute_id, "fileName": body.file_name, "contentType": content_type,
                          "fileKind": kind, "description": body.description, "objectName": name,
                          "status": PENDING_UPLOAD, "sizeBytes": None, "uploadExpiresAt": expires,
                          "uploadedAt": None, "rejectionReason": None, "uploader": disputes.actor_of(viewer)},
                         viewer.user_id)
        uow.create(ref, data)
        uow.audit("dispute.evidence_requested", ENTITY, ref.id, after={"fileName": body.file_name, "fileKind": kind},
                  disputeId=dispute_id, orgId=dispute.get("orgId"))
        return data

    data = run_in_transaction(work, actor)
    upload = storage.signed_upload_url(name, content_type, MAX_BYTES, expires=UPLOAD_TTL)
    return ref.id, data, {**upload, "expiresAt": clock.iso(expires), "maxBytes": MAX_BYTES}


def _record(uow: Any, dispute_id: str, evidence_id: str) -> dict[str, Any]:
    ref = evidence_ref(dispute_id, evidence_id)
    snapshot = uow.get(ref) if uow is not None else ref.get()
    data = snapshot.to_dict() if snapshot.exists else None
    if data is None or data.get("deletedAt") is not None:
        raise not_found()
    return data


def complete(dispute_id: str, evidence_id: str, viewer: Viewer, actor: Any) -> dict[str, Any]:
    """Check the uploaded object: VERIFIED_FILE, or the object deleted, REJECTED_FILE and 422."""
    dispute = disputes.get(dispute_id, viewer)
    record = _record(None, dispute_id, evidence_id)
    if record["status"] == VERIFIED_FILE:
        return record
    rules.ensure_accepts(str(dispute.get("status")), "evidence")
    if record["status"] != PENDING_UPLOAD:
        raise Conflict("EVIDENCE_NOT_PENDING", f"This evidence is {record['status']}; request a new upload",
                       {"status": record["status"]})
    info, problem = check_upload(record, FILE_RULES, "evidence")

    def work(uow: Any) -> dict[str, Any]:
        rules.ensure_accepts(str(disputes.load(uow, dispute_id, viewer).get("status")), "evidence")
        current = _record(uow, dispute_id, evidence_id)
        if current["status"] != PENDING_UPLOAD:
            raise Conflict("EVIDENCE_NOT_PENDING", "This evidence changed meanwhile; reload it")
        if problem is None:
            fields = {"status": VERIFIED_FILE, "sizeBytes": info.size, "uploadedAt": clock.now()}
        else:
            fields = {"status": REJECTED_FILE, "sizeBytes": info.size, "rejectionReason": problem[0]}
        update = stamp_update(fields, viewer.user_id, int(current.get("version") or 1))
        uow.update(evidence_ref(dispute_id, evidence_id), update)
        uow.audit("dispute.evidence_checked", ENTITY, evidence_id, before={"status": current["status"]},
                  after={"status": fields["status"], "sizeBytes": info.size}, disputeId=dispute_id,
                  orgId=dispute.get("orgId"))
        return {**current, **update}

    result = run_in_transaction(work, actor)
    if problem is not None:
        raise rejected(problem, evidenceId=evidence_id)
    return result


def list_evidence(dispute_id: str, viewer: Viewer, page_size: int, token: str | None
                  ) -> tuple[list[Any], str | None]:
    disputes.get(dispute_id, viewer)
    return page(evidence_of(dispute_id), [("createdAt", "DESCENDING")], page_size, token)


def download(dispute_id: str, evidence_id: str, viewer: Viewer) -> dict[str, Any]:
    """{url, expiresAt, fileName}: a 5-minute signed GET URL of checked evidence."""
    disputes.get(dispute_id, viewer)
    record = _record(None, dispute_id, evidence_id)
    if record["status"] != VERIFIED_FILE:
        raise Conflict("EVIDENCE_NOT_AVAILABLE", f"This evidence is {record['status']}", {"status": record["status"]})
    url = storage.signed_download_url(record["objectName"], expires=DOWNLOAD_TTL, filename=record["fileName"])
    return {"url": url, "expiresAt": clock.iso(clock.now() + DOWNLOAD_TTL), "fileName": record["fileName"]}


def evidence_out(evidence_id: str, data: dict[str, Any]) -> dict[str, Any]:
    def iso(value: Any) -> Any:
        return clock.iso(value) if hasattr(value, "isoformat") and not isinstance(value, str) else value

    return {"id": evidence_id, "disputeId": data.get("disputeId"), "fileName": data.get("fileName"),
            "contentType": data.get("contentType"), "fileKind": data.get("fileKind"),
            "description": data.get("description"), "status": data.get("status"), "sizeBytes": data.get("sizeBytes"),
            "rejectionReason": data.get("rejectionReason"), "uploadedAt": iso(data.get("uploadedAt")),
            "createdAt": iso(data.get("createdAt")), "createdBy": data.get("createdBy")}


def _abandon(uow: Any, ref: Any, before: Any) -> str | None:
    """In the sweep's transaction: mark the evidence UPLOAD_ABANDONED if it still waits for its file."""
    dispute_ref = ref.parent.parent
    if dispute_ref is None or dispute_ref.parent.id != disputes.DISPUTES:     # another `evidence` collection
        return None
    snapshot = uow.get(ref)
    current = snapshot.to_dict() if snapshot.exists else None
    if current is None or not upload_sweep.is_abandoned(current, before):
        return None
    dispute = uow.get(dispute_ref)
    org_id = (dispute.to_dict() or {}).get("orgId") if dispute.exists else None
    update = stamp_update(upload_sweep.abandoned_fields(clock.now()), SYSTEM.user_id, int(current.get("version") or 1))
    uow.update(ref, update)
    uow.audit("dispute.evidence_abandoned", ENTITY, ref.id, before={"status": current["status"]},
              after={"status": UPLOAD_ABANDONED, "uploadExpiresAt": current.get("uploadExpiresAt")},
              disputeId=dispute_ref.id, orgId=org_id)
    return str(current["objectName"])


def sweep_abandoned_evidence(limit: int = upload_sweep.LIMIT) -> dict[str, Any]:
    """The `dispute-evidence-upload-sweep` job: evidence still PENDING_UPLOAD an hour after its upload
    expired becomes UPLOAD_ABANDONED, its object deleted."""
    return upload_sweep.sweep(ENTITY, client().collection_group(disputes.EVIDENCE), _abandon, limit=limit)
