"""HTTP routes of tested lots (/api/tested-lots): mapping only, rules in functions/tradedesk/lots.py.

A partner user (SELLER or TRADER) reaches its own partner's lots only (404 otherwise); back-office
users with the permission see all and add lots on a seller's behalf.
"""
from __future__ import annotations

from typing import Any

from functions.tradedesk import lots
from functions.tradedesk.lot_models import (
    DownloadOut,
    LotIn,
    LotOut,
    LotPage,
    LotPatch,
    LotQuery,
    ReportUploadIn,
    ReportUploadOut,
)
from functions.tradedesk.routes_common import router
from shared import clock
from shared.http import ApiRequest, ApiResponse
from shared.http.etag import etag

BASE = "/api/tested-lots"
TAGS = ("tested lots",)


def lot_out(lot: dict[str, Any]) -> LotOut:
    report = lot.get("report")
    if report:
        report = {**report, "uploadedAt": clock.iso(report.get("uploadedAt"))}
    return LotOut.model_validate({**lot, "report": report, "createdAt": clock.iso(lot.get("createdAt")),
                                  "updatedAt": clock.iso(lot.get("updatedAt"))})


def lot_response(lot: dict[str, Any], status: int = 200) -> ApiResponse:
    return ApiResponse(lot_out(lot), status, {"ETag": etag(lot.get("version", 1))})


@router.post(BASE, permission="trades:create", body=LotIn, response=LotOut, status=201, idempotent=True, tags=TAGS,
             errors={409: ("PARTNER_CANNOT_TRADE",),
                     422: ("PARAMETERS_OUT_OF_RANGE", "SIDE_NOT_ALLOWED", "STATION_NOT_FOUND",
                           "COMMODITY_NOT_FOUND", "PARTNER_NOT_FOUND")})
def create_lot(req: ApiRequest) -> ApiResponse:
    """Add a tested lot (a seller's pre-tested stock), AVAILABLE with all of its quantity."""
    return lot_response(lots.create(req.user, req.body, req.actor), 201)


@router.get(BASE, permission="trades:read", query=LotQuery, response=LotPage, tags=TAGS)
def list_lots(req: ApiRequest) -> LotPage:
    """Tested lots, newest first: a partner's own; the back office filters by partner too."""
    items, token = lots.list_lots(req.user, req.query)
    return LotPage(items=[lot_out(lot) for lot in items], next_page_token=token)


@router.get(f"{BASE}/{{lotId}}", permission="trades:read", response=LotOut, tags=TAGS)
def get_lot(req: ApiRequest, lotId: str) -> ApiResponse:
    """One tested lot."""
    return lot_response(lots.load(None, lotId, req.user))


@router.patch(f"{BASE}/{{lotId}}", permission="trades:create", body=LotPatch, response=LotOut, tags=TAGS,
              errors={409: ("LOT_NOT_AVAILABLE", "LOT_QUANTITY_BELOW_COMMITTED"),
                      422: ("PARAMETERS_OUT_OF_RANGE", "STATION_NOT_FOUND")})
def update_lot(req: ApiRequest, lotId: str) -> ApiResponse:
    """Change an AVAILABLE lot's report details, HVI values, station or total quantity (If-Match)."""
    return lot_response(lots.update(lotId, req.user, req.body, req.if_match, req.actor))


@router.post(f"{BASE}/{{lotId}}/expire", permission="trades:create", response=LotOut, tags=TAGS,
             errors={409: ("INVALID_TRANSITION",)})
def expire_lot(req: ApiRequest, lotId: str) -> ApiResponse:
    """Take an AVAILABLE lot off the market (EXPIRED)."""
    return lot_response(lots.expire(lotId, req.user, req.actor))


@router.post(f"{BASE}/{{lotId}}/report", permission="trades:create", body=ReportUploadIn, response=ReportUploadOut,
             status=201, tags=TAGS, errors={409: ("LOT_CLOSED",), 422: ("UNSUPPORTED_FILE_TYPE", "FILE_TOO_LARGE")})
def request_report_upload(req: ApiRequest, lotId: str) -> ApiResponse:
    """A 15-minute signed PUT URL for the lot's test report (PDF, JPEG or PNG, at most 5 MiB)."""
    lot, upload = lots.request_report(lotId, req.user, req.body, req.actor)
    return ApiResponse(ReportUploadOut(lot=lot_out(lot), upload=upload), 201)


@router.post(f"{BASE}/{{lotId}}/report/complete", permission="trades:create", response=LotOut, tags=TAGS,
             errors={409: ("REPORT_NOT_PENDING",),
                     422: ("UPLOAD_NOT_FOUND", "FILE_TYPE_MISMATCH", "FILE_TYPE_UNKNOWN", "FILE_TOO_LARGE",
                           "FILE_EMPTY", "CONTENT_TYPE_MISMATCH")})
def complete_report_upload(req: ApiRequest, lotId: str) -> ApiResponse:
    """Check the uploaded report's bytes (the real file kind must be the declared one)."""
    return lot_response(lots.complete_report(lotId, req.user, req.actor))


@router.get(f"{BASE}/{{lotId}}/report/download", permission="trades:read", response=DownloadOut, tags=TAGS,
            errors={409: ("REPORT_NOT_AVAILABLE",)})
def download_report(req: ApiRequest, lotId: str) -> DownloadOut:
    """A 5-minute signed download URL of the lot's checked test report."""
    url, expires = lots.report_download(lotId, req.user)
    return DownloadOut(url=url, expires_at=expires)
