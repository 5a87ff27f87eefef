"""The parser's output, `ParsedTrade` (CONVENTIONS.md, Output): camelCase on the wire.

Imported on first use only: pydantic is the slowest import of the parser.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.models import ApiModel

from .numbers import Number
from .units import Unit

QualityKey = Literal["stapleMm", "micronaire", "strengthGpt", "trashPct", "moisturePct", "rd", "plusB"]


class Range(ApiModel):
    min: Number | None = None
    max: Number | None = None


class Quantity(ApiModel):
    value: Number = Field(gt=0)
    unit: Unit


class Price(ApiModel):
    amount: Number = Field(gt=0)
    max_amount: Number | None = None
    unit: Unit
    currency: Literal["INR"] = "INR"


class Location(ApiModel):
    station: str | None = None
    state: str | None = None


class ParsedTrade(ApiModel):
    """A draft trade read from one chat message; `quality` holds only the parameters it mentions."""

    side: Literal["BUY", "SELL"] | None = None
    commodity: Literal["COTTON", "KAPAS"] | None = None
    variety: str | None = None
    grade: str | None = None
    quantity: Quantity | None = None
    quality: dict[QualityKey, Range] = Field(default_factory=dict)
    price: Price | None = None
    location: Location | None = None
    delivery_days: int | None = Field(default=None, ge=0)
    payment_days: int | None = Field(default=None, ge=0)
    bargain_type: Literal["EX_GIN", "EX_WAREHOUSE", "DELIVERED"] | None = None
    confidence: float = Field(ge=0, le=1)
    warnings: list[str] = Field(default_factory=list)
