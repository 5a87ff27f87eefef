"""Trade-message parser: a broker's chat message -> a structured draft trade (nlp/CONVENTIONS.md).

    from functions.tradedesk.parsing import parse_message
    parse_message("Sell 500 bales S-6 29mm 3.8-4.2 mic @ 56,500 Rajkot ex-gin").model_dump(by_alias=True)

`parse_message` is pure: the same text and masters give the same answer. The masters default to the
project's reference CSVs, read once on first use. Importing this package is cheap: the reference data,
rapidfuzz and pydantic (for `ParsedTrade`) are loaded on first use.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from .lexicon import ParserMasters
    from .model import ParsedTrade

__all__ = ["ParsedTrade", "ParserMasters", "parse_message"]


def __getattr__(name: str) -> Any:
    """`ParsedTrade` and `ParserMasters` are imported when first asked for."""
    if name == "ParsedTrade":
        from .model import ParsedTrade

        return ParsedTrade
    if name == "ParserMasters":
        from .lexicon import ParserMasters

        return ParserMasters
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_message(text: str, masters: ParserMasters | None = None) -> ParsedTrade:
    """Read one chat message into a draft trade (see pipeline.parse). Pure: the same text and masters
    give the same answer; `masters` defaults to the project's reference data."""
    from .pipeline import parse  # on first use, so that importing the package costs a cold start nothing

    return parse(text, masters)
