"""One OpenAPI 3.1 document for the whole API, built from the route declarations and pydantic models.

Every HTTP function of shared/routing.py contributes its router's routes plus `GET <prefix>/health`.
Schemas of bodies, queries and responses come from pydantic (JSON Schema 2020-12, which OpenAPI 3.1
uses as is) and are collected under `components.schemas`; error answers all share the `Error` schema.
A handler that answers something other than JSON sets `handler.openapi_content` to its media-type map
(see functions/docs/routes.py).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, TypeAdapter

from shared.config import settings
from shared.http.entry import router_for
from shared.http.router import Route, Router
from shared.routing import HTTP_FUNCTIONS, FunctionSpec

OPENAPI_VERSION = "3.1.0"
REF_TEMPLATE = "#/components/schemas/{model}"
_PARAM = re.compile(r"{(\w+)}")
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "The access token returned by POST /api/auth/login"},
    "applicationToken": {"type": "apiKey", "in": "header", "name": "X-Application-Token",
                         "description": "A self-service application's token, returned by POST "
                                        "/api/onboarding/applications (and POST .../token)"},
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error answer: a stable machine code, a human sentence and details.",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string", "examples": ["VALIDATION_FAILED"]},
        "message": {"type": "string"},
        "details": {"type": "object", "additionalProperties": True},
    },
    "additionalProperties": False,
}

HEALTH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "function", "version", "env", "checks"],
    "properties": {
        "status": {"type": "string", "enum": ["ok", "degraded"]},
        "function": {"type": "string"},
        "version": {"type": "string"},
        "env": {"type": "string"},
        "checks": {"type": "object", "additionalProperties": {"type": "object"}},
    },
}

# status -> (component name, description, has Retry-After)
ERROR_RESPONSES: dict[int, tuple[str, str, bool]] = {
    400: ("BadRequest", "Malformed request (for example a body that is not valid JSON)", False),
    401: ("Unauthorized", "Missing, expired, tampered or revoked access token", False),
    403: ("Forbidden", "The caller lacks the route's permission", False),
    404: ("NotFound", "No such resource, or it is outside the caller's scope", False),
    409: ("Conflict", "State conflict or duplicate", False),
    412: ("PreconditionFailed", "`If-Match` does not match the current version", False),
    413: ("PayloadTooLarge", "The body is larger than 1 MiB", False),
    415: ("UnsupportedMediaType", "The body is not application/json", False),
    422: ("ValidationFailed", "Invalid fields; `details.fields` lists each one", False),
    423: ("Locked", "The account is locked for a while; `details.lockedUntil` says until when", False),
    429: ("TooManyRequests", "Rate limit reached; retry after `Retry-After` seconds", True),
    503: ("ServiceUnavailable", "A dependency is unavailable; retry after `Retry-After` seconds", True),
}

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
BODY_METHODS = ("POST", "PUT", "PATCH")


def http_routers() -> list[tuple[FunctionSpec, Router]]:
    """The router of every HTTP function (imports each group's routes module)."""
    return [(spec, router_for(spec.name)) for spec in HTTP_FUNCTIONS]


def build_document(routers: Iterable[tuple[FunctionSpec, Router]] | None = None,
                   version: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `routers` (every HTTP function when None)."""
    routers = list(http_routers() if routers is None else routers)
    if version is None:
        version = settings().version
    builder = _Builder()
    for spec, router in routers:
        for prefix in spec.prefixes:
            if "." not in prefix.rsplit("/", 1)[-1]:       # /api/openapi.json is a file, not a folder
                builder.add_health(spec, prefix)
        for route in router.routes:
            builder.add_route(spec, route)
    return builder.document(version, [spec for spec, _ in routers])


class _Builder:
    def __init__(self) -> None:
        self.paths: dict[str, dict[str, Any]] = {}
        self.operation_ids: set[str] = set()
        # Every schema is resolved at the end in one pydantic call (TypeAdapter.json_schemas) so each
        # model gets one name (with -Input/-Output only where its two shapes differ).
        self.adapters: dict[tuple[str, str], TypeAdapter] = {}
        self.pending: list[tuple[dict[str, Any], str, tuple[str, str]]] = []   # (target, key, schema key)
        self.query_parameters: list[tuple[dict[str, Any], list[dict[str, Any]], int]] = []

    # -- operations -----------------------------------------------------------------------------
    def add_health(self, spec: FunctionSpec, prefix: str) -> None:
        self._put(f"{prefix}/health", "get", {
            "tags": [spec.name],
            "summary": f"Health of the {spec.name} function",
            "operationId": self._operation_id(f"{spec.name}_health_{prefix.strip('/').replace('/', '_')}"),
            "security": [],
            "x-function": spec.name,
            "responses": {
                "200": {"description": "The function's version and dependency checks",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                "503": {"description": "A dependency is not answering",
                        "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        })

    def add_route(self, spec: FunctionSpec, route: Route) -> None:
        doc_lines = (route.handler.__doc__ or "").strip().splitlines()
        operation: dict[str, Any] = {
            "tags": list(route.tags) or [spec.name],
            "summary": route.summary or route.handler.__name__.replace("_", " ").strip(),
            "operationId": self._operation_id(f"{spec.name}_{route.handler.__name__}"),
            "x-function": spec.name,
            "x-rate-limit": route.rate_limit,
        }
        description = "\n".join(line.strip() for line in doc_lines[1:]).strip()
        if description:
            operation["description"] = description
        if route.public:
            operation["security"] = [{route.credential: []}] if route.credential else []
        else:
            operation["security"] = [{"bearerAuth": []}]
            operation["x-permission"] = route.permission
        if route.allow_restricted:
            operation["x-allow-restricted"] = True

        parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                      for name in _PARAM.findall(route.path)]
        if route.query is not None:
            self._query_later(route.query, parameters)
        if route.idempotent:
            operation["x-idempotent"] = True
            parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                               "description": "Replays of the same key return the first response and write "
                                              "nothing.",
                               "schema": {"type": "string", "maxLength": 200}})
        if route.method in ("PUT", "PATCH", "DELETE"):
            parameters.append({"name": "If-Match", "in": "header", "required": False,
                               "description": "The `ETag` last read; a stale value gets 412.",
                               "schema": {"type": "string"}})
        operation["parameters"] = parameters     # emptied ones are dropped in document()

        if route.body is not None:
            body: dict[str, Any] = {"required": True, "content": {"application/json": {}}}
            self._schema_later(body["content"]["application/json"], "schema", route.body, "validation")
            operation["requestBody"] = body

        operation["responses"] = self._responses(route)
        self._put(route.path, route.method.lower(), operation)

    def _responses(self, route: Route) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        custom = getattr(route.handler, "openapi_content", None)
        if route.status == 204:
            responses["204"] = {"description": "Done; no content"}
        elif custom is not None:
            responses[str(route.status)] = {"description": "OK", "content": custom}
        else:
            success: dict[str, Any] = {"description": "Created" if route.status == 201 else "OK"}
            media: dict[str, Any] = {}
            if route.response is not None:
                self._schema_later(media, "schema", route.response, "serialization")
            else:
                media["schema"] = {}
            success["content"] = {"application/json": media}
            if route.method in ("GET", "PUT", "PATCH") and "{" in route.path:
                success["headers"] = {"ETag": {"description": "The resource version, for If-Match",
                                               "schema": {"type": "string"}}}
            responses[str(route.status)] = success
        for status, codes in sorted(self._error_codes(route).items()):
            _, description, retry = ERROR_RESPONSES[status]
            response: dict[str, Any] = {
                "description": f"{description}. Codes: {', '.join(codes)}" if codes else description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
            if codes:
                response["x-codes"] = list(codes)
            if retry:
                response["headers"] = {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}
            responses[str(status)] = response
        return responses

    @staticmethod
    def _error_codes(route: Route) -> dict[int, list[str]]:
        """status -> codes: what the pipeline answers for a route of this shape (shared/http/pipeline.py,
        shared/auth/guard.py, shared/http/pagination.py, shared/http/etag.py), plus the route's own."""
        # CONTENTION: a transaction that never got through (shared/uow.py)
        codes: dict[int, list[str]] = {503: ["DEPENDENCY_UNAVAILABLE", "CONTENTION"]}
        if route.method in BODY_METHODS:
            codes[400] = ["MALFORMED_JSON", "JSON_TOO_DEEP"]
            codes[413] = ["PAYLOAD_TOO_LARGE"]
            codes[415] = ["UNSUPPORTED_MEDIA_TYPE"]
        if route.query is not None and "page_token" in route.query.model_fields:
            codes.setdefault(400, []).append("INVALID_PAGE_TOKEN")
        if route.body is not None or route.query is not None:
            codes[422] = ["VALIDATION_FAILED"]
        if not route.public:
            codes[401] = ["MISSING_TOKEN", "INVALID_TOKEN"]
            codes[403] = ["PERMISSION_DENIED"]
        if "{" in route.path:
            codes[404] = ["NOT_FOUND"]
        if route.method in WRITE_METHODS:
            codes[409] = []
        if route.method in ("PUT", "PATCH", "DELETE"):
            codes[412] = ["STALE_VERSION"]
        if route.rate_limit != "none":
            codes[429] = ["RATE_LIMITED"]
        for status, declared in (route.errors or {}).items():
            known = codes.setdefault(status, [])
            known.extend(code for code in declared if code not in known)
        return codes

    def _query_later(self, model: type[BaseModel], parameters: list[dict[str, Any]]) -> None:
        """The query model's fields become `in: query` parameters once its schema is resolved."""
        holder: dict[str, Any] = {}
        self._schema_later(holder, "schema", model, "validation")
        self.query_parameters.append((holder, parameters, len(parameters)))

    def _schema_later(self, target: dict[str, Any], key: str, annotation: Any, mode: str) -> None:
        schema_key = (repr(annotation), mode)
        if schema_key not in self.adapters:
            self.adapters[schema_key] = TypeAdapter(annotation)
        self.pending.append((target, key, schema_key))

    def _resolve_schemas(self) -> dict[str, Any]:
        components: dict[str, Any] = {}
        if self.adapters:
            requests = [(key, key[1], adapter) for key, adapter in self.adapters.items()]
            mapping, definitions = TypeAdapter.json_schemas(requests, by_alias=True, ref_template=REF_TEMPLATE)
            components.update(definitions.get("$defs", {}))
            for target, key, schema_key in self.pending:
                target[key] = mapping[(schema_key, schema_key[1])]
        query_models = set()
        for holder, parameters, position in self.query_parameters:
            parameters[position:position] = _parameters_of(holder["schema"], components)
            query_models.add(holder["schema"].get("$ref", "").rsplit("/", 1)[-1])
        # A query model is spelled out as parameters; keep its schema only if a body or response uses it.
        for name in query_models - {""}:
            elsewhere = {key: value for key, value in components.items() if key != name}
            if f'"{REF_TEMPLATE.format(model=name)}"' not in json.dumps([self.paths, elsewhere]):
                components.pop(name, None)
        components["Error"] = ERROR_SCHEMA
        components["Health"] = HEALTH_SCHEMA
        return dict(sorted(components.items()))

    # -- assembly -------------------------------------------------------------------------------
    def _operation_id(self, wanted: str) -> str:
        base = re.sub(r"\W", "_", wanted)
        candidate, suffix = base, 2
        while candidate in self.operation_ids:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        self.operation_ids.add(candidate)
        return candidate

    def _put(self, path: str, method: str, operation: dict[str, Any]) -> None:
        item = self.paths.setdefault(path, {})
        if method in item:
            raise ValueError(f"two routes declare {method.upper()} {path}")
        item[method] = operation

    def document(self, version: str, specs: list[FunctionSpec]) -> dict[str, Any]:
        schemas = self._resolve_schemas()
        for item in self.paths.values():
            for operation in item.values():
                if not operation.get("parameters", True):
                    del operation["parameters"]
        responses = {
            name: {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                **({"headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}} if retry else {}),
            }
            for name, description, retry in ERROR_RESPONSES.values()
        }
        return {
            "openapi": OPENAPI_VERSION,
            "info": {
                "title": "RNRL TradeHub API",
                "version": version,
                "description": "The backend of RNRL's cotton trading desk: identity, masters, partners and "
                               "KYC, trade desk, contracts and notifications. JSON with camelCase fields; "
                               "errors are `{code, message, details}`; lists are `{items, nextPageToken}`.",
            },
            "tags": [{"name": spec.name, "description": f"The `{spec.name}` function: "
                                                        + ", ".join(spec.prefixes)} for spec in specs],
            "paths": dict(sorted(self.paths.items())),
            "components": {
                "schemas": schemas,
                "responses": responses,
                "headers": {"RetryAfter": {"description": "Seconds to wait before retrying",
                                           "schema": {"type": "integer", "minimum": 1}}},
                "securitySchemes": SECURITY_SCHEMES,
            },
        }


def _parameters_of(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    """`in: query` parameters from a query model's schema (a $ref into components, or inline)."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = components[ref.rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("description"):
            parameter["description"] = prop["description"]
        if prop.get("type") == "array" or "array" in [option.get("type") for option in prop.get("anyOf", [])]:
            parameter["style"], parameter["explode"] = "form", True
        parameters.append(parameter)
    return parameters
