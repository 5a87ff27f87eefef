"""Request and response shapes of the trade desk's HTTP routes."""
from __future__ import annotations

from pydantic import Field

from functions.tradedesk.parsing.model import ParsedTrade
from shared.models import ApiModel


class ParseRequest(ApiModel):
    text: str = Field(min_length=1, max_length=2000)


class ParseResponse(ParsedTrade):
    """The parsed draft plus the master records its names resolved to (null where none matched)."""

    commodity_id: str | None = None
    variety_id: str | None = None
    station_id: str | None = None
