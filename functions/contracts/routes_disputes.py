"""HTTP routes of disputes (registered on the contracts router): mapping only, rules in disputes.py.

Raising, commenting and adding evidence: `disputes:raise` (back office, and partner users on the
contracts they are a party to: 404 for any other); reading: `disputes:read` (a partner sees only the
SHARED comments); assigning, resolving and closing: back office with `disputes:manage`; withdrawing: a
user of the partner that raised the dispute (`disputes:raise`) or the back office on its behalf
(`disputes:manage`).
"""
from __future__ import annotations

from typing import Any

from functions.contracts import access, dispute_evidence, disputes
from functions.contracts.dispute_models import (
    AssignIn,
    CloseIn,
    CommentIn,
    CommentOut,
    CommentPage,
    DisputeIn,
    DisputeOut,
    DisputePage,
    DisputeQuery,
    DisputeWithdrawIn,
    EvidenceIn,
    EvidenceLinkOut,
    EvidenceOut,
    EvidencePage,
    EvidenceUploadOut,
    ResolveIn,
)
from functions.contracts.routes_common import router
from shared.http import ApiRequest, ApiResponse
from shared.http.etag import etag
from shared.models import PageQuery
from shared.uow import run_in_transaction

READ, RAISE, MANAGE = "disputes:read", disputes.RAISE, disputes.MANAGE
TAGS = ("disputes",)
_NOT_FOUND = {404: ("DISPUTE_NOT_FOUND",)}
_CHANGE_ERRORS = {403: ("PERMISSION_DENIED",), 404: ("DISPUTE_NOT_FOUND",), 409: ("INVALID_TRANSITION",),
                  412: ("STALE_VERSION",)}
_EVIDENCE_ERRORS = {404: ("DISPUTE_NOT_FOUND", "EVIDENCE_NOT_FOUND")}
_ENDED = "DISPUTE_CLOSED"


def _transaction(work: Any, actor: Any) -> Any:
    return run_in_transaction(work, actor)


def dispute_response(dispute_id: str, data: dict[str, Any], status: int = 200) -> ApiResponse:
    body = DisputeOut.model_validate(disputes.dispute_out(dispute_id, data)).model_dump(mode="json", by_alias=True)
    return ApiResponse(body, status, {"ETag": etag(data.get("version", 1))})


@router.post("/api/disputes", permission=RAISE, body=DisputeIn, response=DisputeOut, status=201, idempotent=True,
             tags=TAGS, errors={404: ("CONTRACT_NOT_FOUND", "INVOICE_NOT_FOUND"),
                                409: ("CONTRACT_NOT_DISPUTABLE", "FINANCIAL_YEAR_CLOSED"),
                                422: ("INVOICE_NOT_OF_CONTRACT", "FINANCIAL_YEAR_NOT_FOUND")})
def raise_dispute(req: ApiRequest) -> ApiResponse:
    """Raise a dispute (quality, quantity/weight, payment, delivery) on a contract: OPEN, numbered
    `DSP/25-26/00001` per organization and year; the contract shows DISPUTED while it is open."""
    viewer = access.viewer(req.user, RAISE)
    dispute_id, data = _transaction(lambda uow: disputes.raise_dispute(uow, req.body, viewer), req.actor)
    return dispute_response(dispute_id, data, 201)


@router.get("/api/disputes", permission=READ, query=DisputeQuery, response=DisputePage, tags=TAGS)
def list_disputes(req: ApiRequest) -> DisputePage:
    """Disputes the caller may see, newest first, by status or contract (a partner: its contracts')."""
    snapshots, token = disputes.list_disputes(req.query, access.viewer(req.user, READ))
    return DisputePage(items=[DisputeOut.model_validate(disputes.dispute_out(s.id, s.to_dict() or {}))
                              for s in snapshots], next_page_token=token)


@router.get("/api/disputes/{disputeId}", permission=READ, response=DisputeOut, tags=TAGS, errors=_NOT_FOUND)
def get_dispute(req: ApiRequest, disputeId: str) -> ApiResponse:
    """One dispute (404 outside the caller's scope)."""
    return dispute_response(disputeId, disputes.get(disputeId, access.viewer(req.user, READ)))


@router.post("/api/disputes/{disputeId}/comments", permission=RAISE, body=CommentIn, response=CommentOut,
             status=201, idempotent=True, tags=TAGS,
             errors={403: ("INTERNAL_COMMENT_NOT_ALLOWED",), 404: ("DISPUTE_NOT_FOUND",), 409: (_ENDED,)})
def add_comment(req: ApiRequest, disputeId: str) -> ApiResponse:
    """Comment on a dispute: INTERNAL (back office only) or SHARED (the parties see it too). An ended dispute
    takes none (409 DISPUTE_CLOSED), except the back office's INTERNAL ones once RESOLVED."""
    viewer = access.viewer(req.user, RAISE)
    body: CommentIn = req.body
    comment_id, data = _transaction(lambda uow: disputes.comment(uow, disputeId, body.text, body.visibility, viewer),
                                    req.actor)
    out = CommentOut.model_validate(disputes.comment_out(comment_id, data))
    return ApiResponse(out.model_dump(mode="json", by_alias=True), 201)


@router.get("/api/disputes/{disputeId}/comments", permission=READ, query=PageQuery, response=CommentPage,
            tags=TAGS, errors=_NOT_FOUND)
def list_comments(req: ApiRequest, disputeId: str) -> CommentPage:
    """The dispute's comments, oldest first; a partner sees only the SHARED ones."""
    snapshots, token = disputes.list_comments(disputeId, access.viewer(req.user, READ), req.query.page_size,
                                              req.query.page_token)
    return CommentPage(items=[CommentOut.model_validate(disputes.comment_out(s.id, s.to_dict() or {}))
                              for s in snapshots], next_page_token=token)


@router.post("/api/disputes/{disputeId}/assign", permission=MANAGE, body=AssignIn, response=DisputeOut, tags=TAGS,
             errors={**_CHANGE_ERRORS, 422: ("ASSIGNEE_NOT_DISPUTE_MANAGER",)})
def assign_dispute(req: ApiRequest, disputeId: str) -> ApiResponse:
    """Assign to a dispute manager (a back-office user of the organization with disputes:manage):
    OPEN → UNDER_REVIEW; an UNDER_REVIEW dispute is handed over. Honours If-Match."""
    viewer = access.back_office(req.user, MANAGE)
    data = _transaction(lambda uow: disputes.assign(uow, disputeId, req.body.user_id, viewer, req.if_match),
                        req.actor)
    return dispute_response(disputeId, data)


@router.post("/api/disputes/{disputeId}/resolve", permission=MANAGE, body=ResolveIn, response=DisputeOut,
             idempotent=True, tags=TAGS,
             errors={**_CHANGE_ERRORS, 404: ("DISPUTE_NOT_FOUND", "INVOICE_NOT_FOUND"),
                     409: ("INVALID_TRANSITION", "INVOICE_CANCELLED", "CREDIT_NOTE_DEADLINE", "NOTE_EXCEEDS_BALANCE"),
                     422: ("ADJUSTMENT_NEEDS_INVOICE", "INVOICE_NOT_OF_CONTRACT", "REASON_REQUIRED")})
def resolve_dispute(req: ApiRequest, disputeId: str) -> ApiResponse:
    """Resolve an UNDER_REVIEW dispute with its resolution; an adjustment issues a credit or debit note on
    the dispute's invoice in the same transaction (citing the invoice's number and date). The contract
    returns to its earlier status when no other dispute of it is open. Honours If-Match."""
    viewer = access.back_office(req.user, MANAGE)
    data = _transaction(lambda uow: disputes.resolve(uow, disputeId, req.body, viewer, req.if_match), req.actor)
    return dispute_response(disputeId, data)


@router.post("/api/disputes/{disputeId}/close", permission=MANAGE, body=CloseIn, response=DisputeOut, tags=TAGS,
             errors={**_CHANGE_ERRORS, 422: ("REASON_REQUIRED",)})
def close_dispute(req: ApiRequest, disputeId: str) -> ApiResponse:
    """Close an OPEN or UNDER_REVIEW dispute with a reason (withdrawn, no action); the contract returns to
    its earlier status when no other dispute of it is open. Honours If-Match."""
    viewer = access.back_office(req.user, MANAGE)
    data = _transaction(lambda uow: disputes.close(uow, disputeId, req.body.reason, viewer, req.if_match),
                        req.actor)
    return dispute_response(disputeId, data)


@router.post("/api/disputes/{disputeId}/withdraw", permission=f"{RAISE}|{MANAGE}", body=DisputeWithdrawIn,
             response=DisputeOut, tags=TAGS,
             errors={**_CHANGE_ERRORS, 403: ("PERMISSION_DENIED", "NOT_DISPUTE_RAISER")})
def withdraw_dispute(req: ApiRequest, disputeId: str) -> ApiResponse:
    """Withdraw an OPEN or UNDER_REVIEW dispute, with an optional reason: by a user of the partner that raised
    it, or by the back office (disputes:manage) on its behalf; the other party gets 403. WITHDRAWN is final;
    the contract returns to its earlier status when no other dispute of it is open. Honours If-Match."""
    viewer = disputes.withdrawer(req.user)
    data = _transaction(lambda uow: disputes.withdraw(uow, disputeId, req.body.reason, viewer, req.if_match),
                        req.actor)
    return dispute_response(disputeId, data)


# ---------------------------------------------------------------- evidence

@router.post("/api/disputes/{disputeId}/evidence", permission=RAISE, body=EvidenceIn, response=EvidenceUploadOut,
             status=201, tags=TAGS,
             errors={404: ("DISPUTE_NOT_FOUND",), 409: (_ENDED,), 422: ("UNSUPPORTED_FILE_TYPE", "FILE_TOO_LARGE")})
def request_evidence_upload(req: ApiRequest, disputeId: str) -> ApiResponse:
    """An evidence record and a 15-minute signed PUT URL (content type and 5 MiB bound in the signature)."""
    evidence_id, data, upload = dispute_evidence.request_upload(disputeId, req.body, access.viewer(req.user, RAISE),
                                                                req.actor)
    out = EvidenceUploadOut.model_validate({"evidence": dispute_evidence.evidence_out(evidence_id, data),
                                            "upload": upload})
    return ApiResponse(out.model_dump(mode="json", by_alias=True), 201)


@router.post("/api/disputes/{disputeId}/evidence/{evidenceId}/complete", permission=RAISE, response=EvidenceOut,
             tags=TAGS, errors={**_EVIDENCE_ERRORS, 409: ("EVIDENCE_NOT_PENDING", _ENDED),
                                422: ("UPLOAD_NOT_FOUND", "FILE_TOO_LARGE", "FILE_EMPTY", "FILE_TYPE_UNKNOWN",
                                      "FILE_TYPE_MISMATCH", "CONTENT_TYPE_MISMATCH")})
def complete_evidence_upload(req: ApiRequest, disputeId: str, evidenceId: str) -> EvidenceOut:
    """Check the uploaded file's bytes: VERIFIED_FILE, or deleted and 422."""
    data = dispute_evidence.complete(disputeId, evidenceId, access.viewer(req.user, RAISE), req.actor)
    return EvidenceOut.model_validate(dispute_evidence.evidence_out(evidenceId, data))


@router.get("/api/disputes/{disputeId}/evidence", permission=READ, query=PageQuery, response=EvidencePage, tags=TAGS,
            errors=_NOT_FOUND)
def list_evidence(req: ApiRequest, disputeId: str) -> EvidencePage:
    """The dispute's evidence, newest first."""
    snapshots, token = dispute_evidence.list_evidence(disputeId, access.viewer(req.user, READ), req.query.page_size,
                                                      req.query.page_token)
    return EvidencePage(items=[EvidenceOut.model_validate(dispute_evidence.evidence_out(s.id, s.to_dict() or {}))
                               for s in snapshots], next_page_token=token)


@router.get("/api/disputes/{disputeId}/evidence/{evidenceId}/download", permission=READ, response=EvidenceLinkOut,
            tags=TAGS, errors={**_EVIDENCE_ERRORS, 409: ("EVIDENCE_NOT_AVAILABLE",)})
def download_evidence(req: ApiRequest, disputeId: str, evidenceId: str) -> EvidenceLinkOut:
    """A 5-minute signed download URL of checked evidence (the parties and the back office)."""
    return EvidenceLinkOut.model_validate(dispute_evidence.download(disputeId, evidenceId,
                                                                    access.viewer(req.user, READ)))
