"""Parsing chat messages against the live masters (POST /api/nlp/parse)."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from functions.masters.public import lexicon_rows
from functions.tradedesk.models import ParseResponse
from functions.tradedesk.parsing import parse_message
from functions.tradedesk.parsing.lexicon import ParserMasters

if TYPE_CHECKING:
    from functions.masters.public import LexiconRows

_lock = threading.Lock()
_built: tuple[int, ParserMasters] | None = None


def live_masters() -> tuple[ParserMasters | None, LexiconRows | None]:
    """ParserMasters built from the live masters, rebuilt only when the cached rows were reloaded.

    (None, None) while the masters are not seeded: the parser then uses the reference data and no ids
    are returned.
    """
    global _built

    rows = lexicon_rows()
    if rows is None:
        return None, None
    with _lock:
        if _built is None or _built[0] != rows.generation:
            _built = (rows.generation, ParserMasters.from_rows(rows.varieties, rows.stations, rows.states))
        return _built[1], rows


def parse(text: str) -> ParseResponse:
    masters, rows = live_masters()
    parsed = parse_message(text, masters)
    response = ParseResponse.model_validate(parsed.model_dump())
    if rows is None:
        response.warnings.append("masters are not available: names were not resolved to master records")
        return response
    commodity_ids = {row["commodity"]: row["commodityId"] for row in rows.varieties}
    response.commodity_id = commodity_ids.get(parsed.commodity) if parsed.commodity else None
    if parsed.variety:
        named = [row for row in rows.varieties if row["name"] == parsed.variety]
        same_commodity = [row for row in named if row["commodity"] == parsed.commodity]
        chosen = (same_commodity or named or [None])[0]
        response.variety_id = chosen["id"] if chosen else None
    if parsed.location and parsed.location.station:
        response.station_id = next((row["id"] for row in rows.stations
                                    if row["name"] == parsed.location.station), None)
    return response
