"""HTTP routes of the `contracts` function: mapping only, rules live in the services.

Reads are shared by back office and partner users (`contracts:read`; a partner sees only contracts it
is a party to, 404 otherwise); changes are back office only.
"""
from __future__ import annotations

from typing import Any

import functions.contracts.routes_commissions  # noqa: F401 - registers its routes on `router`
import functions.contracts.routes_disputes  # noqa: F401 - registers its routes on `router`
import functions.contracts.routes_invoices  # noqa: F401 - registers its routes on `router`
import functions.contracts.routes_payments  # noqa: F401 - registers its routes on `router`
from functions.contracts import access, documents, service, store
from functions.contracts.models import (
    AmendmentIn,
    ContractIn,
    ContractOut,
    ContractPage,
    ContractQuery,
    PdfLinkOut,
    ReasonIn,
    VersionOut,
    VersionPage,
)
from functions.contracts.routes_common import router
from shared.http import ApiRequest, ApiResponse
from shared.http.etag import etag
from shared.models import PageQuery

TAGS = ("contracts",)
_CHANGE_ERRORS = {403: ("PERMISSION_DENIED", "MAKER_CHECKER"), 404: ("CONTRACT_NOT_FOUND",),
                  409: ("INVALID_TRANSITION",), 412: ("STALE_VERSION",)}


def contract_response(contract_id: str, data: dict[str, Any], status: int = 200) -> ApiResponse:
    body = ContractOut.model_validate(store.contract_out(contract_id, data)).model_dump(mode="json", by_alias=True)
    return ApiResponse(body, status, {"ETag": etag(data.get("version", 1))})


@router.post("/api/contracts", permission=access.MANAGE, body=ContractIn, response=ContractOut, status=201,
             idempotent=True, tags=TAGS,
             errors={404: ("ORGANIZATION_NOT_FOUND", "PARTNER_NOT_FOUND", "COMMODITY_NOT_FOUND"),
                     409: ("FINANCIAL_YEAR_CLOSED", "PARTNER_CANNOT_TRADE"),
                     422: ("SAME_PARTY", "UNKNOWN_TERM", "UNKNOWN_VARIETY", "UNKNOWN_PARAMETER",
                           "PARAMETERS_OUT_OF_RANGE", "FINANCIAL_YEAR_NOT_FOUND")})
def create_contract(req: ApiRequest) -> ApiResponse:
    """Enter a sales contract by hand (back office): a DRAFT with the masters' terms in force copied."""
    contract_id, data = service.create(req.body, access.back_office(req.user, access.MANAGE), req.actor)
    return contract_response(contract_id, data, 201)


@router.get("/api/contracts", permission=access.READ, query=ContractQuery, response=ContractPage, tags=TAGS)
def list_contracts(req: ApiRequest) -> ContractPage:
    """Contracts the caller may see, newest first (a partner: those it is a party to)."""
    snapshots, token = service.list_contracts(req.query, access.viewer(req.user))
    return ContractPage(items=[ContractOut.model_validate(store.contract_out(s.id, s.to_dict() or {}))
                               for s in snapshots], next_page_token=token)


@router.get("/api/contracts/{contractId}", permission=access.READ, response=ContractOut, tags=TAGS,
            errors={404: ("CONTRACT_NOT_FOUND",)})
def get_contract(req: ApiRequest, contractId: str) -> ApiResponse:
    """One contract (404 outside the caller's scope)."""
    return contract_response(contractId, service.get(contractId, access.viewer(req.user)))


@router.post("/api/contracts/{contractId}/submit", permission=access.MANAGE, response=ContractOut, tags=TAGS,
             errors=_CHANGE_ERRORS)
def submit_contract(req: ApiRequest, contractId: str) -> ApiResponse:
    """Submit a draft for approval (DRAFT → PENDING_APPROVAL); honours If-Match."""
    data = service.submit(contractId, access.back_office(req.user, access.MANAGE), req.actor, req.if_match)
    return contract_response(contractId, data)


@router.post("/api/contracts/{contractId}/approve", permission=access.APPROVE, response=ContractOut, tags=TAGS,
             errors=_CHANGE_ERRORS)
def approve_contract(req: ApiRequest, contractId: str) -> ApiResponse:
    """Approve (maker-checker): a submitted contract becomes ACTIVE as version 1, or its pending
    amendment becomes version n+1; whoever entered, submitted or changed it cannot (403 MAKER_CHECKER)."""
    data = service.approve(contractId, access.back_office(req.user, access.APPROVE), req.actor, req.if_match)
    return contract_response(contractId, data)


@router.post("/api/contracts/{contractId}/cancel", permission=access.MANAGE, body=ReasonIn, response=ContractOut,
             tags=TAGS, errors=_CHANGE_ERRORS)
def cancel_contract(req: ApiRequest, contractId: str) -> ApiResponse:
    """Cancel a contract with a reason (not once COMPLETED, CANCELLED or DISPUTED)."""
    data = service.cancel(contractId, req.body.reason, access.back_office(req.user, access.MANAGE), req.actor,
                          req.if_match)
    return contract_response(contractId, data)


@router.post("/api/contracts/{contractId}/amendments", permission=access.MANAGE, body=AmendmentIn,
             response=ContractOut, tags=TAGS,
             errors={**_CHANGE_ERRORS, 409: ("CONTRACT_NOT_AMENDABLE", "AMENDMENT_PENDING", "STALE_VERSION"),
                     422: ("NO_CHANGES", "UNKNOWN_TERM", "PARAMETERS_OUT_OF_RANGE")})
def amend_contract(req: ApiRequest, contractId: str) -> ApiResponse:
    """Propose an amendment with a reason: it waits as `pendingAmendment` (with its diff) until another
    user approves it as version n+1."""
    data = service.amend(contractId, req.body, access.back_office(req.user, access.MANAGE), req.actor, req.if_match)
    return contract_response(contractId, data)


@router.get("/api/contracts/{contractId}/versions", permission=access.READ, query=PageQuery, response=VersionPage,
            tags=TAGS, errors={404: ("CONTRACT_NOT_FOUND",)})
def list_versions(req: ApiRequest, contractId: str) -> VersionPage:
    """The approved versions of a contract, oldest first, each with its reason and diff."""
    viewer = access.viewer(req.user)
    records, token = service.versions(contractId, viewer, req.query.page_size, req.query.page_token)
    ready = documents.ready_versions(contractId, [int(r.get("version") or 0) for r in records])
    return VersionPage(items=[VersionOut.model_validate(store.version_out(r, pdf_ready=int(r.get("version") or 0)
                                                                          in ready, with_snapshot=False))
                              for r in records], next_page_token=token)


@router.get("/api/contracts/{contractId}/versions/{n}", permission=access.READ, response=VersionOut, tags=TAGS,
            errors={404: ("CONTRACT_NOT_FOUND", "CONTRACT_VERSION_NOT_FOUND")})
def get_version(req: ApiRequest, contractId: str, n: str) -> VersionOut:
    """One version: the whole contract as approved, its reason and the diff against the previous one."""
    number = documents.version_number(n)
    record = service.version(contractId, number, access.viewer(req.user))
    ready = documents.ready_versions(contractId, [number])
    return VersionOut.model_validate(store.version_out(record, pdf_ready=number in ready, with_snapshot=True))


@router.get("/api/contracts/{contractId}/versions/{n}/pdf", permission=access.READ, response=PdfLinkOut, tags=TAGS,
            errors={404: ("CONTRACT_NOT_FOUND", "CONTRACT_VERSION_NOT_FOUND"), 409: ("CONTRACT_NOTE_NOT_READY",)})
def get_version_pdf(req: ApiRequest, contractId: str, n: str) -> PdfLinkOut:
    """A short-lived signed URL of the version's PDF contract note (the parties and the back office)."""
    number = documents.version_number(n)
    service.version(contractId, number, access.viewer(req.user))
    return PdfLinkOut.model_validate(documents.download_link(contractId, number))
