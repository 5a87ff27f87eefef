"""`Idempotency-Key` for creating POSTs: a replay returns the first response and writes nothing.

The key is scoped to the caller (user, or IP when anonymous) and the route. The first request
reserves the key in a transaction; a concurrent duplicate gets 409 while the first is in flight; a
replay with a different body gets 422. Records expire after 24 hours (a Firestore TTL policy on
`expiresAt`, declared in infra).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from shared import clock
from shared.errors import ApiError, Conflict, Unprocessable
from shared.http.request import ApiRequest, ApiResponse
from shared.http.router import Route

IDEMPOTENCY = "idempotencyKeys"
TTL = timedelta(hours=24)
IN_PROGRESS, DONE = "IN_PROGRESS", "DONE"


def _record_id(request: ApiRequest, route: Route) -> str:
    owner = request.principal.user_id if request.principal else f"ip:{request.ip}"
    raw = f"{owner}|{route.method}|{request.path}|{request.idempotency_key}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _body_hash(request: ApiRequest) -> str:
    return hashlib.sha256(json.dumps(request.raw_json, sort_keys=True, default=str).encode()).hexdigest()


def run_idempotent(request: ApiRequest, route: Route, call: Callable[[], ApiResponse]) -> ApiResponse:
    from shared.db import collection, run_in_transaction

    if len(request.idempotency_key or "") > 200:
        raise Unprocessable("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key is longer than 200 characters")
    ref = collection(IDEMPOTENCY).document(_record_id(request, route))
    body_hash = _body_hash(request)

    def reserve(uow) -> dict | None:
        snapshot = uow.get(ref)
        if snapshot.exists:
            record = snapshot.to_dict()
            if record["expiresAt"] > clock.now():
                return record
        uow.set(ref, {"status": IN_PROGRESS, "bodyHash": body_hash, "createdAt": clock.now(),
                      "expiresAt": clock.now() + TTL})
        return None

    existing = run_in_transaction(reserve)
    if existing is not None:
        if existing["bodyHash"] != body_hash:
            raise Unprocessable("IDEMPOTENCY_KEY_REUSED",
                                "This Idempotency-Key was used with a different request body")
        if existing["status"] != DONE:
            raise Conflict("IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still running")
        headers = {**existing.get("headers", {}), "Idempotent-Replayed": "true"}
        return ApiResponse(json.loads(existing["body"]) if existing.get("body") else None,
                           existing["statusCode"], headers)
    try:
        response = call()
    except ApiError as error:
        if error.status >= 500:
            ref.delete()
            raise
        response = ApiResponse(error.body(), error.status, dict(error.headers))
    except BaseException:
        ref.delete()
        raise
    ref.update({"status": DONE, "statusCode": response.status, "headers": response.headers,
                "body": json.dumps(response.body) if response.body is not None else None})
    return response
