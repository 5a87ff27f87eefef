"""Back-office lists: partner search and the KYC due list, cursor-paged on declared indexes
(functions/partners/indexes.py)."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from functions.partners import lifecycle, store, validation
from shared import clock
from shared.http.pagination import page
from shared.reference_data import normalize
from shared.validators import InvalidValue, field_error_for

_CODE_PREFIX = re.compile(r"^BP-?\d*$", re.IGNORECASE)
HIGH = "\uf8ff"


def search(query: Any) -> tuple[list[Any], str | None]:
    """Partners by status, kind, state and a prefix of the legal name or the code."""
    ref = store.partners()
    if query.status:
        ref = ref.where(filter=store.cond("status", "==", query.status))
    if query.kind:
        ref = ref.where(filter=store.cond("kind", "==", query.kind))
    if query.state:
        try:
            _, code = validation.state_of(query.state)
        except InvalidValue as error:
            raise field_error_for("state", error) from None
        ref = ref.where(filter=store.cond("address.stateCode", "==", code))
    order: list[tuple[str, str]] = [("createdAt", "DESCENDING")]
    text = (query.q or "").strip()
    if text:
        if _CODE_PREFIX.match(text):
            digits = text.upper().removeprefix("BP").removeprefix("-")
            prefix, field = f"BP-{digits}", "code"
        else:
            prefix, field = normalize(text), "nameLower"
        if prefix:
            ref = ref.where(filter=store.cond(field, ">=", prefix)).where(filter=store.cond(field, "<", prefix + HIGH))
            order = [(field, "ASCENDING")]
    return page(ref, order, query.page_size, query.page_token)


def kyc_due(within_days: int, page_size: int, page_token: str | None) -> tuple[list[Any], str | None]:
    """Onboarded partners whose KYC falls due within `within_days` (overdue ones included), soonest first."""
    horizon = (clock.today_india() + timedelta(days=within_days)).isoformat()
    ref = (store.partners().where(filter=store.cond("status", "in", sorted(lifecycle.ONBOARDED)))
           .where(filter=store.cond("kyc.dueDate", "<=", horizon)))
    return page(ref, [("kyc.dueDate", "ASCENDING")], page_size, page_token)
