"""Firestore access: one lazily created client and the unit of work every state change runs in.

A unit of work is one Firestore transaction that changes state, appends the audit entries and
writes the outbox events together (DESIGN.md §5 step 6). Events are published after the commit.
"""
from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from shared import clock

if TYPE_CHECKING:
    from datetime import datetime

    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot, Transaction

    from shared.auth.principal import Actor

T = TypeVar("T")
_client: Client | None = None
_client_lock = threading.Lock()
# Called with each unit of work of this context that is about to commit writes, inside its transaction:
# the request's Idempotency-Key binds itself to the work this way (shared/http/idempotency.py).
before_commit: ContextVar[Callable[[UnitOfWork], None] | None] = ContextVar("before_commit", default=None)
MAX_TRANSACTION_ATTEMPTS = 60
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

            from shared.config import settings
            from shared.metrics import instrument_firestore

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


def stamp_new(data: dict[str, Any], actor_id: str | None) -> dict[str, Any]:
    """createdAt/updatedAt/createdBy/version for a new document."""
    moment = clock.now()
    return {**data, "createdAt": moment, "updatedAt": moment, "createdBy": actor_id, "updatedBy": actor_id,
            "version": 1, "deletedAt": None}


def stamp_update(data: dict[str, Any], actor_id: str | None, current_version: int) -> dict[str, Any]:
    return {**data, "updatedAt": clock.now(), "updatedBy": actor_id, "version": current_version + 1}


@dataclass
class UnitOfWork:
    """Handed to the function run inside a transaction.

    Writes are queued and applied to the transaction only when the function returns, so reads may
    come after writes in the code: Firestore itself refuses a read once a transaction holds a write,
    which would stop helpers that each read then write (a counter, a user creation) from composing.
    Reads never see the queued writes, as in any Firestore transaction; `counters` holds what this
    unit of work reserved from numbering counters (shared/numbering.py), so two numbers from one
    counter are consecutive.
    """

    transaction: Transaction
    actor: Actor | None
    events: list[dict[str, Any]] = field(default_factory=list)
    _writes: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    counters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, ref: DocumentReference) -> DocumentSnapshot:
        return ref.get(transaction=self.transaction)

    def get_all(self, refs: Iterable[DocumentReference]) -> dict[str, DocumentSnapshot]:
        return get_all(refs, transaction=self.transaction)

    def query(self, query: Any) -> list[DocumentSnapshot]:
        return list(query.stream(transaction=self.transaction))

    def create(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writes.append(("create", (ref, data), {}))

    def set(self, ref: DocumentReference, data: dict[str, Any], merge: bool = False) -> None:
        self._writes.append(("set", (ref, data), {"merge": merge}))

    def update(self, ref: DocumentReference, data: dict[str, Any]) -> None:
        self._writes.append(("update", (ref, data), {}))

    def delete(self, ref: DocumentReference) -> None:
        self._writes.append(("delete", (ref,), {}))

    def flush(self) -> None:
        """Apply the queued writes to the transaction (run_in_transaction does this before committing)."""
        writes, self._writes = self._writes, []
        for name, args, kwargs in writes:
            getattr(self.transaction, name)(*args, **kwargs)

    def audit(self, action: str, entity: str, entity_id: str, before: dict | None = None,
              after: dict | None = None, **extra: Any) -> None:
        from shared.audit import write_entry

        write_entry(self, action, entity, entity_id, before, after, extra)

    def emit(self, event_type: str, data: dict[str, Any], *, subject: str | None = None) -> str:
        """Write an outbox event in this transaction; it is published after the commit."""
        from shared.events.outbox import write_event

        return write_event(self, event_type, data, subject)

    def schedule_timer(self, name: str, entity_id: str, version: int, fire_at: datetime,
                       payload: Any = None) -> str:
        """Schedule timer `name` of shared/timers.py for this entity version; its task is created after the commit."""
        from shared.timers import schedule

        return schedule(self, name, entity_id, version, fire_at, payload)


def run_in_transaction(work: Callable[[UnitOfWork], T], actor: Actor | None = None, *,
                       read_only: bool = False, publish: bool = True) -> T:
    """Run `work(uow)` in one Firestore transaction, retrying on contention, then publish its events.

    The client library retries an aborted transaction immediately, which starves under contention on
    the emulator; we retry with jittered exponential backoff instead, so that a handful of writers on
    one document (a counter, an offer being accepted) all get through.
    """
    from google.api_core.exceptions import Aborted
    from google.cloud import firestore

    db = client()
    attempt = 0
    uow_holder: list[UnitOfWork] = []

    @firestore.transactional
    def body(transaction: Transaction) -> T:
        uow = UnitOfWork(transaction, actor)
        uow_holder[:] = [uow]
        result = work(uow)
        hook = before_commit.get()
        if hook is not None and uow._writes:
            hook(uow)
        uow.flush()
        return result

    while True:
        attempt += 1
        transaction = db.transaction(max_attempts=1, read_only=read_only)
        try:
            result = body(transaction)
            break
        except (Aborted, ValueError) as error:
            retryable = isinstance(error, Aborted) or "Failed to commit transaction" in str(error)
            if not retryable or attempt >= MAX_TRANSACTION_ATTEMPTS:
                raise
            time.sleep(min(2.0, 0.01 * (2 ** attempt)) * random.uniform(0.5, 1.5))
    if publish and uow_holder and uow_holder[0].events:
        from shared.events.outbox import publish_after_commit

        publish_after_commit(uow_holder[0].events)
    return result
