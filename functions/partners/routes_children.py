"""Routes for what a partner owns: branches, documents, certifications, change requests, versions.

Back-office users need the named back-office permission; partner users need `self:profile` and reach
only their own partner (functions/partners/access.py).
"""
from __future__ import annotations

from functions.partners import access, branches, certifications, changes, documents, store
from functions.partners.models import (
    AllChangeRequestsQuery,
    BranchIn,
    BranchList,
    BranchOut,
    BranchPatch,
    CertificationIn,
    CertificationList,
    CertificationOut,
    CertificationPatch,
    ChangeRequestIn,
    ChangeRequestList,
    ChangeRequestOut,
    ChangeRequestQuery,
    DiffOut,
    DiffQuery,
    DocumentList,
    DocumentOut,
    DocumentUploadIn,
    DocumentUploadOut,
    DownloadOut,
    ReasonIn,
    VersionList,
    VersionOut,
)
from functions.partners.routes_common import READ, branch_response, router
from shared.errors import NotFound
from shared.http import ApiRequest, ApiResponse
from shared.http.etag import etag
from shared.models import PageQuery

WRITE = "partners:create|partners:update|self:profile"
BACK_OFFICE_WRITE = "partners:create|partners:update"
BASE = "/api/partners/{partnerId}"


def _scope(req: ApiRequest, partner_id: str, back_office_permission: str) -> access.Access:
    return access.for_principal(req.user, partner_id, back_office_permission)


# ---------------------------------------------------------------- branches

@router.get(f"{BASE}/branches", permission=READ, response=BranchList, tags=("branches",))
def list_branches(req: ApiRequest, partnerId: str) -> BranchList:
    """A partner's branches, head office first."""
    items = branches.list_branches(partnerId, _scope(req, partnerId, "partners:read"))
    return BranchList(items=[store.branch_out(partnerId, bid, data) for bid, data in items])


@router.post(f"{BASE}/branches", permission=WRITE, body=BranchIn, response=BranchOut, status=201,
             idempotent=True, tags=("branches",))
def create_branch(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Add a branch (the first one, or one marked so, becomes the head office)."""
    branch_id, data = branches.create_branch(partnerId, req.body, _scope(req, partnerId, BACK_OFFICE_WRITE),
                                             req.actor)
    return branch_response(partnerId, branch_id, data, 201)


@router.get(f"{BASE}/branches/{{branchId}}", permission=READ, response=BranchOut, tags=("branches",))
def get_branch(req: ApiRequest, partnerId: str, branchId: str) -> ApiResponse:
    """One branch."""
    data = branches.get_branch(partnerId, branchId, _scope(req, partnerId, "partners:read"))
    return branch_response(partnerId, branchId, data)


@router.patch(f"{BASE}/branches/{{branchId}}", permission=WRITE, body=BranchPatch, response=BranchOut,
              tags=("branches",))
def update_branch(req: ApiRequest, partnerId: str, branchId: str) -> ApiResponse:
    """Change a branch; honours If-Match."""
    data = branches.update_branch(partnerId, branchId, req.body, _scope(req, partnerId, BACK_OFFICE_WRITE),
                                  req.actor, req.if_match)
    return branch_response(partnerId, branchId, data)


@router.post(f"{BASE}/branches/{{branchId}}/make-head-office", permission=WRITE, response=BranchOut,
             tags=("branches",))
def make_head_office(req: ApiRequest, partnerId: str, branchId: str) -> ApiResponse:
    """Move the head office to this branch (one call, one transaction)."""
    data = branches.make_head_office(partnerId, branchId, _scope(req, partnerId, BACK_OFFICE_WRITE), req.actor)
    return branch_response(partnerId, branchId, data)


@router.delete(f"{BASE}/branches/{{branchId}}", permission=WRITE, status=204, tags=("branches",))
def delete_branch(req: ApiRequest, partnerId: str, branchId: str) -> None:
    """Remove a branch (not the head office)."""
    branches.delete_branch(partnerId, branchId, _scope(req, partnerId, BACK_OFFICE_WRITE), req.actor)


# ---------------------------------------------------------------- documents

@router.post(f"{BASE}/documents", permission=WRITE, body=DocumentUploadIn, response=DocumentUploadOut, status=201,
             tags=("documents",))
def request_upload(req: ApiRequest, partnerId: str) -> ApiResponse:
    """A document record and a 15-minute signed PUT URL (content type and 5 MiB bound in the signature)."""
    document_id, data, upload = documents.request_upload(partnerId, req.body,
                                                         _scope(req, partnerId, BACK_OFFICE_WRITE), req.actor)
    return ApiResponse(DocumentUploadOut(document=store.document_out(partnerId, document_id, data), upload=upload), 201)


@router.post(f"{BASE}/documents/{{documentId}}/complete", permission=WRITE, response=DocumentOut,
             tags=("documents",))
def complete_upload(req: ApiRequest, partnerId: str, documentId: str) -> DocumentOut:
    """Check the uploaded file (size, magic bytes): VERIFIED_FILE, or deleted and 422."""
    data = documents.complete(partnerId, documentId, _scope(req, partnerId, BACK_OFFICE_WRITE), req.actor)
    return store.document_out(partnerId, documentId, data)


@router.get(f"{BASE}/documents", permission="partners:read|documents:read|self:profile", query=PageQuery,
            response=DocumentList, tags=("documents",))
def list_documents(req: ApiRequest, partnerId: str) -> DocumentList:
    """A partner's documents, newest first."""
    items, token = documents.list_documents(partnerId, _scope(req, partnerId, "partners:read|documents:read"),
                                            req.query.page_size, req.query.page_token)
    return DocumentList(items=[store.document_out(partnerId, did, data) for did, data in items], next_page_token=token)


@router.get(f"{BASE}/documents/{{documentId}}", permission="partners:read|documents:read|self:profile",
            response=DocumentOut, tags=("documents",))
def get_document(req: ApiRequest, partnerId: str, documentId: str) -> DocumentOut:
    """One document's record."""
    data = documents.get_document(partnerId, documentId, _scope(req, partnerId, "partners:read|documents:read"))
    return store.document_out(partnerId, documentId, data)


@router.get(f"{BASE}/documents/{{documentId}}/download", permission="documents:read|self:profile",
            response=DownloadOut, tags=("documents",))
def download_document(req: ApiRequest, partnerId: str, documentId: str) -> DownloadOut:
    """A 5-minute signed download URL (the partner's users and back office with documents:read)."""
    url, expires = documents.download(partnerId, documentId, _scope(req, partnerId, "documents:read"))
    return DownloadOut(url=url, expires_at=expires)


@router.delete(f"{BASE}/documents/{{documentId}}", permission=WRITE, status=204, tags=("documents",))
def delete_document(req: ApiRequest, partnerId: str, documentId: str) -> None:
    """Soft-delete a document."""
    documents.delete_document(partnerId, documentId, _scope(req, partnerId, BACK_OFFICE_WRITE), req.actor)


# ---------------------------------------------------------------- certifications

def certification_response(partner_id: str, cert_id: str, data: dict, status: int = 200) -> ApiResponse:
    return ApiResponse(store.certification_out(partner_id, cert_id, data), status,
                       {"ETag": etag(data.get("version", 1))})


@router.get(f"{BASE}/certifications", permission=READ, query=PageQuery, response=CertificationList,
            tags=("certifications",))
def list_certifications(req: ApiRequest, partnerId: str) -> CertificationList:
    """A partner's certifications, soonest expiry first."""
    items, token = certifications.list_for(partnerId, _scope(req, partnerId, "partners:read"), req.query.page_size,
                                           req.query.page_token)
    return CertificationList(items=[store.certification_out(partnerId, cid, data) for cid, data in items],
                             next_page_token=token)


@router.post(f"{BASE}/certifications", permission=WRITE, body=CertificationIn, response=CertificationOut,
             status=201, idempotent=True, tags=("certifications",))
def create_certification(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Add a certification (PENDING until the back office verifies it)."""
    cert_id, data = certifications.create(partnerId, req.body, _scope(req, partnerId, BACK_OFFICE_WRITE), req.actor)
    return certification_response(partnerId, cert_id, data, 201)


@router.get(f"{BASE}/certifications/{{certificationId}}", permission=READ, response=CertificationOut,
            tags=("certifications",))
def get_certification(req: ApiRequest, partnerId: str, certificationId: str) -> ApiResponse:
    """One certification."""
    data = certifications.get(partnerId, certificationId, _scope(req, partnerId, "partners:read"))
    return certification_response(partnerId, certificationId, data)


@router.patch(f"{BASE}/certifications/{{certificationId}}", permission=WRITE, body=CertificationPatch,
              response=CertificationOut, tags=("certifications",))
def update_certification(req: ApiRequest, partnerId: str, certificationId: str) -> ApiResponse:
    """Change a certification (a verified one goes back to PENDING); honours If-Match."""
    data = certifications.update(partnerId, certificationId, req.body, _scope(req, partnerId, BACK_OFFICE_WRITE),
                                 req.actor, req.if_match)
    return certification_response(partnerId, certificationId, data)


@router.delete(f"{BASE}/certifications/{{certificationId}}", permission=WRITE, status=204,
               tags=("certifications",))
def delete_certification(req: ApiRequest, partnerId: str, certificationId: str) -> None:
    """Soft-delete a certification."""
    certifications.delete(partnerId, certificationId, _scope(req, partnerId, BACK_OFFICE_WRITE), req.actor)


@router.post(f"{BASE}/certifications/{{certificationId}}/verify", permission="kyc:verify",
             response=CertificationOut, tags=("certifications",))
def verify_certification(req: ApiRequest, partnerId: str, certificationId: str) -> ApiResponse:
    """Back office: the certification is genuine and current."""
    data = certifications.decide(partnerId, certificationId, True, None,
                                 access.for_back_office(req.user, "kyc:verify"), req.actor)
    return certification_response(partnerId, certificationId, data)


@router.post(f"{BASE}/certifications/{{certificationId}}/reject", permission="kyc:verify", body=ReasonIn,
             response=CertificationOut, tags=("certifications",))
def reject_certification(req: ApiRequest, partnerId: str, certificationId: str) -> ApiResponse:
    """Back office: refuse a certification, with a reason."""
    data = certifications.decide(partnerId, certificationId, False, req.body.reason,
                                 access.for_back_office(req.user, "kyc:verify"), req.actor)
    return certification_response(partnerId, certificationId, data)


# ---------------------------------------------------------------- change requests and versions

@router.get("/api/partners/change-requests", permission="partners:read", query=AllChangeRequestsQuery,
            response=ChangeRequestList, tags=("change requests",))
def list_all_change_requests(req: ApiRequest) -> ChangeRequestList:
    """Back office: change requests of every partner in one status (PENDING by default), newest first."""
    access.for_back_office(req.user, "partners:read")
    items, token = changes.list_all(req.query.status, req.query.page_size, req.query.page_token)
    return ChangeRequestList(items=[store.change_request_out(pid, rid, data) for pid, rid, data in items],
                             next_page_token=token)


@router.post(f"{BASE}/change-requests", permission="partners:update|self:profile", body=ChangeRequestIn,
             response=ChangeRequestOut, status=201, idempotent=True, tags=("change requests",))
def propose_change(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Propose profile changes: contact fields apply at once, compliance fields wait for approval."""
    request_id, data = changes.propose(partnerId, req.body, _scope(req, partnerId, "partners:update"), req.actor)
    return ApiResponse(store.change_request_out(partnerId, request_id, data), 201)


@router.get(f"{BASE}/change-requests", permission=READ, query=ChangeRequestQuery, response=ChangeRequestList,
            tags=("change requests",))
def list_change_requests(req: ApiRequest, partnerId: str) -> ChangeRequestList:
    """A partner's change requests, newest first."""
    items, token = changes.list_for(partnerId, _scope(req, partnerId, "partners:read"), req.query.status,
                                    req.query.page_size, req.query.page_token)
    return ChangeRequestList(items=[store.change_request_out(pid, rid, data) for pid, rid, data in items],
                             next_page_token=token)


@router.get(f"{BASE}/change-requests/{{requestId}}", permission=READ, response=ChangeRequestOut,
            tags=("change requests",))
def get_change_request(req: ApiRequest, partnerId: str, requestId: str) -> ChangeRequestOut:
    """One change request."""
    data = changes.get(partnerId, requestId, _scope(req, partnerId, "partners:read"))
    return store.change_request_out(partnerId, requestId, data)


@router.post(f"{BASE}/change-requests/{{requestId}}/approve", permission="partners:approve",
             response=ChangeRequestOut, tags=("change requests",))
def approve_change(req: ApiRequest, partnerId: str, requestId: str) -> ChangeRequestOut:
    """Apply the compliance changes (maker-checker) as a new version."""
    data = changes.decide(partnerId, requestId, True, None, access.for_back_office(req.user, "partners:approve"),
                          req.actor)
    return store.change_request_out(partnerId, requestId, data)


@router.post(f"{BASE}/change-requests/{{requestId}}/reject", permission="partners:approve", body=ReasonIn,
             response=ChangeRequestOut, tags=("change requests",))
def reject_change(req: ApiRequest, partnerId: str, requestId: str) -> ChangeRequestOut:
    """Refuse the compliance changes, with a reason."""
    data = changes.decide(partnerId, requestId, False, req.body.reason,
                          access.for_back_office(req.user, "partners:approve"), req.actor)
    return store.change_request_out(partnerId, requestId, data)


@router.get(f"{BASE}/versions", permission=READ, query=PageQuery, response=VersionList, tags=("versions",))
def list_versions(req: ApiRequest, partnerId: str) -> VersionList:
    """The partner's profile versions, newest first."""
    items, token = changes.list_versions(partnerId, _scope(req, partnerId, "partners:read"), req.query.page_size,
                                         req.query.page_token)
    return VersionList(items=[store.version_out(data) for data in items], next_page_token=token)


@router.get(f"{BASE}/versions/diff", permission=READ, query=DiffQuery, response=DiffOut, tags=("versions",))
def diff_versions(req: ApiRequest, partnerId: str) -> DiffOut:
    """What changed between two versions (`from`, `to`)."""
    first, second = req.query.from_version, req.query.to_version
    items = changes.version_diff(partnerId, first, second, _scope(req, partnerId, "partners:read"))
    return DiffOut(from_version=first, to_version=second, changes=items)


@router.get(f"{BASE}/versions/{{number}}", permission=READ, response=VersionOut, tags=("versions",))
def get_version(req: ApiRequest, partnerId: str, number: str) -> VersionOut:
    """One profile version."""
    if not number.isdigit() or int(number) < 1:
        raise NotFound("VERSION_NOT_FOUND", "No such version")
    return store.version_out(changes.get_version(partnerId, int(number), _scope(req, partnerId, "partners:read")))
