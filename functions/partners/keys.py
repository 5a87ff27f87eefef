"""Unique PAN and GSTIN keys: `partnerKeys/pan:XXXX`, `partnerKeys/gstin:YYYY`.

A key is created in the same transaction that submits the application (or applies a compliance
change), so two concurrent submissions with one PAN cannot both pass: both read the missing key, one
commits, the other's transaction is aborted, retried, and then sees the key. Drafts hold no keys (an
abandoned draft must not block anyone); rejected applications give theirs back; blacklisted partners
keep them, so a blacklisted PAN cannot come back under a new name.
"""
from __future__ import annotations

from typing import Any

from functions.partners import store
from shared import clock
from shared.errors import Conflict

NEUTRAL_MESSAGE = ("These registration details cannot be used for a new application. "
                   "Please contact RNRL support.")


class KeyCheck:
    """Key documents read at the start of a transaction (reads before writes)."""

    def __init__(self, uow: Any, partner_id: str, keys: set[str], owned: set[str]) -> None:
        self.partner_id = partner_id
        self.keys = set(keys)
        self.owned = set(owned)
        refs = [store.key_ref(key) for key in sorted(self.keys | self.owned)]
        snapshots = uow.get_all(refs)
        self.holders: dict[str, str | None] = {}
        for key in self.keys | self.owned:
            snap = snapshots.get(store.key_ref(key).path)
            self.holders[key] = (snap.to_dict() or {}).get("partnerId") if snap is not None and snap.exists else None

    def conflicts(self) -> dict[str, str]:
        """{key: partner id holding it} for wanted keys held by another partner."""
        return {key: holder for key in sorted(self.keys)
                if (holder := self.holders.get(key)) and holder != self.partner_id}

    def raise_conflict(self, uow: Any, *, back_office: bool) -> None:
        """409 when another partner holds one of the keys: naming it to the back office only."""
        conflicts = self.conflicts()
        if not conflicts:
            return
        key, holder = next(iter(conflicts.items()))
        kind, _, value = key.partition(":")
        field = "pan" if kind == "pan" else "gstins"
        if not back_office:
            raise Conflict("DUPLICATE_REGISTRATION", NEUTRAL_MESSAGE, {"field": field})
        existing = store.live(uow.get(store.partner_ref(holder))) or {}
        label = existing.get("code") or f"application {holder}"
        raise Conflict("DUPLICATE_PARTNER", f"This {kind.upper()} {value} is already used by partner {label}",
                       {"field": field, "value": value, "existingPartnerId": holder,
                        "existingPartnerCode": existing.get("code"), "existingStatus": existing.get("status")})

    def write(self, uow: Any, code: str | None = None) -> list[str]:
        """Create the wanted keys not yet held, delete the owned ones no longer wanted; returns the keys held."""
        moment = clock.now()
        for key in sorted(self.keys):
            if self.holders.get(key) != self.partner_id:
                kind, _, value = key.partition(":")
                uow.create(store.key_ref(key), {"partnerId": self.partner_id, "kind": kind, "value": value,
                                                "partnerCode": code, "createdAt": moment})
        for key in sorted(self.owned - self.keys):
            if self.holders.get(key) == self.partner_id:
                uow.delete(store.key_ref(key))
        return sorted(self.keys)


def release(uow: Any, partner_id: str, owned: set[str]) -> None:
    """Give back every key (a rejected application). Read the keys first: call before other writes."""
    check = KeyCheck(uow, partner_id, set(), owned)
    check.write(uow)
