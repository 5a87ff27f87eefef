"""Firestore access: one lazily created client, reads, and the bookkeeping fields of documents.

State changes run in a unit of work (shared/uow.py).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from shared import clock
from shared.config import settings
from shared.groupcall import GroupCall
from shared.metrics import instrument_firestore

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot, Transaction

_client: Client | None = None
_client_lock = threading.Lock()
# How long one Firestore call may keep retrying an unavailable backend before the request gives up with
# 503 (the client library's own default is 60 s, longer than a caller should wait).
FIRESTORE_CALL_DEADLINE_SECONDS = 8.0
_BOUNDED_METHODS = ("batch_get_documents", "run_query", "run_aggregation_query", "commit", "begin_transaction",
                    "rollback", "list_documents", "list_collection_ids", "batch_write")


def client() -> Client:
    """The process-wide Firestore client, created on first use."""
    global _client
    if _client is not None:
        return _client
    with _client_lock:         # parallel first requests: one client, wrapped once (not twice, counting twice)
        if _client is None:
            from google.cloud import firestore

            created = firestore.Client(project=settings().project_id)
            _bound_calls(created)
            instrument_firestore(created)
            _client = created
    return _client


def _bound_calls(db: Client) -> None:
    """Give every Firestore call that uses the library's default retry a short overall deadline, so an
    unreachable Firestore becomes a 503 within seconds instead of a request hanging for a minute."""
    from google.api_core import gapic_v1
    from google.api_core import retry as retries
    from google.api_core.exceptions import InternalServerError, ResourceExhausted, ServiceUnavailable

    bounded = retries.Retry(initial=0.1, maximum=2.0, multiplier=1.3, timeout=FIRESTORE_CALL_DEADLINE_SECONDS,
                            predicate=retries.if_exception_type(ServiceUnavailable, InternalServerError,
                                                                ResourceExhausted))
    api = db._firestore_api  # the GAPIC client; private, but its methods are the one place all calls pass

    def with_deadline(method: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("retry", gapic_v1.method.DEFAULT) is gapic_v1.method.DEFAULT:
                kwargs["retry"] = bounded
            if kwargs.get("timeout") in (None, gapic_v1.method.DEFAULT):
                kwargs["timeout"] = FIRESTORE_CALL_DEADLINE_SECONDS
            return method(*args, **kwargs)

        return call

    for name in _BOUNDED_METHODS:
        setattr(api, name, with_deadline(getattr(api, name)))


def reset_client() -> None:
    """Forget the client (tests that switch projects or emulators)."""
    global _client
    _client = None


def collection(name: str):
    return client().collection(name)


def get_all(refs: Iterable[DocumentReference], transaction: Transaction | None = None) -> dict[str, DocumentSnapshot]:
    """Batched read of many documents in one round trip: {path: snapshot} (missing ones included)."""
    refs = list(refs)
    if not refs:
        return {}
    return {snap.reference.path: snap for snap in client().get_all(refs, transaction=transaction)}


def _read_batch(refs: list[DocumentReference]) -> list[DocumentSnapshot]:
    by_path = {ref.path: ref for ref in refs}
    found = {snap.reference.path: snap for snap in client().get_all(list(by_path.values()))}
    return [found[ref.path] for ref in refs]


_reads: GroupCall[DocumentReference, DocumentSnapshot] = GroupCall(_read_batch, reads=1)


def read_document(ref: DocumentReference) -> DocumentSnapshot:
    """A fresh read of one document (as `ref.get()`), outside transactions. Concurrent reads of this
    instance share one BatchGetDocuments that starts after each of them asked (shared/groupcall.py): as
    exact as a read of its own, one RPC instead of one per request under parallel load."""
    return _reads(ref)


def stamp_new(data: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    """createdAt/updatedAt/createdBy/version for a new document."""
    moment = clock.now()
    return {**data, "createdAt": moment, "updatedAt": moment, "createdBy": actor_id, "updatedBy": actor_id,
            "version": 1, "deletedAt": None}


def stamp_update(data: dict[str, Any], actor_id: str | None, current_version: int) -> dict[str, Any]:
    return {**data, "updatedAt": clock.now(), "updatedBy": actor_id, "version": current_version + 1}
