"""Request and response shapes of the tested-lot routes (/api/tested-lots)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from shared.models import ApiModel, DocId, PageQuery, UploadInstructions
from shared.units import ApiQuantity


def _exact(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a number is required")
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _number(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else float(value)


# A measured value in the API (an HVI reading): a JSON number, exact as a Decimal inside.
Reading = Annotated[Decimal, BeforeValidator(_exact), Field(ge=-1_000_000, le=1_000_000, allow_inf_nan=False),
                    PlainSerializer(_number, when_used="json"), WithJsonSchema({"type": "number"})]
# A stored decimal string answered as a JSON number (kg amounts, HVI values).
Number = Annotated[Decimal, PlainSerializer(_number, when_used="json"), WithJsonSchema({"type": "number"})]
ParamKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z][A-Za-z0-9]*$")]
LotStatus = Literal["AVAILABLE", "RESERVED", "SOLD", "EXPIRED"]


class OutModel(ApiModel):
    model_config = ConfigDict(**{**ApiModel.model_config, "extra": "ignore"})


class LotIn(ApiModel):
    partner_id: DocId | None = Field(None, description="the seller partner (back-office users only)")
    commodity_id: DocId
    variety_id: str | None = Field(None, min_length=1, max_length=120)
    lab: str = Field(min_length=1, max_length=120)
    report_number: str = Field(min_length=1, max_length=60)
    report_date: date
    hvi: Annotated[dict[ParamKey, Reading], Field(min_length=1, max_length=30)]
    station_id: DocId
    quantity: ApiQuantity


class LotPatch(ApiModel):
    lab: str | None = Field(None, min_length=1, max_length=120)
    report_number: str | None = Field(None, min_length=1, max_length=60)
    report_date: date | None = None
    hvi: Annotated[dict[ParamKey, Reading], Field(min_length=1, max_length=30)] | None = None
    station_id: DocId | None = None
    quantity: ApiQuantity | None = None


class LotQuery(PageQuery):
    status: LotStatus | None = None
    commodity_id: DocId | None = None
    partner_id: DocId | None = None


class ReportUploadIn(ApiModel):
    file_name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(min_length=1, max_length=120)
    size_bytes: int | None = Field(None, ge=1)


class ReportOut(OutModel):
    status: str = Field(description="PENDING_UPLOAD (waiting for the file), VERIFIED_FILE, or UPLOAD_ABANDONED "
                                    "(never completed: the file was deleted; request a new upload)")
    file_name: str
    content_type: str
    file_kind: str
    size_bytes: int | None = None
    uploaded_at: str | None = None


class LocationOut(OutModel):
    station_id: str | None = None
    region_id: str | None = None
    state_code: str | None = None


class QuantityOut(OutModel):
    value: Number
    unit: str
    kg: Number


class LotOut(OutModel):
    id: str
    partner_id: str
    commodity_id: str
    variety_id: str | None = None
    lab: str
    report_number: str
    report_date: str
    hvi: dict[str, Number]
    station_id: str
    location: LocationOut
    quantity: QuantityOut
    total_kg: Number
    available_kg: Number
    reserved_kg: Number
    sold_kg: Number
    status: LotStatus
    report: ReportOut | None = None
    version: int
    created_at: str | None = None
    updated_at: str | None = None


class LotPage(OutModel):
    items: list[LotOut]
    next_page_token: str | None = None


class ReportUploadOut(OutModel):
    lot: LotOut
    upload: UploadInstructions


class DownloadOut(OutModel):
    url: str
    expires_at: str


class ScoreOut(OutModel):
    total: Number
    label: str
    quality: Number
    price: Number
    location: Number
    terms: Number
    parameters: dict[str, Number]


class MatchOut(OutModel):
    kind: Literal["TESTED_LOT", "AVAILABILITY"]
    id: str
    seller_handle: str
    variety_id: str | None = None
    quality: dict[str, Number | None]
    location: LocationOut
    available_kg: Number | None = None
    price: Number | None = None
    price_unit: str | None = None
    lab: str | None = None
    report_date: str | None = None
    score: ScoreOut


class MatchList(OutModel):
    items: list[MatchOut]
