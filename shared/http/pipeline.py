"""One request, step by step (DESIGN.md §5): parse, authenticate, rate-limit, authorize, validate, act,
respond. Every HTTP function hands its flask request to `handle` with its router. A CORS preflight
(`OPTIONS`) is answered first, without any of those steps (shared/http/cors.py).

Nothing leaves as a stack trace: ApiErrors become their JSON answer, an unreachable dependency
becomes 503 with Retry-After, anything else is logged with its trace and answered 500 INTERNAL.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from pydantic import BaseModel, ValidationError

from shared.auth.guard import authenticate
from shared.config import settings
from shared.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    Unprocessable,
    UnsupportedMediaType,
)
from shared.health import health
from shared.http import cors
from shared.http.idempotency import run_idempotent
from shared.http.request import ApiRequest, ApiResponse
from shared.http.router import Route, Router
from shared.jsonconv import to_jsonable
from shared.logging import get_logger, log, request_id_var, trace_var
from shared.metrics import start_counting, stop_counting
from shared.models import INPUT_CONTEXT, is_document_id
from shared.ratelimit import enforce

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32          # no body of this API nests deeper; deeper ones would exhaust the stack
BODY_METHODS = ("POST", "PUT", "PATCH")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
logger = get_logger("http")


def handle(router: Router, request: Any, prefixes: tuple[str, ...] = ()) -> Any:
    """Serve one flask request with `router`; returns a flask Response."""
    started = time.perf_counter()
    request_id = request.headers.get("X-Request-Id", "")
    if not _REQUEST_ID.match(request_id):     # a caller's id goes into logs and headers: keep it tame
        request_id = uuid.uuid4().hex
    request_token = request_id_var.set(request_id)
    trace_token = trace_var.set(_trace(request))
    api_request = ApiRequest(
        method=request.method,
        path=request.path,
        request_id=request_id,
        ip=_client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
        headers={k.lower(): v for k, v in request.headers.items()},
    )

    ops, ops_token = start_counting()
    try:
        response = _dispatch(router, request, api_request, prefixes)
    except ApiError as error:
        response = ApiResponse(error.body(), error.status, dict(error.headers))
    except Exception as error:  # noqa: BLE001 - the last wall: map, log, never leak a trace
        mapped = _dependency_error(error)
        if mapped is not None and mapped.status == 409:
            response = ApiResponse(mapped.body(), 409)
        elif mapped is not None:
            log(logger, logging.WARNING, "dependency unavailable", error=repr(error)[:500])
            response = ApiResponse(mapped.body(), mapped.status, dict(mapped.headers))
        else:
            logger.exception("unhandled error", extra={"fields": {"path": request.path}})
            response = ApiResponse({"code": "INTERNAL", "message": "Internal error; it has been logged",
                                    "details": {"requestId": request_id}}, 500)
    finally:
        stop_counting(ops_token)

    for name, value in cors.response_headers(request.headers.get("Origin")).items():
        response.headers.setdefault(name, value)      # a preflight keeps its own
    try:
        if not settings().is_production:
            response.headers["X-Firestore-Reads"] = str(ops.reads)
            response.headers["X-Firestore-Writes"] = str(ops.writes)
            response.headers["X-Transaction-Retries"] = str(ops.retries)
        elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
        # Still inside the request's context: the access line carries the request id and trace too.
        log(logger, logging.INFO, "request", method=request.method, path=request.path, status=response.status,
            latencyMs=elapsed_ms, firestoreReads=ops.reads, firestoreWrites=ops.writes,
            userId=api_request.principal.user_id if api_request.principal else None)
        return to_flask(response, request_id)
    finally:
        request_id_var.reset(request_token)
        trace_var.reset(trace_token)


def _dispatch(router: Router, request: Any, api_request: ApiRequest, prefixes: tuple[str, ...]) -> ApiResponse:
    method, path = request.method, request.path.rstrip("/") or "/"
    if method == "GET" and any(path == f"{prefix}/health" for prefix in prefixes):
        return ApiResponse(health(router.function_name))
    if method == "OPTIONS":
        # A CORS preflight: before authentication, rate limits and any Firestore access.

        is_health = any(path == f"{prefix}/health" for prefix in prefixes)
        methods = ["GET"] if is_health else router.allowed_methods(path)
        if not methods:
            raise NotFound("ROUTE_NOT_FOUND", f"No route for {path}")
        return cors.preflight(request.headers.get("Origin"), methods)
    route, params, path_known = router.resolve(method, path)
    if route is None:
        if path_known:
            allowed = router.allowed_methods(path)
            raise MethodNotAllowed("METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}",
                                   {"allowed": allowed}, headers={"Allow": ", ".join(allowed)})
        raise NotFound("ROUTE_NOT_FOUND", f"No route for {method} {path}")

    payload = _read_json(request, route)
    api_request.raw_json = payload
    if not route.public:
        api_request.principal = authenticate(request.headers.get("Authorization"),
                                             allow_restricted=route.allow_restricted)

    enforce(route.rate_limit, api_request)
    if not route.public and not api_request.user.has(route.permission or ""):
        raise Forbidden("PERMISSION_DENIED", f"This needs the permission {route.permission}",
                        {"permission": route.permission})
    _check_path_ids(params)
    if route.body is not None:
        api_request.body = validate(route.body, payload if payload is not None else {})
    if route.query is not None:
        api_request.query = validate(route.query, _query_args(request, route.query))

    if route.idempotent and api_request.idempotency_key:
        return run_idempotent(api_request, route, lambda: _call(route, api_request, params))
    return _call(route, api_request, params)


def _call(route: Route, api_request: ApiRequest, params: dict[str, str]) -> ApiResponse:
    result = route.handler(api_request, **params)
    if isinstance(result, ApiResponse):
        result.body = to_jsonable(result.body)
        return result
    if result is None and route.status in (200, 204):
        return ApiResponse(None, 204)
    return ApiResponse(to_jsonable(result), route.status)


def _check_path_ids(params: dict[str, str]) -> None:
    """A path id Firestore would refuse (`..`, `__x__`, over 1,500 bytes...) names nothing: 404."""
    for name, value in params.items():
        if not is_document_id(value):
            raise NotFound("NOT_FOUND", f"No such {name}", {"parameter": name})


def validate(model: type[BaseModel], data: Any) -> BaseModel:
    """Validate request input `data` against `model` (text cleaned, shared/models.py); 422 with one
    entry per field error."""
    try:
        return model.model_validate(data, context=INPUT_CONTEXT)
    except ValidationError as error:
        fields = [
            {"field": ".".join(str(part) for part in item["loc"]) or "(body)",
             "message": item["msg"], "type": item["type"]}
            for item in error.errors(include_url=False, include_input=False)
        ]
        raise Unprocessable("VALIDATION_FAILED", "The request has invalid fields", {"fields": fields}) from None


def _read_json(request: Any, route: Route) -> Any:
    if request.method not in BODY_METHODS:
        return None
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise PayloadTooLarge("PAYLOAD_TOO_LARGE", f"The body is larger than {MAX_BODY_BYTES} bytes")
    raw = request.stream.read(MAX_BODY_BYTES + 1) if length is None else request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge("PAYLOAD_TOO_LARGE", f"The body is larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        return None
    mimetype = (request.mimetype or "").lower()
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json",
                                   {"contentType": request.content_type})
    try:
        payload = json.loads(raw)
    except RecursionError:
        payload = None
        too_deep = True
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest("MALFORMED_JSON", f"The body is not valid JSON: {error}") from None
    else:
        too_deep = _depth_exceeds(payload, MAX_JSON_DEPTH)
    if too_deep:
        raise BadRequest("JSON_TOO_DEEP", f"The body nests deeper than {MAX_JSON_DEPTH} levels",
                         {"maxDepth": MAX_JSON_DEPTH})
    return payload


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests objects/arrays deeper than `limit` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _query_args(request: Any, model: type[BaseModel]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    list_fields = {
        (info.alias or name) for name, info in model.model_fields.items()
        if getattr(info.annotation, "__origin__", None) is list
    }
    for key in request.args:
        values = request.args.getlist(key)
        args[key] = values if key in list_fields else values[-1]
    return args


def _client_ip(request: Any) -> str:
    """The caller's address. Each trusted proxy (Google's front end, a load balancer) appends the
    address it saw to X-Forwarded-For, so the client's own entries come first and cannot be trusted:
    the caller is the entry `TRUSTED_PROXY_HOPS` from the end."""
    hops = settings().trusted_proxy_hops
    entries = [entry.strip() for entry in request.headers.get("X-Forwarded-For", "").split(",") if entry.strip()]
    if hops > 0 and entries:
        return entries[-min(hops, len(entries))][:64]
    return (request.remote_addr or "")[:64]


_TRACE_ID = re.compile(r"^[0-9a-fA-F]{32}$")


def _trace(request: Any) -> str | None:
    """The Cloud Trace resource of this request, from `X-Cloud-Trace-Context: TRACE/SPAN;o=1` or the
    W3C `traceparent: 00-TRACE-SPAN-01` (Cloud Run sends both); None when neither carries a trace id."""
    trace_id = request.headers.get("X-Cloud-Trace-Context", "").split("/")[0].split(";")[0]
    if not _TRACE_ID.match(trace_id):
        parts = request.headers.get("traceparent", "").split("-")
        trace_id = parts[1] if len(parts) >= 4 else ""
    if not _TRACE_ID.match(trace_id):
        return None

    return f"projects/{settings().project_id}/traces/{trace_id.lower()}"


def _dependency_error(error: Exception) -> ApiError | None:
    """503 for an unreachable Firestore, Pub/Sub, Storage or Tasks; 409 for a document that a concurrent
    request created first (a `create` failing at commit); None for everything else."""
    try:
        from google.api_core import exceptions as gexc
        from google.auth.exceptions import TransportError
    except ImportError:  # pragma: no cover
        return None
    if isinstance(error, gexc.AlreadyExists):
        return Conflict("ALREADY_EXISTS", "A concurrent request created this record first; reload and retry")
    unavailable = (gexc.ServiceUnavailable, gexc.DeadlineExceeded, gexc.RetryError, TransportError)
    # Client libraries sometimes wrap an outage in another error (a transaction that cannot roll back
    # raises ValueError while handling the RetryError of its begin): look down the chain.
    seen: Exception | BaseException | None = error
    for _ in range(5):
        if seen is None:
            break
        if isinstance(seen, unavailable):
            return ServiceUnavailable("DEPENDENCY_UNAVAILABLE", "A backing service is unavailable; try again shortly")
        seen = seen.__cause__ or seen.__context__
    return None


def to_flask(response: ApiResponse, request_id: str) -> Any:
    from flask import Response

    headers = {"X-Request-Id": request_id, "Cache-Control": "no-store", **response.headers}
    if response.status == 204 or response.body is None:
        return Response(status=response.status if response.body is None else 204, headers=headers)
    if isinstance(response.body, (str, bytes)) and "Content-Type" in response.headers:
        return Response(response.body, status=response.status, headers=headers)
    body = json.dumps(response.body, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=response.status, headers=headers, mimetype="application/json")


def framework_error(error: Any) -> Any:
    """A JSON answer for an HTTP error the Functions Framework raises before `handle` runs."""
    status = int(getattr(error, "code", None) or 500)
    codes = {400: "BAD_REQUEST", 404: "ROUTE_NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
    body = {"code": codes.get(status, "HTTP_ERROR"), "message": getattr(error, "description", None) or "Error",
            "details": {}}
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
        body["details"] = {"allowed": sorted(error.valid_methods)}
    return to_flask(ApiResponse(body, status, headers), uuid.uuid4().hex)
