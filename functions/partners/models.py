"""Request and response shapes of the partners function (camelCase on the wire)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from shared.models import ApiModel, DocId, PageQuery, UploadInstructions

Kind = Literal["BUYER", "SELLER", "TRADER", "SUB_BROKER", "TRANSPORTER", "CONTROLLER"]
Status = Literal["DRAFT", "SUBMITTED", "UNDER_REVIEW", "CHANGES_REQUESTED", "ACTIVE", "REJECTED", "SUSPENDED",
                 "BLACKLISTED"]
DocumentType = Literal["PAN_CARD", "GST_CERTIFICATE", "CANCELLED_CHEQUE", "BANK_STATEMENT", "INCORPORATION_CERTIFICATE",
                       "ADDRESS_PROOF", "CERTIFICATION", "OTHER"]
FileKind = Literal["pdf", "jpeg", "png", "docx", "xlsx"]


class OutModel(ApiModel):
    """Response shapes: built from stored documents, so fields the answer does not show are dropped."""

    model_config = ConfigDict(**{**ApiModel.model_config, "extra": "ignore"})


# ---------------------------------------------------------------- profile pieces (input)

class AddressIn(ApiModel):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    district: str | None = Field(None, max_length=100)
    state: str = Field(min_length=1, max_length=60, description="State name, alias or 2-digit GST state code")
    pincode: str = Field(min_length=1, max_length=10)


class BankAccountIn(ApiModel):
    account_holder_name: str = Field(min_length=1, max_length=200)
    account_number: str = Field(min_length=1, max_length=30)
    ifsc: str = Field(min_length=1, max_length=20)
    bank_name: str | None = Field(None, max_length=120)
    branch_name: str | None = Field(None, max_length=120)


class ContactIn(ApiModel):
    name: str = Field(min_length=1, max_length=120)
    designation: str | None = Field(None, max_length=120)
    email: str | None = Field(None, max_length=254)
    mobile: str | None = Field(None, max_length=20)
    is_primary: bool = False


class ProfileIn(ApiModel):
    """Profile fields of a draft; every field optional, a field sent replaces the stored one."""

    kind: Kind | None = None
    legal_name: str | None = Field(None, min_length=1, max_length=200)
    trade_name: str | None = Field(None, max_length=200)
    address: AddressIn | None = None
    pan: str | None = Field(None, max_length=20)
    gstins: list[str] | None = Field(None, max_length=38)
    bank_account: BankAccountIn | None = None
    contacts: list[ContactIn] | None = Field(None, max_length=20)
    website: str | None = Field(None, max_length=200)


class ApplicationStartIn(ProfileIn):
    """Self-service start: the two verification tokens from /api/auth/otp/verify, the applicant's name."""

    email_verification_token: str = Field(min_length=1, max_length=4000)
    mobile_verification_token: str = Field(min_length=1, max_length=4000)
    applicant_name: str = Field(min_length=1, max_length=120)


class ApplicationTokenIn(ApiModel):
    """A new application token for an applicant who lost theirs: a fresh e-mail verification token."""

    email_verification_token: str = Field(min_length=1, max_length=4000)


# ---------------------------------------------------------------- profile pieces (output)

class AddressOut(OutModel):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    district: str | None = None
    state: str | None = None
    state_code: str | None = None
    pincode: str | None = None


class BankAccountOut(OutModel):
    account_holder_name: str | None = None
    account_number: str | None = None
    ifsc: str | None = None
    bank_name: str | None = None
    branch_name: str | None = None


class ContactOut(OutModel):
    name: str | None = None
    designation: str | None = None
    email: str | None = None
    mobile: str | None = None
    is_primary: bool = False


class ReviewComment(ApiModel):
    field: str = Field(min_length=1, max_length=100)
    comment: str = Field(min_length=1, max_length=2000)


class KycOut(OutModel):
    status: str
    verified_at: str | None = None
    verified_by: str | None = None
    due_date: date | None = None
    days_overdue: int = 0
    documents_checked: list[str] = Field(default_factory=list)
    notes: str | None = None


class ApplicantOut(OutModel):
    name: str | None = None
    email: str | None = None
    mobile: str | None = None


class PartnerOut(OutModel):
    id: str
    code: str | None = None
    status: Status
    status_reason: str | None = None
    source: str
    kind: Kind | None = None
    legal_name: str | None = None
    trade_name: str | None = None
    address: AddressOut | None = None
    pan: str | None = None
    gstins: list[str] = Field(default_factory=list)
    bank_account: BankAccountOut | None = None
    contacts: list[ContactOut] = Field(default_factory=list)
    website: str | None = None
    applicant: ApplicantOut | None = None
    head_office_branch_id: str | None = None
    review_comments: list[ReviewComment] = Field(default_factory=list)
    review_message: str | None = None
    rejection_reason: str | None = None
    missing_for_submission: list[str] = Field(default_factory=list)
    kyc: KycOut | None = None
    can_trade: bool = False
    primary_user_id: str | None = None
    created_by: str | None = None
    submitted_by: str | None = None
    approved_by: str | None = None
    submitted_at: str | None = None
    approved_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    version: int
    profile_version: int = 0


class ApplicationStarted(OutModel):
    application: PartnerOut
    application_token: str
    application_token_expires_at: str


class ApplicationToken(OutModel):
    application_id: str
    application_token: str
    application_token_expires_at: str


class PartnerPage(OutModel):
    items: list[PartnerOut]
    next_page_token: str | None = None


# ---------------------------------------------------------------- review and status

class ReasonIn(ApiModel):
    reason: str = Field(min_length=1, max_length=2000)


class RequestChangesIn(ApiModel):
    comments: list[ReviewComment] = Field(min_length=1, max_length=50)
    message: str | None = Field(None, max_length=2000)


class PartnerSearchQuery(PageQuery):
    status: Status | None = None
    kind: Kind | None = None
    state: str | None = Field(None, max_length=60, description="State name, alias or GST state code")
    q: str | None = Field(None, min_length=1, max_length=100, description="Prefix of the legal name or the code")


# ---------------------------------------------------------------- branches

class BranchIn(ApiModel):
    code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    address: AddressIn
    gstin: str | None = Field(None, max_length=20)
    contact: ContactIn | None = None
    is_head_office: bool = False


class BranchPatch(ApiModel):
    code: str | None = Field(None, min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    name: str | None = Field(None, min_length=1, max_length=200)
    address: AddressIn | None = None
    gstin: str | None = Field(None, max_length=20)
    contact: ContactIn | None = None


class BranchOut(OutModel):
    id: str
    partner_id: str
    code: str
    name: str
    address: AddressOut
    gstin: str | None = None
    contact: ContactOut | None = None
    is_head_office: bool
    created_at: str | None = None
    updated_at: str | None = None
    version: int


class BranchList(OutModel):
    items: list[BranchOut]
    next_page_token: str | None = None


# ---------------------------------------------------------------- documents

class DocumentUploadIn(ApiModel):
    document_type: DocumentType
    file_name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(min_length=1, max_length=120)
    size_bytes: int | None = Field(None, ge=1)


class DocumentOut(OutModel):
    id: str
    partner_id: str
    document_type: DocumentType
    file_name: str
    content_type: str
    file_kind: FileKind
    status: str = Field(description="PENDING_UPLOAD (waiting for the file), VERIFIED_FILE, REJECTED_FILE, or "
                                    "UPLOAD_ABANDONED (never completed: the file was deleted; request a new upload)")
    size_bytes: int | None = None
    rejection_reason: str | None = None
    uploaded_at: str | None = None
    verified_at: str | None = None
    created_at: str | None = None
    created_by: str | None = None


class DocumentUploadOut(OutModel):
    document: DocumentOut
    upload: UploadInstructions


class DocumentList(OutModel):
    items: list[DocumentOut]
    next_page_token: str | None = None


class DownloadOut(OutModel):
    url: str
    expires_at: str


# ---------------------------------------------------------------- KYC

class KycVerifyIn(ApiModel):
    document_ids: list[DocId] = Field(min_length=1, max_length=30)
    notes: str | None = Field(None, max_length=2000)


class KycDueQuery(PageQuery):
    within_days: int = Field(30, ge=0, le=366)


class KycDueItem(OutModel):
    partner_id: str
    code: str | None = None
    legal_name: str | None = None
    status: str
    due_date: date
    days_until_due: int


class KycDuePage(OutModel):
    items: list[KycDueItem]
    next_page_token: str | None = None


# ---------------------------------------------------------------- certifications

class CertificationIn(ApiModel):
    type: str = Field(min_length=1, max_length=40, description="BCI, ORGANIC, GOTS, FAIRTRADE, OTHER ...")
    number: str = Field(min_length=1, max_length=80)
    body: str = Field(min_length=1, max_length=200, description="Issuing body")
    scope: str | None = Field(None, max_length=500)
    issue_date: date
    expiry_date: date
    document_id: str | None = Field(None, max_length=60)


class CertificationPatch(ApiModel):
    type: str | None = Field(None, min_length=1, max_length=40)
    number: str | None = Field(None, min_length=1, max_length=80)
    body: str | None = Field(None, min_length=1, max_length=200)
    scope: str | None = Field(None, max_length=500)
    issue_date: date | None = None
    expiry_date: date | None = None
    document_id: str | None = Field(None, max_length=60)


class CertificationOut(OutModel):
    id: str
    partner_id: str
    type: str
    number: str
    body: str
    scope: str | None = None
    issue_date: date
    expiry_date: date
    document_id: str | None = None
    status: str
    rejection_reason: str | None = None
    is_visible_in_trade: bool
    verified_by: str | None = None
    verified_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    version: int


class CertificationList(OutModel):
    items: list[CertificationOut]
    next_page_token: str | None = None


# ---------------------------------------------------------------- change requests and versions

class ChangeRequestIn(ProfileIn):
    reason: str | None = Field(None, max_length=2000)


class ChangeRequestOut(OutModel):
    id: str
    partner_id: str
    status: str
    applied_changes: dict
    pending_changes: dict
    reason: str | None = None
    decision_reason: str | None = None
    requested_by: str | None = None
    decided_by: str | None = None
    applied_version: int | None = None
    created_at: str | None = None
    decided_at: str | None = None


class ChangeRequestList(OutModel):
    items: list[ChangeRequestOut]
    next_page_token: str | None = None


ChangeRequestStatus = Literal["PENDING", "APPLIED", "APPROVED", "REJECTED"]


class ChangeRequestQuery(PageQuery):
    status: ChangeRequestStatus | None = None


class AllChangeRequestsQuery(PageQuery):
    status: ChangeRequestStatus = "PENDING"


class VersionOut(OutModel):
    number: int
    profile: dict
    changed_fields: list[str]
    change_request_id: str | None = None
    reason: str | None = None
    created_at: str | None = None
    created_by: str | None = None


class VersionList(OutModel):
    items: list[VersionOut]
    next_page_token: str | None = None


class DiffQuery(ApiModel):
    from_version: int = Field(alias="from", ge=1)
    to_version: int = Field(alias="to", ge=1)


class FieldChange(OutModel):
    field: str
    before: object = None
    after: object = None


class DiffOut(OutModel):
    from_version: int
    to_version: int
    changes: list[FieldChange]
