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
_BOUNDED_METHODS = ("batch_get_documents", "get_document", "run_query", "run_aggregation_query", "commit",
                    "begin_transaction", "rollback", "list_documents", "list_collection_ids", "batch_write")


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


class _Snapshot:
    """A document as read by `read_document`: what callers use of a DocumentSnapshot (`exists`, `id`,
    `reference`, `to_dict()`, `get(field)`, `create_time`, `update_time`; `read_time` only from a batch, a
    GetDocument answers none), decoded from the
    RPC's protobuf on each `to_dict()`. The library's snapshot deep-copies the decoded data when built
    and again on every `to_dict()` (two copies of a large user document per request); decoding afresh
    gives each caller its own objects without either copy."""

    __slots__ = ("_client", "_fields", "_read_time", "create_time", "exists", "read_time", "reference",
                 "update_time")

    def __init__(self, reference: DocumentReference, fields: Any, read_time: Any, create_time: Any = None,
                 update_time: Any = None, *, db: Client) -> None:
        self.reference = reference
        self.exists = fields is not None
        self._fields = fields              # a protobuf map of Values (None: the document does not exist)
        self._client = db
        self.read_time, self.create_time, self.update_time = read_time, create_time, update_time

    @property
    def id(self) -> str:
        return self.reference.id

    def to_dict(self) -> dict[str, Any] | None:
        if self._fields is None:
            return None
        from google.cloud.firestore_v1._helpers import decode_dict

        return decode_dict(self._fields, self._client)

    def get(self, field_path: str) -> Any:
        from google.cloud.firestore_v1 import field_path as field_path_module

        if self._fields is None:
            return None
        return field_path_module.get_nested_value(field_path, self.to_dict())


def _timestamp(pb: Any) -> Any:
    from google.api_core.datetime_helpers import DatetimeWithNanoseconds

    return DatetimeWithNanoseconds.from_timestamp_pb(pb)


def _read_batch(refs: list[DocumentReference]) -> list[_Snapshot]:
    """The documents of `refs` (one snapshot per distinct path): a unary GetDocument for one, one
    BatchGetDocuments stream for several. Both are billed as one read per document, found or missing."""
    from google.api_core.exceptions import NotFound
    from google.cloud.firestore_v1.types import BatchGetDocumentsRequest, Document, GetDocumentRequest

    db = client()
    by_path = {ref._document_path: ref for ref in refs}
    found: dict[str, _Snapshot] = {}
    if len(by_path) == 1:
        (path, ref), = by_path.items()
        try:
            document = Document.pb(db._firestore_api.get_document(request=GetDocumentRequest(name=path),
                                                                  metadata=db._rpc_metadata))
        except NotFound:
            found[path] = _Snapshot(ref, None, None, db=db)
        else:
            found[path] = _Snapshot(ref, document.fields, None,
                                    _timestamp(document.create_time), _timestamp(document.update_time), db=db)
    else:
        request = BatchGetDocumentsRequest(database=db._database_string, documents=list(by_path))
        for response in db._firestore_api.batch_get_documents(request=request, metadata=db._rpc_metadata):
            raw = type(response).pb(response)
            read_time = _timestamp(raw.read_time)
            if raw.WhichOneof("result") == "found":
                document = raw.found
                found[document.name] = _Snapshot(by_path[document.name], document.fields, read_time,
                                                 _timestamp(document.create_time), _timestamp(document.update_time),
                                                 db=db)
            else:
                found[raw.missing] = _Snapshot(by_path[raw.missing], None, read_time, db=db)
    return [found[ref._document_path] for ref in refs]


_reads: GroupCall[DocumentReference, _Snapshot] = GroupCall(_read_batch, reads=1)


def read_document(ref: DocumentReference) -> _Snapshot:
    """A fresh read of one document (as `ref.get()`), outside transactions. Concurrent reads of this
    instance share one BatchGetDocuments that starts after each of them asked (shared/groupcall.py): as
    exact as a read of its own, one RPC instead of one per request under parallel load; a read alone is a
    unary GetDocument (no stream: cheaper for the client and the server)."""
    return _reads(ref)


def stamp_new(data: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    """createdAt/updatedAt/createdBy/version for a new document."""
    moment = clock.now()
    return {**data, "createdAt": moment, "updatedAt": moment, "createdBy": actor_id, "updatedBy": actor_id,
            "version": 1, "deletedAt": None}


def stamp_update(data: dict[str, Any], actor_id: str | None, current_version: int) -> dict[str, Any]:
    return {**data, "updatedAt": clock.now(), "updatedBy": actor_id, "version": current_version + 1}
