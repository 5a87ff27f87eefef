"""Demo trade-desk data for `make run`: a tested lot of the demo seller (idempotent: a fixed id)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DEMO_LOT_ID = "demo-lot-rajkot-1"


def seed_tradedesk(partners: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The demo seller's tested lot (created once); {} when there is no seller partner."""
    from functions.tradedesk import lots
    from functions.tradedesk.lot_models import LotIn
    from shared.auth.principal import BACK_OFFICE, SYSTEM, Principal

    seller = next((p for p in partners if p.get("kind") == "SELLER" and p.get("id")), None)
    if seller is None:
        return {}
    if lots.lot_ref(DEMO_LOT_ID).get().exists:
        return {"lotId": DEMO_LOT_ID, "created": False}
    body = LotIn.model_validate({
        "partnerId": seller["id"], "commodityId": "COTTON", "lab": "Cotton Association of India, Rajkot",
        "reportNumber": "CAI-RJT-2026-0412", "reportDate": "2026-11-20",
        "hvi": {"stapleMm": 29.2, "micronaire": 4.0, "strengthGpt": 29.5, "trashPct": 2.8, "moisturePct": 7.9},
        "stationId": "24-rajkot", "quantity": {"value": 300, "unit": "BALE"}})
    staff = Principal(user_id=SYSTEM.user_id or "system", session_id="seed", kind=BACK_OFFICE, role="SYSTEM")
    lots.create(staff, body, SYSTEM, lot_id=DEMO_LOT_ID)
    return {"lotId": DEMO_LOT_ID, "created": True}
