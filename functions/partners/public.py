"""What other groups may use of the partners group (the only module of it they import).

- `ensure_can_trade(partner_id, uow=...)`: the trade guard (404 PARTNER_NOT_FOUND, 409
  PARTNER_CANNOT_TRADE with details.reason), read inside the caller's unit of work;
- `trading_partner(uow, partner_id)`: what the trade desk's rules read of a partner (kind, status, KYC,
  PAN, GSTINs), for ensure_can_trade(partner=...), the side and self-trade checks; `held_certifications(uow,
  partner_id)`: its certifications (type, status, expiryDate) for the certificate check;
- `partner_summary(uow, partner_id)`: name, code and status for texts that show a partner;
- `contract_party(uow, partner_id)`: what a contract note copies of a party (names, GSTIN, state, address).
- its typed domain events (functions/partners/events.py), for `uow.emit(...)` and the notifications catalog.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from functions.partners import eligibility
from functions.partners.eligibility import KYC_SUSPENSION_DAYS, can_trade
from functions.partners.events import (
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
    KycDueSoon,
    KycOverdue,
    KycVerified,
    PartnerApplicationSubmitted,
    PartnerApproved,
    PartnerBlacklisted,
    PartnerChangeRejected,
    PartnerChangeRequested,
    PartnerChangesRequested,
    PartnerProfileChanged,
    PartnerReactivated,
    PartnerRejected,
    PartnerSuspended,
)
from functions.partners.store import BRANCHES
from functions.partners.store import partner_ref as ref

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

__all__ = [
    "KYC_SUSPENSION_DAYS",
    "CertificationExpired",
    "CertificationRejected",
    "CertificationVerified",
    "ContractParty",
    "KycDueSoon",
    "KycOverdue",
    "KycVerified",
    "PartnerApplicationSubmitted",
    "PartnerApproved",
    "PartnerBlacklisted",
    "PartnerChangeRejected",
    "PartnerChangeRequested",
    "PartnerChangesRequested",
    "PartnerProfileChanged",
    "PartnerReactivated",
    "PartnerRejected",
    "PartnerSummary",
    "PartnerSuspended",
    "branch_refs",
    "can_trade",
    "contract_party",
    "ensure_can_trade",
    "held_certifications",
    "partner_ref",
    "partner_summary",
    "trading_partner",
]


@dataclass(frozen=True)
class PartnerSummary:
    partner_id: str
    name: str | None
    partner_code: str | None
    status: str | None


def _read(partner_id: str, uow: UnitOfWork | None) -> dict[str, Any] | None:
    document = ref(partner_id)
    snapshot = uow.get(document) if uow is not None else document.get()
    return (snapshot.to_dict() or {}) if snapshot.exists else None


def partner_ref(partner_id: str) -> Any:
    """The partner's document, for a caller that reads it in its own batch (e.g. with its other reads)."""
    return ref(partner_id)


def branch_refs(partner_id: str, branch_ids: list[str]) -> list[Any]:
    """The partner's branch documents named by `branch_ids` (sorted, once each), to read in a batch."""
    return [ref(partner_id).collection(BRANCHES).document(branch_id) for branch_id in sorted(set(branch_ids))]


def ensure_can_trade(partner_id: str, *, uow: UnitOfWork | None = None,
                     partner: dict[str, Any] | None = None) -> None:
    """Raise unless `partner_id` may trade now. One read (inside `uow` when given); none with `partner`."""
    eligibility.check(partner_id, partner if partner is not None else _read(partner_id, uow))


def partner_summary(uow: UnitOfWork | None, partner_id: str) -> PartnerSummary | None:
    """The partner's display name (trade name, else legal name), code and status; None when unknown."""
    data = _read(partner_id, uow)
    if data is None:
        return None
    return PartnerSummary(partner_id, data.get("tradeName") or data.get("legalName"),
                          data.get("code") or data.get("partnerCode"), data.get("status"))


@dataclass(frozen=True)
class ContractParty:
    partner_id: str
    code: str | None
    legal_name: str | None
    trade_name: str | None
    kind: str | None
    status: str | None
    gstin: str | None              # the first GSTIN on record
    state_code: str | None         # of the registered address
    address: dict[str, Any] | None


def contract_party(uow: UnitOfWork | None, partner_id: str, *, partner: dict[str, Any] | None = None
                   ) -> ContractParty | None:
    """The party as a contract copies it (one read, inside `uow` when given; none with `partner`)."""
    data = partner if partner is not None else _read(partner_id, uow)
    if data is None:
        return None
    gstins = list(data.get("gstins") or [])
    address = data.get("address") or None
    return ContractParty(partner_id, data.get("code") or data.get("partnerCode"), data.get("legalName"),
                         data.get("tradeName"), data.get("kind"), data.get("status"), gstins[0] if gstins else None,
                         (address or {}).get("stateCode") or (gstins[0][:2] if gstins else None), address)




def trading_partner(uow: UnitOfWork | None, partner_id: str) -> dict[str, Any] | None:
    """The stored partner (one read, inside `uow` when given), or None; callers answer only what they
    derive from it (never its identity fields to the other side of a trade)."""
    return _read(partner_id, uow) if partner_id else None


def held_certifications(uow: UnitOfWork | None, partner_id: str) -> list[dict[str, Any]]:
    """The partner's certifications as stored (`type`, `status`, `expiryDate`, `deletedAt`)."""
    from functions.partners.store import CERTIFICATIONS, child

    query = child(partner_id, CERTIFICATIONS).limit(100)
    snapshots = uow.query(query) if uow is not None else list(query.stream())
    return [s.to_dict() or {} for s in snapshots]
