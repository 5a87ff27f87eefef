"""Request and response shapes of the trade desk's HTTP routes."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from functions.tradedesk.parsing.model import ParsedTrade
from shared.models import ApiModel, DocId, PageQuery
from shared.money import ApiAmount
from shared.units import ApiDecimal, ApiQuantity, Unit


class ParseRequest(ApiModel):
    text: str = Field(min_length=1, max_length=2000)


class ParseResponse(ParsedTrade):
    """The parsed draft plus the master records its names resolved to (null where none matched)."""

    commodity_id: str | None = None
    variety_id: str | None = None
    station_id: str | None = None


# ---------------------------------------------------------------- trade requests and offers

Side = Literal["BUY", "SELL"]
TermCode = Annotated[str, Field(min_length=1, max_length=60)]


class RangeIn(ApiModel):
    min: ApiDecimal | None = None
    max: ApiDecimal | None = None


class LocationIn(ApiModel):
    station_id: str | None = Field(None, max_length=200)
    region_id: str | None = Field(None, max_length=200)
    state_code: str | None = Field(None, pattern=r"^[0-9]{2}$")


class TradeFields(ApiModel):
    """The editable fields of a trade request (all optional while it is a DRAFT)."""

    commodity_id: str | None = Field(None, min_length=1, max_length=100)
    variety_id: str | None = Field(None, min_length=1, max_length=200)
    quantity: ApiQuantity | None = None
    quality: dict[Annotated[str, Field(max_length=40)], RangeIn] | None = Field(None, max_length=20)
    target_price: ApiAmount | None = None
    price_unit: Unit | None = None
    location: LocationIn | None = None
    trade_type: TermCode | None = None
    bargain_type: TermCode | None = None
    delivery_terms: TermCode | None = None
    payment_terms: TermCode | None = None
    passing_terms: TermCode | None = None
    weightment_terms: TermCode | None = None
    certificates: list[TermCode] | None = Field(None, max_length=10)
    validity_days: int | None = Field(None, ge=1, le=90, description="Days a posted request stays open (default 7)")
    notes: str | None = Field(None, max_length=2000)


class TradeIn(TradeFields):
    side: Side
    partner_id: str | None = Field(None, min_length=1, max_length=200,
                                   description="Back office only: the partner the request is posted for")
    org_id: str | None = Field(None, min_length=1, max_length=200,
                               description="RNRL organization; defaults as described in the trade desk docs")


class TradeOut(ApiModel):
    """A trade request as the caller may see it (the owner's identity only to its owner and the back office)."""

    model_config = ConfigDict(extra="allow")
    id: str
    number: str | None = None
    status: str
    side: str
    version: int
    missing: list[str] = Field(default_factory=list)


class TradePage(ApiModel):
    items: list[TradeOut]
    next_page_token: str | None = None


class TradeQuery(PageQuery):
    scope: Literal["mine", "market"] = Field("mine", description="mine: own requests; market: posted requests of "
                                                                 "the other side")
    commodity_id: str | None = Field(None, max_length=100)
    variety_id: str | None = Field(None, max_length=200)
    state_code: str | None = Field(None, pattern=r"^[0-9]{2}$")
    station_id: str | None = Field(None, max_length=200)
    status: str | None = Field(None, max_length=30)
    min_kg: ApiDecimal | None = Field(None, description="At least this much open (kg)")


class FromMessageIn(ApiModel):
    text: str = Field(min_length=1, max_length=2000)
    partner_id: str | None = Field(None, min_length=1, max_length=200)
    org_id: str | None = Field(None, min_length=1, max_length=200)


class FromMessageOut(ApiModel):
    trade: TradeOut
    missing: list[str]


class OfferIn(ApiModel):
    trade_id: str = Field(min_length=1, max_length=200)
    price: ApiAmount
    price_unit: Unit
    quantity: ApiQuantity
    quality: dict[Annotated[str, Field(max_length=40)], ApiDecimal] = Field(
        default_factory=dict, max_length=20, description="Actual quality values (none when the offer names a lot)")
    lot_id: DocId | None = Field(None, description="The seller's own AVAILABLE tested lot: its HVI values become "
                                                   "the offer's quality, its station the offer's station")
    station_id: str | None = Field(None, max_length=200)
    validity_hours: int = Field(24, ge=1, le=720)
    message: str | None = Field(None, max_length=1000)
    partner_id: str | None = Field(None, min_length=1, max_length=200,
                                   description="Back office only: the partner the offer is made for")


class CounterIn(ApiModel):
    version: int = Field(ge=1, description="The negotiation version this counter answers")
    price: ApiAmount | None = None
    price_unit: Unit | None = None
    quantity: ApiQuantity | None = None
    validity_hours: int | None = Field(None, ge=1, le=720)
    message: str | None = Field(None, max_length=1000)
    partner_id: str | None = Field(None, min_length=1, max_length=200)


class AnswerIn(ApiModel):
    version: int = Field(ge=1, description="The negotiation version answered")
    reason: str | None = Field(None, max_length=1000)
    partner_id: str | None = Field(None, min_length=1, max_length=200)


class WithdrawIn(ApiModel):
    partner_id: str | None = Field(None, min_length=1, max_length=200)


class OfferScoreOut(ApiModel):
    """The offer's match score against its request (0-100, 2 decimals) and its label."""

    model_config = ConfigDict(extra="allow")
    total: float
    label: Literal["Best", "Good", "Average", "Poor"]


class OfferBreakdownOut(ApiModel):
    """The parts of the match score (each 0-100): quality (weighted), price, location, terms, and the
    score of each requested quality parameter."""

    model_config = ConfigDict(extra="allow")
    quality: float
    price: float
    location: float
    terms: float
    parameters: dict[str, float] = Field(default_factory=dict)


class OfferOut(ApiModel):
    """An offer as the caller may see it (the other side's identity only after acceptance; the match
    score only to the request's owner and the back office)."""

    model_config = ConfigDict(extra="allow")
    id: str
    trade_id: str
    status: str
    negotiation_version: int
    turn: str | None = None
    contract_id: str | None = None
    contract_number: str | None = None
    lot_id: str | None = Field(None, description="The tested lot backing the offer: to its maker and the back "
                                                  "office, and to the request's owner once the offer is accepted")
    tested_lot: bool = Field(False, description="Whether a tested lot backs the offer (its HVI values are the lot's)")
    match_score: OfferScoreOut | None = None
    match_breakdown: OfferBreakdownOut | None = None


class OfferPage(ApiModel):
    items: list[OfferOut]
    next_page_token: str | None = None


class VersionOut(ApiModel):
    model_config = ConfigDict(extra="allow")
    version: int
    party: str


class HistoryOut(ApiModel):
    offer_id: str
    versions: list[VersionOut]


class CancelIn(ApiModel):
    reason: str | None = Field(None, max_length=1000)


class OffersQuery(PageQuery):
    pass
