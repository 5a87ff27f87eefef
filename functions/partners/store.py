"""Where partner data lives in Firestore, and how stored documents become API answers.

partners/{id}                    the partner (an application until approved), camelCase fields
partners/{id}/branches/{id}      branches (one head office)
partners/{id}/documents/{id}     uploaded files (objects in Cloud Storage)
partners/{id}/certifications/{id}
partners/{id}/changeRequests/{id}
partners/{id}/versions/{n}       the profile after each applied change (1 = as approved)
partnerKeys/{pan:X | gstin:Y}    unique PAN/GSTIN keys held by submitted and onboarded partners
"""
from __future__ import annotations

from datetime import date
from typing import Any

from functions.partners import eligibility
from functions.partners.kyc_rules import days_overdue
from functions.partners.models import (
    BranchOut,
    CertificationOut,
    ChangeRequestOut,
    DocumentOut,
    KycOut,
    PartnerOut,
    VersionOut,
)
from shared import clock
from shared.db import collection
from shared.errors import NotFound

PARTNERS = "partners"
BRANCHES = "branches"
DOCUMENTS = "documents"
CERTIFICATIONS = "certifications"
CHANGE_REQUESTS = "changeRequests"
VERSIONS = "versions"
KEYS = "partnerKeys"


def partners():
    return collection(PARTNERS)


def partner_ref(partner_id: str):
    return partners().document(partner_id)


def child(partner_id: str, name: str):
    return partner_ref(partner_id).collection(name)


def key_ref(key: str):
    return collection(KEYS).document(key)


def parse_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def live(snapshot: Any) -> dict[str, Any] | None:
    """The document's data, or None when missing or soft-deleted."""
    if snapshot is None or not snapshot.exists:
        return None
    data = snapshot.to_dict() or {}
    return None if data.get("deletedAt") else data


_MISSING = {BRANCHES: ("BRANCH_NOT_FOUND", "branch"), DOCUMENTS: ("DOCUMENT_NOT_FOUND", "document"),
            CERTIFICATIONS: ("CERTIFICATION_NOT_FOUND", "certification"),
            CHANGE_REQUESTS: ("CHANGE_REQUEST_NOT_FOUND", "change request")}


def live_child(partner_id: str, name: str, child_id: str, uow: Any = None, *, visible: bool = True
               ) -> dict[str, Any]:
    """A live branch, document, certification or change request of the partner (read in `uow` when
    given); 404 when missing, soft-deleted or not `visible` to the caller."""
    ref = child(partner_id, name).document(child_id)
    data = live(uow.get(ref) if uow is not None else ref.get())
    if data is None or not visible:
        code, noun = _MISSING[name]
        raise NotFound(code, f"No such {noun}")
    return data


# ---------------------------------------------------------------- presenters

def kyc_out(partner: dict[str, Any]) -> KycOut | None:
    kyc = partner.get("kyc")
    if not kyc:
        return None
    due = parse_date(kyc.get("dueDate"))

    return KycOut(status=kyc.get("status", "NOT_VERIFIED"), verified_at=clock.iso(kyc.get("verifiedAt")),
                  verified_by=kyc.get("verifiedBy"), due_date=due,
                  days_overdue=days_overdue(due, clock.today_india()),
                  documents_checked=list(kyc.get("documentsChecked") or []), notes=kyc.get("notes"))


def partner_out(partner_id: str, data: dict[str, Any], *, back_office: bool = True,
                missing: list[str] | None = None) -> PartnerOut:
    applicant = data.get("applicant")
    return PartnerOut(
        id=partner_id, code=data.get("code"), status=data["status"], status_reason=data.get("statusReason"),
        source=data.get("source", "BACK_OFFICE"), kind=data.get("kind"), legal_name=data.get("legalName"),
        trade_name=data.get("tradeName"), address=data.get("address"), pan=data.get("pan"),
        gstins=list(data.get("gstins") or []), bank_account=data.get("bankAccount"),
        contacts=list(data.get("contacts") or []), website=data.get("website"),
        applicant=applicant, head_office_branch_id=data.get("headOfficeBranchId"),
        review_comments=list(data.get("reviewComments") or []), review_message=data.get("reviewMessage"),
        rejection_reason=data.get("rejectionReason"), missing_for_submission=missing or [],
        kyc=kyc_out(data), can_trade=eligibility.can_trade(data), primary_user_id=data.get("primaryUserId"),
        created_by=data.get("createdBy") if back_office else None,
        submitted_by=data.get("submittedBy") if back_office else None,
        approved_by=data.get("approvedBy") if back_office else None,
        submitted_at=clock.iso(data.get("submittedAt")), approved_at=clock.iso(data.get("approvedAt")),
        created_at=clock.iso(data.get("createdAt")), updated_at=clock.iso(data.get("updatedAt")),
        version=data.get("version", 1), profile_version=data.get("profileVersion", 0),
    )


def branch_out(partner_id: str, branch_id: str, data: dict[str, Any]) -> BranchOut:
    return BranchOut(id=branch_id, partner_id=partner_id, code=data["code"], name=data["name"],
                     address=data["address"], gstin=data.get("gstin"), contact=data.get("contact"),
                     is_head_office=bool(data.get("isHeadOffice")), created_at=clock.iso(data.get("createdAt")),
                     updated_at=clock.iso(data.get("updatedAt")), version=data.get("version", 1))


def document_out(partner_id: str, document_id: str, data: dict[str, Any]) -> DocumentOut:
    return DocumentOut(id=document_id, partner_id=partner_id, document_type=data["documentType"],
                       file_name=data["fileName"], content_type=data["contentType"], file_kind=data["fileKind"],
                       status=data["status"], size_bytes=data.get("sizeBytes"),
                       rejection_reason=data.get("rejectionReason"), uploaded_at=clock.iso(data.get("uploadedAt")),
                       verified_at=clock.iso(data.get("verifiedAt")), created_at=clock.iso(data.get("createdAt")),
                       created_by=data.get("createdBy"))


def certification_visible(data: dict[str, Any], today: date | None = None) -> bool:
    """Shown in trade only while verified and not expired."""
    expiry = parse_date(data.get("expiryDate"))
    return (data.get("status") == "VERIFIED" and not data.get("deletedAt") and expiry is not None
            and expiry >= (today or clock.today_india()))


def certification_out(partner_id: str, cert_id: str, data: dict[str, Any]) -> CertificationOut:
    return CertificationOut(
        id=cert_id, partner_id=partner_id, type=data["type"], number=data["number"], body=data["body"],
        scope=data.get("scope"), issue_date=parse_date(data["issueDate"]), expiry_date=parse_date(data["expiryDate"]),
        document_id=data.get("documentId"), status=data["status"], rejection_reason=data.get("rejectionReason"),
        is_visible_in_trade=certification_visible(data), verified_by=data.get("verifiedBy"),
        verified_at=clock.iso(data.get("verifiedAt")), created_at=clock.iso(data.get("createdAt")),
        updated_at=clock.iso(data.get("updatedAt")), version=data.get("version", 1))


def change_request_out(partner_id: str, request_id: str, data: dict[str, Any]) -> ChangeRequestOut:
    return ChangeRequestOut(
        id=request_id, partner_id=partner_id, status=data["status"], applied_changes=data.get("appliedChanges") or {},
        pending_changes=data.get("pendingChanges") or {}, reason=data.get("reason"),
        decision_reason=data.get("decisionReason"), requested_by=data.get("createdBy"),
        decided_by=data.get("decidedBy"), applied_version=data.get("appliedVersion"),
        created_at=clock.iso(data.get("createdAt")), decided_at=clock.iso(data.get("decidedAt")))


def version_out(data: dict[str, Any]) -> VersionOut:
    return VersionOut(number=data["number"], profile=data.get("profile") or {},
                      changed_fields=list(data.get("changedFields") or []),
                      change_request_id=data.get("changeRequestId"), reason=data.get("reason"),
                      created_at=clock.iso(data.get("createdAt")), created_by=data.get("createdBy"))


def cond(field: str, op: str, value: Any) -> Any:
    """A query filter (the keyword form the client prefers over positional `where` arguments)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, op, value)
