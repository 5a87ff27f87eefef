"""The domain events the partners group emits (exported through functions.partners.public)."""
from __future__ import annotations

from shared.events.model import DomainEventModel


class _PartnerEvent(DomainEventModel):
    producer = "partners"
    partner_id: str


class PartnerApplicationSubmitted(_PartnerEvent):
    kind: str | None = None
    source: str | None = None


class PartnerRejected(_PartnerEvent):
    pass


class PartnerChangesRequested(_PartnerEvent):
    pass


class PartnerApproved(_PartnerEvent):
    partner_code: str | None = None
    kind: str | None = None
    primary_user_id: str | None = None
    org_id: str | None = None


class _StatusChange(_PartnerEvent):
    partner_code: str | None = None
    reason: str | None = None
    previous_status: str | None = None


class PartnerSuspended(_StatusChange):
    cause: str | None = None          # KYC_OVERDUE when the daily KYC job suspended it


class PartnerReactivated(_StatusChange):
    pass


class PartnerBlacklisted(_StatusChange):
    pass


class KycVerified(_PartnerEvent):
    partner_code: str | None = None
    due_date: str                     # YYYY-MM-DD
    documents_checked: list[str]


class _KycMilestone(_PartnerEvent):
    partner_code: str | None = None
    legal_name: str | None = None
    due_date: str | None = None       # YYYY-MM-DD
    milestone: str | None = None
    days_until_due: int | None = None
    days_overdue: int | None = None
    primary_user_id: str | None = None
    org_id: str | None = None


class KycDueSoon(_KycMilestone):
    pass


class KycOverdue(_KycMilestone):
    pass


class CertificationExpired(_PartnerEvent):
    certification_id: str
    type: str | None = None
    number: str | None = None
    expiry_date: str


class CertificationVerified(_PartnerEvent):
    certification_id: str
    type: str | None = None
    reason: str | None = None


class CertificationRejected(CertificationVerified):
    pass


class PartnerProfileChanged(_PartnerEvent):
    partner_code: str | None = None
    version: int
    changed_fields: list[str]


class PartnerChangeRequested(_PartnerEvent):
    partner_code: str | None = None
    change_request_id: str
    fields: list[str]


class PartnerChangeRejected(_PartnerEvent):
    change_request_id: str
    reason: str | None = None
