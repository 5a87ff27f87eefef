"""`Idempotency-Key` for creating POSTs: a replay returns the first response and writes nothing.

The key is scoped to the caller (user, or IP when anonymous) and the route. The first request
reserves the key in a transaction with a lease (`IN_PROGRESS`, `owner`, `leaseExpiresAt`): a
concurrent duplicate gets 409 while the lease runs, and a retry after it ran out (the holder died)
takes the key over. Every unit of work of the handler that writes checks, in its own transaction,
that this request still owns the key and marks it `COMMITTED`; so of a holder and the one that took
its key over only one can write, and once the work has committed the key is kept whatever fails
later: a retry then gets 409 IDEMPOTENCY_KEY_USED instead of writing twice (IN_PROGRESS while the
holder may still answer). When the handler answers, the key becomes `DONE` with the response, which
replays. A replay with a different body
gets 422. Records expire after 24 hours (a Firestore TTL policy on `expiresAt`, declared in infra).
"""
from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from shared import clock
from shared.db import collection
from shared.errors import ApiError, Conflict, Unprocessable
from shared.http.request import ApiRequest, ApiResponse
from shared.http.router import Route
from shared.uow import before_commit, run_in_transaction

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

IDEMPOTENCY = "idempotencyKeys"
TTL = timedelta(hours=24)
LEASE = timedelta(seconds=150)          # longer than any HTTP function may run (120 s, functions.tf)
IN_PROGRESS, COMMITTED, DONE = "IN_PROGRESS", "COMMITTED", "DONE"


def record_id(request: ApiRequest, route: Route) -> str:
    owner = request.principal.user_id if request.principal else f"ip:{request.ip}"
    raw = f"{owner}|{route.method}|{request.path}|{request.idempotency_key}"
    return hashlib.sha256(raw.encode()).hexdigest()


def body_hash(request: ApiRequest) -> str:
    return hashlib.sha256(json.dumps(request.raw_json, sort_keys=True, default=str).encode()).hexdigest()


def lease_end(record: dict[str, Any]) -> Any:
    return record.get("leaseExpiresAt") or record["createdAt"] + LEASE


def run_idempotent(request: ApiRequest, route: Route, call: Callable[[], ApiResponse]) -> ApiResponse:
    if len(request.idempotency_key or "") > 200:
        raise Unprocessable("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key is longer than 200 characters")
    ref = collection(IDEMPOTENCY).document(record_id(request, route))
    wanted = body_hash(request)
    owner = secrets.token_hex(16)

    def reserve(uow: UnitOfWork) -> dict[str, Any] | None:
        snapshot = uow.get(ref)
        record = snapshot.to_dict() if snapshot.exists else None
        now = clock.now()
        if record is not None and record["expiresAt"] > now and (
                record["bodyHash"] != wanted or record["status"] != IN_PROGRESS or lease_end(record) > now):
            return record
        uow.set(ref, {"status": IN_PROGRESS, "bodyHash": wanted, "owner": owner, "createdAt": now,
                      "leaseExpiresAt": now + LEASE, "expiresAt": now + TTL})
        return None

    existing = run_in_transaction(reserve)
    if existing is not None:
        return _answer_existing(existing, wanted)

    def bound_call() -> ApiResponse:
        hook = before_commit.set(lambda uow: _bind(uow, ref, owner))
        try:
            return call()
        finally:
            before_commit.reset(hook)

    try:
        response = bound_call()
    except ApiError as error:
        if error.status >= 500:
            _release(ref, owner)
            raise
        response = ApiResponse(error.body(), error.status, dict(error.headers))
    except BaseException:
        _release(ref, owner)
        raise
    _finish(ref, owner, response)
    return response


def _answer_existing(record: dict[str, Any], wanted: str) -> ApiResponse:
    if record["bodyHash"] != wanted:
        raise Unprocessable("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request body")
    if record["status"] == COMMITTED and lease_end(record) <= clock.now():
        raise Conflict("IDEMPOTENCY_KEY_USED", "The request with this Idempotency-Key was carried out but its "
                                               "answer was lost; read the result instead of retrying")
    if record["status"] != DONE:                    # running, or committed and about to answer
        wait = max(1, math.ceil((lease_end(record) - clock.now()).total_seconds()))
        raise Conflict("IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still running",
                       headers={"Retry-After": str(wait)})
    headers = {**record.get("headers", {}), "Idempotent-Replayed": "true"}
    return ApiResponse(json.loads(record["body"]) if record.get("body") else None, record["statusCode"], headers)


def _bind(uow: UnitOfWork, ref: Any, owner: str) -> None:
    """In the handler's writing transaction: refuse unless this request still holds the key; mark it
    COMMITTED with that work."""
    snapshot = uow.get(ref)
    record = snapshot.to_dict() if snapshot.exists else None
    if record is None or record.get("owner") != owner:
        raise Conflict("IDEMPOTENCY_IN_PROGRESS", "Another request took this Idempotency-Key over; nothing was written")
    if record["status"] == IN_PROGRESS:
        uow.update(ref, {"status": COMMITTED, "committedAt": clock.now()})


def _release(ref: Any, owner: str) -> None:
    """After a failure: free the key for a retry, unless the work already committed: then keep it and
    end the lease (a retry learns at once that the work was done)."""
    def work(uow: UnitOfWork) -> None:
        snapshot = uow.get(ref)
        record = snapshot.to_dict() if snapshot.exists else None
        if record is None or record.get("owner") != owner:
            return
        if record["status"] == IN_PROGRESS:
            uow.delete(ref)
        else:
            uow.update(ref, {"leaseExpiresAt": clock.now()})

    run_in_transaction(work)


def _finish(ref: Any, owner: str, response: ApiResponse) -> None:
    def work(uow: UnitOfWork) -> None:
        snapshot = uow.get(ref)
        record = snapshot.to_dict() if snapshot.exists else None
        if record is not None and record.get("owner") == owner:
            uow.update(ref, {"status": DONE, "statusCode": response.status, "headers": response.headers,
                             "body": json.dumps(response.body) if response.body is not None else None})

    run_in_transaction(work)
