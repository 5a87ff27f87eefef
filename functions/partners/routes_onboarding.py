"""Self-service onboarding routes (`/api/onboarding`): public routes authenticated by the application
token (`X-Application-Token`) that starting an application returns; see functions/partners/access.py."""
from __future__ import annotations

from functions.partners import access, branches, documents, service, store, validation
from functions.partners.models import (
    ApplicationStarted,
    ApplicationStartIn,
    ApplicationToken,
    ApplicationTokenIn,
    BranchIn,
    BranchList,
    BranchOut,
    BranchPatch,
    DocumentList,
    DocumentOut,
    DocumentUploadIn,
    DocumentUploadOut,
    PartnerOut,
    ProfileIn,
)
from functions.partners.routes_common import branch_response, partner_response, router
from shared import clock
from shared.http import ApiRequest, ApiResponse
from shared.models import PageQuery

BASE = "/api/onboarding/applications/{applicationId}"
TAGS = ("onboarding",)

# Every route under BASE but the token's reissue reads the X-Application-Token (functions/partners/access.py).
APPLICANT = "applicationToken"       # its security scheme in the OpenAPI document
APPLICANT_ERRORS = {401: ("MISSING_APPLICATION_TOKEN", "INVALID_APPLICATION_TOKEN", "APPLICATION_TOKEN_EXPIRED",
                          "APPLICATION_CLOSED", "APPLICATION_TOKEN_REVOKED")}


def _applicant(req: ApiRequest, application_id: str) -> access.Access:
    return access.for_applicant(req.headers, application_id)


@router.post("/api/onboarding/applications", public=True, body=ApplicationStartIn, response=ApplicationStarted,
             status=201, tags=TAGS)
def start_application(req: ApiRequest) -> ApiResponse:
    """Start an application with the e-mail and mobile verification tokens of /api/auth/otp/verify."""
    started = service.start_application(req.body, req.actor)
    out = ApplicationStarted(application=store.partner_out(started.application_id, started.data, back_office=False,
                                                           missing=validation.missing_for_submission(
                                                               started.data, [])),
                             application_token=started.token,
                             application_token_expires_at=clock.iso(started.token_expires_at) or "")
    return ApiResponse(out, 201)


@router.post(f"{BASE}/token", public=True, body=ApplicationTokenIn, response=ApplicationToken, tags=TAGS)
def reissue_token(req: ApiRequest, applicationId: str) -> ApplicationToken:
    """A new application token (the previous one stops working), proven by a fresh e-mail OTP."""
    token, expires = service.reissue_application_token(applicationId, req.body.email_verification_token, req.actor)
    return ApplicationToken(application_id=applicationId, application_token=token,
                            application_token_expires_at=clock.iso(expires) or "")


@router.get(BASE, public=True, credential=APPLICANT, response=PartnerOut,
             tags=TAGS, errors=APPLICANT_ERRORS)
def get_application(req: ApiRequest, applicationId: str) -> ApiResponse:
    """The application, with what a submission still lacks."""
    data, missing = service.get_partner(applicationId, _applicant(req, applicationId))
    return partner_response(applicationId, data, back_office=False, missing=missing)


@router.patch(BASE, public=True, credential=APPLICANT, body=ProfileIn, response=PartnerOut,
             tags=TAGS, errors=APPLICANT_ERRORS)
def save_application(req: ApiRequest, applicationId: str) -> ApiResponse:
    """Save the draft (fields sent replace the stored ones); honours If-Match."""
    data = service.update_draft(applicationId, req.body, _applicant(req, applicationId), req.actor, req.if_match)
    return partner_response(applicationId, data, back_office=False)


@router.post(f"{BASE}/submit", public=True, credential=APPLICANT, response=PartnerOut,
             tags=TAGS, errors=APPLICANT_ERRORS)
def submit_application(req: ApiRequest, applicationId: str) -> ApiResponse:
    """Submit the application for review."""
    data = service.submit(applicationId, _applicant(req, applicationId), req.actor, req.if_match)
    return partner_response(applicationId, data, back_office=False)


@router.get(f"{BASE}/branches", public=True, credential=APPLICANT, response=BranchList,
             tags=TAGS, errors=APPLICANT_ERRORS)
def list_branches(req: ApiRequest, applicationId: str) -> BranchList:
    """The application's branches."""
    items = branches.list_branches(applicationId, _applicant(req, applicationId))
    return BranchList(items=[store.branch_out(applicationId, bid, data) for bid, data in items])


@router.post(f"{BASE}/branches", public=True, credential=APPLICANT, body=BranchIn, response=BranchOut, status=201,
             tags=TAGS, errors=APPLICANT_ERRORS)
def add_branch(req: ApiRequest, applicationId: str) -> ApiResponse:
    """Add a branch (the first becomes the head office)."""
    branch_id, data = branches.create_branch(applicationId, req.body, _applicant(req, applicationId), req.actor)
    return branch_response(applicationId, branch_id, data, 201)


@router.patch(f"{BASE}/branches/{{branchId}}", public=True, credential=APPLICANT, body=BranchPatch, response=BranchOut,
             tags=TAGS, errors=APPLICANT_ERRORS)
def change_branch(req: ApiRequest, applicationId: str, branchId: str) -> ApiResponse:
    """Change a branch."""
    data = branches.update_branch(applicationId, branchId, req.body, _applicant(req, applicationId), req.actor,
                                  req.if_match)
    return branch_response(applicationId, branchId, data)


@router.post(f"{BASE}/branches/{{branchId}}/make-head-office", public=True, credential=APPLICANT, response=BranchOut,
             tags=TAGS, errors=APPLICANT_ERRORS)
def move_head_office(req: ApiRequest, applicationId: str, branchId: str) -> ApiResponse:
    """Make this branch the head office."""
    data = branches.make_head_office(applicationId, branchId, _applicant(req, applicationId), req.actor)
    return branch_response(applicationId, branchId, data)


@router.delete(f"{BASE}/branches/{{branchId}}", public=True, credential=APPLICANT, status=204,
             tags=TAGS, errors=APPLICANT_ERRORS)
def remove_branch(req: ApiRequest, applicationId: str, branchId: str) -> None:
    """Remove a branch (not the head office)."""
    branches.delete_branch(applicationId, branchId, _applicant(req, applicationId), req.actor)


@router.get(f"{BASE}/documents", public=True, credential=APPLICANT, query=PageQuery, response=DocumentList,
             tags=TAGS, errors=APPLICANT_ERRORS)
def list_documents(req: ApiRequest, applicationId: str) -> DocumentList:
    """The application's documents."""
    items, token = documents.list_documents(applicationId, _applicant(req, applicationId), req.query.page_size,
                                            req.query.page_token)
    return DocumentList(items=[store.document_out(applicationId, did, data) for did, data in items],
                        next_page_token=token)


@router.post(f"{BASE}/documents", public=True, credential=APPLICANT, body=DocumentUploadIn,
             response=DocumentUploadOut, status=201, tags=TAGS, errors=APPLICANT_ERRORS)
def request_upload(req: ApiRequest, applicationId: str) -> ApiResponse:
    """A signed upload URL for one document (PUT within 15 minutes, at most 5 MiB)."""
    document_id, data, upload = documents.request_upload(applicationId, req.body, _applicant(req, applicationId),
                                                         req.actor)
    return ApiResponse(DocumentUploadOut(document=store.document_out(applicationId, document_id, data),
                                         upload=upload), 201)


@router.post(f"{BASE}/documents/{{documentId}}/complete", public=True, credential=APPLICANT, response=DocumentOut,
             tags=TAGS, errors=APPLICANT_ERRORS)
def complete_upload(req: ApiRequest, applicationId: str, documentId: str) -> DocumentOut:
    """Check the uploaded file: VERIFIED_FILE, or deleted and 422."""
    data = documents.complete(applicationId, documentId, _applicant(req, applicationId), req.actor)
    return store.document_out(applicationId, documentId, data)


@router.delete(f"{BASE}/documents/{{documentId}}", public=True, credential=APPLICANT, status=204,
             tags=TAGS, errors=APPLICANT_ERRORS)
def remove_document(req: ApiRequest, applicationId: str, documentId: str) -> None:
    """Soft-delete a document of the application."""
    documents.delete_document(applicationId, documentId, _applicant(req, applicationId), req.actor)
