"""Input and output shapes of /api/disputes (camelCase on the wire)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from functions.contracts.models import OutModel
from shared.models import ApiModel, DocId, PageQuery, UploadInstructions
from shared.money import ApiAmount

DisputeType = Literal["QUALITY", "QUANTITY", "PAYMENT", "DELIVERY"]
DisputeStatus = Literal["OPEN", "UNDER_REVIEW", "RESOLVED", "CLOSED", "WITHDRAWN"]
Visibility = Literal["INTERNAL", "SHARED"]
NoteKind = Literal["CREDIT", "DEBIT"]
FileKind = Literal["pdf", "jpeg", "png", "docx", "xlsx"]


class DisputeIn(ApiModel):
    """A dispute on a contract, raised by the back office or by a party of the contract."""

    contract_id: DocId
    type: DisputeType = Field(description="QUALITY, QUANTITY (weight), PAYMENT or DELIVERY")
    description: str = Field(min_length=3, max_length=4000)
    invoice_id: DocId | None = Field(None, description="The invoice of the contract the dispute is about")
    claimed_amount: ApiAmount | None = Field(None, description="What the raising side claims, in rupees")


class DisputeQuery(PageQuery):
    """Filters of the disputes list (newest first); a partner sees only its contracts' disputes."""

    status: DisputeStatus | None = None
    contract_id: DocId | None = None


class AssignIn(ApiModel):
    user_id: DocId = Field(description="A back-office user of the dispute's organization with disputes:manage")


class AdjustmentIn(ApiModel):
    kind: NoteKind = Field(description="CREDIT lowers what the buyer owes, DEBIT raises it")
    amount: ApiAmount = Field(gt=0, description="Taxable value before GST; GST follows the invoice's rate and split")
    reason: str = Field(min_length=3, max_length=500)
    invoice_id: DocId | None = Field(None, description="An invoice of the contract (default: the dispute's invoice)")


class ResolveIn(ApiModel):
    resolution: str = Field(min_length=3, max_length=4000)
    adjustment: AdjustmentIn | None = None


class CloseIn(ApiModel):
    reason: str = Field(min_length=3, max_length=1000)


class DisputeWithdrawIn(ApiModel):
    """Withdrawing a dispute by the party that raised it (or the back office on its behalf)."""

    reason: str | None = Field(None, min_length=3, max_length=1000, description="Why it is withdrawn (optional)")


class CommentIn(ApiModel):
    text: str = Field(min_length=1, max_length=4000)
    visibility: Visibility = Field(description="INTERNAL: back office only; SHARED: the parties see it too")


class EvidenceIn(ApiModel):
    file_name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(min_length=1, max_length=120, description="PDF, JPEG, PNG, DOCX or XLSX")
    size_bytes: int | None = Field(None, ge=1)
    description: str | None = Field(None, max_length=500)


class ActorOut(OutModel):
    user_id: str | None = None
    kind: str | None = None
    partner_id: str | None = None


class AdjustmentOut(OutModel):
    kind: NoteKind
    amount: ApiAmount
    reason: str
    invoice_id: str
    note_id: str
    note_number: str
    note_total: ApiAmount


class DisputeOut(OutModel):
    id: str
    number: str
    org_id: str
    financial_year: str
    contract_id: str
    contract_number: str | None = None
    buyer_partner_id: str | None = None
    seller_partner_id: str | None = None
    type: DisputeType
    description: str
    invoice_id: str | None = None
    invoice_number: str | None = None
    invoice_date: str | None = None
    claimed_amount: ApiAmount | None = None
    status: DisputeStatus
    raised_by: ActorOut
    assigned_to: str | None = None
    assigned_at: str | None = None
    resolution: str | None = None
    adjustment: AdjustmentOut | None = None
    resolved_at: str | None = None
    resolved_by: str | None = None
    close_reason: str | None = None
    closed_at: str | None = None
    closed_by: str | None = None
    withdraw_reason: str | None = None
    withdrawn_at: str | None = None
    withdrawn_by: ActorOut | None = None
    created_at: str | None = None
    updated_at: str | None = None
    version: int


class DisputePage(ApiModel):
    items: list[DisputeOut]
    next_page_token: str | None = None


class CommentOut(OutModel):
    id: str
    dispute_id: str
    text: str
    visibility: Visibility
    author: ActorOut
    created_at: str | None = None


class CommentPage(ApiModel):
    items: list[CommentOut]
    next_page_token: str | None = None


class EvidenceOut(OutModel):
    id: str
    dispute_id: str
    file_name: str
    content_type: str
    file_kind: FileKind
    description: str | None = None
    status: str = Field(description="PENDING_UPLOAD (waiting for the file), VERIFIED_FILE, REJECTED_FILE, or "
                                    "UPLOAD_ABANDONED (never completed: the file was deleted; request a new upload)")
    size_bytes: int | None = None
    rejection_reason: str | None = None
    uploaded_at: str | None = None
    created_at: str | None = None
    created_by: str | None = None


class EvidenceUploadOut(OutModel):
    evidence: EvidenceOut
    upload: UploadInstructions


class EvidencePage(ApiModel):
    items: list[EvidenceOut]
    next_page_token: str | None = None


class EvidenceLinkOut(ApiModel):
    url: str
    expires_at: str
    file_name: str | None = None
