"""POST /api/trades/from-message: a DRAFT request from a parsed chat message, and what is still missing.

The parser (nlp_service.parse) resolves names to master ids; drafting.draft_from_parse maps its answer onto
the request's fields with the commodity template. Without a side in the message, a BUYER partner's draft is
BUY and a SELLER's SELL; a trader must say (422 MISSING_FIELDS naming side). Fields the template refuses
are left out and reported missing instead of failing the whole draft.
"""
from __future__ import annotations

from typing import Any

from functions.tradedesk import drafting, trades
from functions.tradedesk.parties import acting_partner
from shared.auth.principal import Principal
from shared.errors import ApiError, Unprocessable
from shared.units import Quantity

ONLY_SIDE = {"BUYER": "BUY", "SELLER": "SELL"}


def create_from_message(principal: Principal, text: str, partner_id: str | None, org_id: str | None, actor: Any
                        ) -> tuple[dict[str, Any], list[str]]:
    from functions.partners.public import trading_partner
    from functions.tradedesk.nlp_service import parse

    acting = acting_partner(principal, partner_id)
    parsed = parse(text).model_dump(by_alias=True, mode="json")
    template = trades.template_of(parsed["commodityId"]) if parsed.get("commodityId") else None
    draft, _missing = drafting.draft_from_parse(parsed, template)
    side = draft.pop("side", None)
    if side is None:
        side = ONLY_SIDE.get((trading_partner(None, acting.partner_id) or {}).get("kind") or "")
    if side is None:
        raise Unprocessable("MISSING_FIELDS", "The message does not say whether this is a buy or a sale",
                            {"missing": ["side"]})
    quantity = draft.get("quantity")
    if quantity:
        q = Quantity.of(str(quantity["value"]), quantity["unit"])
        draft["quantity"] = {"value": str(q.value), "unit": q.unit.value, "kg": str(q.kg)}
    if "targetPrice" in draft:
        draft["targetPrice"] = str(draft["targetPrice"])
    ranges = draft.get("quality") or {}
    draft["quality"] = {key: {k: str(v) for k, v in bounds.items()} for key, bounds in ranges.items()}
    if not draft["quality"]:
        draft.pop("quality")
    if template:
        try:
            trades.validated(draft, template)
        except ApiError:
            draft.pop("quality", None)      # out-of-range ranges from a chat line: the user sets them
    trade = trades.create(principal, draft, side, partner_id, org_id, actor)
    return trade, trades.missing_to_post(trade)
