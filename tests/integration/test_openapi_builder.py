"""How shared/openapi.py turns route declarations into operations (a made-up router; no emulators)."""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import pytest
from openapi_spec_validator import validate
from pydantic import Field

from shared.http import Router
from shared.models import ApiModel, PageQuery
from shared.openapi import build_document
from shared.routing import FunctionSpec


class Grade(StrEnum):
    A = "A"
    B = "B"


class LotIn(ApiModel):
    display_name: str = Field(min_length=1)
    price_per_candy: Decimal
    grade: Grade


class LotOut(LotIn):
    lot_id: str


class LotPage(ApiModel):
    items: list[LotOut]
    next_page_token: str | None = None


class LotQuery(PageQuery):
    grade: Grade | None = None
    stations: list[str] = Field(default_factory=list)


router = Router("lots")


@router.post("/api/lots", permission="lots:create", body=LotIn, response=LotOut, status=201, idempotent=True)
def create_lot(req):
    """Create a lot

    Longer explanation of the rules.
    """


@router.get("/api/lots", permission="lots:read", query=LotQuery, response=LotPage)
def list_lots(req):
    """List lots"""


@router.patch("/api/lots/{lotId}", permission="lots:update", body=LotIn, response=LotOut)
def update_lot(req, lotId):
    """Update a lot"""


@router.delete("/api/lots/{lotId}", permission="lots:delete", status=204)
def delete_lot(req, lotId):
    """Delete a lot"""


@router.post("/api/lots/login", public=True, rate_limit="login", body=LotIn, response=list[LotOut])
def public_thing(req):
    """A public route"""


SPEC = FunctionSpec("lots", "http", ("/api/lots",))


@pytest.fixture(scope="module")
def document():
    return build_document([(SPEC, router)], version="9.9.9")


def test_document_is_valid_3_1(document):
    validate(document)
    assert document["info"]["version"] == "9.9.9"


def test_creating_post(document):
    operation = document["paths"]["/api/lots"]["post"]
    assert operation["summary"] == "Create a lot"
    assert operation["description"] == "Longer explanation of the rules."
    assert operation["x-permission"] == "lots:create"
    assert operation["security"] == [{"bearerAuth": []}]
    assert operation["x-idempotent"] is True
    assert [p["name"] for p in operation["parameters"]] == ["Idempotency-Key"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LotIn"}
    assert operation["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LotOut"}
    assert set(operation["responses"]) == {"201", "400", "401", "403", "409", "413", "415", "422", "429", "503"}
    assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    assert operation["responses"]["422"]["x-codes"] == ["VALIDATION_FAILED"]
    assert operation["responses"]["400"]["x-codes"] == ["MALFORMED_JSON", "JSON_TOO_DEEP"]


def test_schemas_use_camel_case_aliases(document):
    lot_in = document["components"]["schemas"]["LotIn"]
    assert set(lot_in["properties"]) == {"displayName", "pricePerCandy", "grade"}
    assert lot_in["additionalProperties"] is False       # extra="forbid"
    assert lot_in["properties"]["grade"] == {"$ref": "#/components/schemas/Grade"}
    assert "lotId" in document["components"]["schemas"]["LotOut"]["properties"]


def test_query_model_becomes_query_parameters(document):
    operation = document["paths"]["/api/lots"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"pageSize", "pageToken", "grade", "stations"}
    assert all(p["in"] == "query" for p in parameters.values())
    assert parameters["pageSize"]["schema"]["maximum"] == 100
    assert parameters["stations"]["explode"] is True
    assert "LotQuery" not in document["components"]["schemas"]     # spelled out as parameters instead
    assert "requestBody" not in operation
    assert set(operation["responses"]) == {"200", "400", "401", "403", "422", "429", "503"}
    assert operation["responses"]["400"]["x-codes"] == ["INVALID_PAGE_TOKEN"]     # a paged list


def test_path_parameters_if_match_and_no_content(document):
    patch = document["paths"]["/api/lots/{lotId}"]["patch"]
    assert {"name": "lotId", "in": "path", "required": True, "schema": {"type": "string"}} in patch["parameters"]
    assert "If-Match" in [p["name"] for p in patch["parameters"]]
    assert {"404", "409", "412"} <= set(patch["responses"])
    delete = document["paths"]["/api/lots/{lotId}"]["delete"]
    assert delete["responses"]["204"] == {"description": "Done; no content"}


def test_public_route_has_no_security_or_permission(document):
    operation = document["paths"]["/api/lots/login"]["post"]
    assert operation["security"] == []
    assert "x-permission" not in operation
    assert "401" not in operation["responses"] and "403" not in operation["responses"]
    assert operation["x-rate-limit"] == "login"
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array", "items": {"$ref": "#/components/schemas/LotOut"}}


def test_health_route_per_prefix(document):
    assert document["paths"]["/api/lots/health"]["get"]["security"] == []


def test_operation_ids_are_unique():
    twin = Router("twin")
    twin.get("/api/a", public=True)(create_lot)
    twin.get("/api/b", public=True)(create_lot)
    document = build_document([(FunctionSpec("twin", "http", ("/api/a",)), twin)], version="1")
    ids = [document["paths"][p]["get"]["operationId"] for p in ("/api/a", "/api/b")]
    assert ids == ["twin_create_lot", "twin_create_lot_2"]


def test_two_routes_on_one_method_and_path_are_refused():
    twin = Router("twin")
    twin.get("/api/a", public=True)(create_lot)
    twin.get("/api/a", public=True)(list_lots)
    with pytest.raises(ValueError, match="two routes declare GET /api/a"):
        build_document([(FunctionSpec("twin", "http", ("/api/a",)), twin)], version="1")
