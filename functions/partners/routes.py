"""HTTP routes of the `partners` function: mapping only, rules live in the services.

Routes shared by back-office and partner users declare both permissions (`partners:read|self:profile`);
the services then check the row scope (a partner user only ever reaches its own partner: 404 otherwise).
Self-service onboarding routes are in routes_onboarding.py, branches/documents/certifications/change
requests/versions in routes_children.py.
"""
from __future__ import annotations

import functions.partners.routes_children  # noqa: F401 - registers its routes on `router`
import functions.partners.routes_onboarding  # noqa: F401 - registers its routes on `router`
from functions.partners import access, queries, service, store, validation
from functions.partners.models import (
    KycDueItem,
    KycDuePage,
    KycDueQuery,
    KycVerifyIn,
    PartnerOut,
    PartnerPage,
    PartnerSearchQuery,
    ProfileIn,
    ReasonIn,
    RequestChangesIn,
)
from functions.partners.routes_common import READ, partner_response, router
from shared import clock
from shared.http import ApiRequest, ApiResponse


@router.post("/api/partners", permission="partners:create", body=ProfileIn, response=PartnerOut, status=201,
             idempotent=True, tags=("partners",))
def create_partner(req: ApiRequest) -> ApiResponse:
    """Back-office onboarding: create a draft partner."""
    partner_id, data = service.create_draft(req.body, access.for_back_office(req.user, "partners:create"), req.actor)
    missing = validation.missing_for_submission(data, [])
    return partner_response(partner_id, data, status=201, missing=missing)


@router.get("/api/partners", permission="partners:read", query=PartnerSearchQuery, response=PartnerPage,
            tags=("partners",))
def search_partners(req: ApiRequest) -> PartnerPage:
    """Search partners and applications by status, kind, state and name/code prefix."""
    access.for_back_office(req.user, "partners:read")
    snapshots, token = queries.search(req.query)
    return PartnerPage(items=[store.partner_out(s.id, s.to_dict()) for s in snapshots], next_page_token=token)


@router.get("/api/partners/me", permission="self:profile", response=PartnerOut, tags=("partners",))
def my_partner(req: ApiRequest) -> ApiResponse:
    """The signed-in partner user's own partner."""
    partner_id = req.user.partner_id or ""
    if req.user.kind != "partner" or not partner_id:
        raise access.not_found()
    data, _ = service.get_partner(partner_id, access.for_principal(req.user, partner_id, "partners:read"))
    return partner_response(partner_id, data, back_office=False)


@router.get("/api/partners/{partnerId}", permission=READ, response=PartnerOut, tags=("partners",))
def get_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """One partner or application."""
    scope = access.for_principal(req.user, partnerId, "partners:read")
    data, missing = service.get_partner(partnerId, scope)
    return partner_response(partnerId, data, back_office=scope.back_office, missing=missing)


@router.patch("/api/partners/{partnerId}", permission="partners:create", body=ProfileIn, response=PartnerOut,
              tags=("partners",))
def update_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Save a draft (or an application sent back for changes); honours If-Match."""
    scope = access.for_back_office(req.user, "partners:create")
    data = service.update_draft(partnerId, req.body, scope, req.actor, req.if_match)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/submit", permission="partners:create", response=PartnerOut,
             tags=("partners",))
def submit_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Submit a complete application for review (reserves its PAN and GSTINs)."""
    data = service.submit(partnerId, access.for_back_office(req.user, "partners:create"), req.actor, req.if_match)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/start-review", permission="partners:approve", response=PartnerOut,
             tags=("review",))
def start_review(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Take a submitted application into review."""
    data = service.start_review(partnerId, access.for_back_office(req.user, "partners:approve"), req.actor)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/approve", permission="partners:approve", response=PartnerOut,
             tags=("review",), errors={403: ("MAKER_CHECKER",)})
def approve_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Approve (maker-checker): partner code, primary user, PartnerApproved, then the invite e-mail.

    Whoever created, changed (profile, PAN, GSTINs, bank account, branches) or submitted the application
    cannot approve it (403 MAKER_CHECKER).
    """
    data = service.approve(partnerId, access.for_back_office(req.user, "partners:approve"), req.actor)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/reject", permission="partners:approve", body=ReasonIn, response=PartnerOut,
             tags=("review",))
def reject_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Reject an application with a reason (its PAN and GSTINs are released)."""
    data = service.reject(partnerId, req.body.reason, access.for_back_office(req.user, "partners:approve"),
                          req.actor)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/request-changes", permission="partners:approve", body=RequestChangesIn,
             response=PartnerOut, tags=("review",))
def request_changes(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Send an application back with comments per field."""
    data = service.request_changes(partnerId, req.body.comments, req.body.message,
                                   access.for_back_office(req.user, "partners:approve"), req.actor)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/suspend", permission="partners:update", body=ReasonIn, response=PartnerOut,
             tags=("partners",))
def suspend_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """ACTIVE → SUSPENDED with a reason: the partner cannot trade."""
    data = service.change_status(partnerId, "SUSPENDED", req.body.reason,
                                 access.for_back_office(req.user, "partners:update"), req.actor)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/reactivate", permission="partners:update", body=ReasonIn,
             response=PartnerOut, tags=("partners",))
def reactivate_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """SUSPENDED → ACTIVE with a reason (refused while the KYC is 30+ days overdue)."""
    data = service.change_status(partnerId, "ACTIVE", req.body.reason,
                                 access.for_back_office(req.user, "partners:update"), req.actor)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/blacklist", permission="partners:blacklist", body=ReasonIn,
             response=PartnerOut, tags=("partners",))
def blacklist_partner(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Any status → BLACKLISTED with a reason; its PAN/GSTINs stay taken."""
    data = service.change_status(partnerId, "BLACKLISTED", req.body.reason,
                                 access.for_back_office(req.user, "partners:blacklist"), req.actor)
    return partner_response(partnerId, data)


@router.post("/api/partners/{partnerId}/kyc/verify", permission="kyc:verify", body=KycVerifyIn,
             response=PartnerOut, tags=("kyc",))
def verify_kyc(req: ApiRequest, partnerId: str) -> ApiResponse:
    """Record a KYC verification and the documents checked; due again in 12 months."""
    data = service.record_kyc_verification(partnerId, req.body.document_ids, req.body.notes,
                                           access.for_back_office(req.user, "kyc:verify"), req.actor)
    return partner_response(partnerId, data)


@router.get("/api/kyc/due", permission="partners:read", query=KycDueQuery, response=KycDuePage, tags=("kyc",))
def kyc_due(req: ApiRequest) -> KycDuePage:
    """Onboarded partners whose KYC falls due within `withinDays` (overdue included), soonest first."""
    access.for_back_office(req.user, "partners:read")
    snapshots, token = queries.kyc_due(req.query.within_days, req.query.page_size, req.query.page_token)
    today = clock.today_india()
    items = []
    for snapshot in snapshots:
        data = snapshot.to_dict()
        due = store.parse_date(data["kyc"]["dueDate"])
        items.append(KycDueItem(partner_id=snapshot.id, code=data.get("code"), legal_name=data.get("legalName"),
                                status=data["status"], due_date=due, days_until_due=(due - today).days))
    return KycDuePage(items=items, next_page_token=token)

