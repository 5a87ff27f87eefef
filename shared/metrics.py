"""Per-request counts of Firestore document reads and writes, for benchmarks and tests.

The counts come from the Firestore RPCs themselves (documents returned by BatchGetDocuments, GetDocument
and RunQuery, aggregation queries, writes in Commit), so they match what Firestore bills, whatever code
issued the calls. The pipeline starts a fresh count per request and, outside production, returns it
in the `X-Firestore-Reads` / `X-Firestore-Writes` response headers, with `X-Transaction-Retries` (how
many of its transactions aborted and ran again, the cost of contention).
"""
from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class FirestoreOps:
    reads: int = 0
    writes: int = 0
    retries: int = 0               # transactions of the request that aborted and ran again (shared/uow.py)


_current: contextvars.ContextVar[FirestoreOps | None] = contextvars.ContextVar("firestore_ops", default=None)


def start_counting() -> tuple[FirestoreOps, contextvars.Token]:
    ops = FirestoreOps()
    return ops, _current.set(ops)


def stop_counting(token: contextvars.Token) -> None:
    _current.reset(token)


def current() -> FirestoreOps | None:
    """The counters of the request this code runs for (None outside a counted request)."""
    return _current.get()


@contextmanager
def paused() -> Iterator[None]:
    """Count nothing inside (a group call's batch RPC: shared/groupcall.py counts each caller itself)."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def count_retry() -> None:
    ops = _current.get()
    if ops is not None:
        ops.retries += 1


def _count(reads: int = 0, writes: int = 0) -> None:
    ops = _current.get()
    if ops is not None:
        ops.reads += reads
        ops.writes += writes


def instrument_firestore(client: Any) -> None:
    """Wrap the GAPIC methods of `client` that read or write documents."""
    api = client._firestore_api  # creates the GAPIC client once; private, but only counted here

    def streaming(method_name: str, counts: Any) -> None:
        original = getattr(api, method_name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for response in original(*args, **kwargs):
                _count(reads=counts(response))
                yield response

        setattr(api, method_name, wrapper)

    # A lookup of a missing document is billed as a read too.
    streaming("batch_get_documents", lambda response: 1 if (response.found or response.missing) else 0)
    streaming("run_query", lambda response: 1 if response.document else 0)
    # An aggregation (count/sum/avg) is billed as one read per 1,000 index entries; count it as one.
    streaming("run_aggregation_query", lambda response: 1 if response.result else 0)

    original_get = api.get_document

    def get_document(*args: Any, **kwargs: Any) -> Any:
        from google.api_core.exceptions import NotFound

        try:
            document = original_get(*args, **kwargs)
        except NotFound:
            _count(reads=1)
            raise
        _count(reads=1)
        return document

    api.get_document = get_document

    original_commit = api.commit

    def commit(*args: Any, **kwargs: Any) -> Any:
        request = kwargs.get("request") or (args[0] if args else None)
        writes = request.get("writes", []) if isinstance(request, dict) else getattr(request, "writes", [])
        _count(writes=len(writes or []))
        return original_commit(*args, **kwargs)

    api.commit = commit
