"""What each party may see of a trade request and an offer before and after acceptance (pure).

DOMAIN.md "Trade desk", Anonymity: until an offer is accepted a counterparty sees a request's terms but
not its owner, and the request owner sees offers with a pseudonymous handle and a rating but not the
offer's maker; the back office sees everything; after acceptance both parties of that offer see each
other. The projections work on stored documents (camelCase dicts) and drop every identity field the
viewer may not see, so an answer, a notification or a realtime document built from them cannot leak.

The handle is stable per (request, counterparty): the same seller shows the same handle on every
offer and version on one request, and a different, unlinkable one on another request.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Fields of a stored trade request that name its owner.
TRADE_IDENTITY = frozenset({"ownerPartnerId", "buyerPartnerId", "sellerPartnerId", "createdBy", "updatedBy",
                            "postedBy", "cancelledBy", "onBehalfOf", "invitedPartnerIds", "ownerHandleSecret"})
# Fields of a stored offer that name its maker (the counterparty) or the request owner.
OFFER_MAKER_IDENTITY = frozenset({"makerPartnerId", "createdBy", "updatedBy", "withdrawnBy", "makerUserId"})
OFFER_OWNER_IDENTITY = frozenset({"ownerPartnerId", "ownerUserId"})
# Fields of an offer that link it to its maker's offers on other requests (one tested lot may back offers
# on several requests of one buyer): hidden from the owner like the maker, or the unlinkable handles link.
OFFER_MAKER_LINKS = frozenset({"lotId"})
PARTY_FIELDS = ("buyerPartnerId", "sellerPartnerId")
# The match score of an offer against the request is the request owner's (and the back office's) aid
# for ranking what it received: the maker never reads it, before or after acceptance.
OFFER_OWNER_ONLY = frozenset({"matchScore", "matchBreakdown"})


@dataclass(frozen=True)
class Viewer:
    """Who reads: a back-office user, or a user of one partner."""

    partner_id: str | None
    back_office: bool = False

    @classmethod
    def back_office_user(cls) -> Viewer:
        return cls(None, True)


def handle(secret: bytes | str, trade_id: str, partner_id: str, *, prefix: str) -> str:
    """`Seller-7KQ2MX`: an HMAC of (request, partner) under a server secret, so nobody can link two
    handles of one partner on different requests nor recover the partner from a handle."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"tradedesk-handle:{trade_id}:{partner_id}".encode(), hashlib.sha256).digest()
    code = base64.b32encode(digest[:5]).decode().rstrip("=")[:6]
    return f"{prefix}-{code}"


def _without(data: Mapping[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in fields}


def trade_for(viewer: Viewer, trade: Mapping[str, Any], *, revealed: bool = False) -> dict[str, Any]:
    """The request as `viewer` may see it. `revealed`: the viewer made an offer on it that was accepted."""
    if viewer.back_office or (viewer.partner_id and viewer.partner_id == trade.get("ownerPartnerId")) or revealed:
        return dict(trade)
    return _without(trade, TRADE_IDENTITY)


def offer_for(viewer: Viewer, offer: Mapping[str, Any]) -> dict[str, Any]:
    """The offer as `viewer` may see it: the maker (and its tested lot's id) hidden from the owner, the
    owner from the maker, until the offer is ACCEPTED (then both parties see each other); the match
    score to the owner only; the back office sees all."""
    if viewer.back_office:
        return dict(offer)
    is_maker = bool(viewer.partner_id) and viewer.partner_id == offer.get("makerPartnerId")
    if offer.get("status") == "ACCEPTED":
        return _without(offer, OFFER_OWNER_ONLY) if is_maker else dict(offer)
    if is_maker:
        hidden = (OFFER_OWNER_IDENTITY | OFFER_OWNER_ONLY
                  | {field for field in PARTY_FIELDS if offer.get(field) != viewer.partner_id})
        return _without(offer, hidden)
    if viewer.partner_id and viewer.partner_id == offer.get("ownerPartnerId"):
        hidden = (OFFER_MAKER_IDENTITY | OFFER_MAKER_LINKS
                  | {field for field in PARTY_FIELDS if offer.get(field) != viewer.partner_id})
        return _without(offer, hidden)
    raise PermissionError("not a party to this offer")


def version_for(viewer: Viewer, version: Mapping[str, Any], offer: Mapping[str, Any]) -> dict[str, Any]:
    """One negotiation version: the party that made it (OWNER or MAKER) is always shown; the user id of
    a user of the other side only to the back office or after acceptance."""
    if viewer.back_office or offer.get("status") == "ACCEPTED":
        return dict(version)
    own_party = "MAKER" if viewer.partner_id == offer.get("makerPartnerId") else "OWNER"
    if version.get("party") == own_party:
        return dict(version)
    return _without(version, frozenset({"createdBy", "userId"}))
