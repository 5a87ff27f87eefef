"""What the partners route modules share: the function's router and the responses with an ETag.

routes.py, routes_children.py and routes_onboarding.py each register on `router` and import only this
module of each other's; routes.py imports the other two so that loading it loads every route.
"""
from __future__ import annotations

from typing import Any

from functions.partners import store
from shared.http import ApiResponse, Router
from shared.http.etag import etag

router = Router("partners")

READ = "partners:read|self:profile"


def partner_response(partner_id: str, data: dict[str, Any], *, back_office: bool = True, status: int = 200,
                     missing: list[str] | None = None) -> ApiResponse:
    body = store.partner_out(partner_id, data, back_office=back_office, missing=missing)
    return ApiResponse(body, status, {"ETag": etag(data.get("version", 1))})


def branch_response(partner_id: str, branch_id: str, data: dict, status: int = 200) -> ApiResponse:
    return ApiResponse(store.branch_out(partner_id, branch_id, data), status, {"ETag": etag(data.get("version", 1))})
