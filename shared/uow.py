"""The unit of work every state change runs in, and `run_in_transaction`.

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

from shared import audit, metrics, timers
from shared.db import client, get_all
from shared.errors import ServiceUnavailable
from shared.events import outbox, relay

if TYPE_CHECKING:
    from datetime import datetime

    from google.cloud.firestore import DocumentReference, DocumentSnapshot, Transaction

    from shared.auth.principal import Actor

T = TypeVar("T")
# Called with each unit of work of this context that is about to commit writes, inside its transaction:
# the request's Idempotency-Key binds itself to the work this way (shared/http/idempotency.py).
before_commit: ContextVar[Callable[[UnitOfWork], None] | None] = ContextVar("before_commit", default=None)
MAX_TRANSACTION_ATTEMPTS = 60
CONTENTION = "CONTENTION"
# After a transaction of this process aborted, its transactions take turns for CONTENDED_SECONDS
# (run_in_transaction). Reentrant: a unit of work may run another transaction.
CONTENDED_SECONDS = 2.0
_turn = threading.RLock()
_contended_until = 0.0          # time.monotonic() until which transactions take turns


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
        audit.write_entry(self, action, entity, entity_id, before, after, extra)

    def emit(self, event_type: Any, data: dict[str, Any] | None = None, *, subject: str | None = None) -> str:
        """Write an outbox event in this transaction; it is published after the commit."""
        return outbox.write_event(self, event_type, data, subject)

    def schedule_timer(self, name: str, entity_id: str, version: int, fire_at: datetime,
                       payload: Any = None) -> str:
        """Schedule timer `name` of shared/timers.py for this entity version; its task is created after the commit."""
        return timers.schedule(self, name, entity_id, version, fire_at, payload)


def run_in_transaction(work: Callable[[UnitOfWork], T], actor: Actor | None = None, *,
                       read_only: bool = False, publish: bool = True) -> T:
    """Run `work(uow)` in one Firestore transaction, retrying on contention, then publish its events.

    The client library retries an aborted transaction immediately, which starves under contention on
    the emulator; we retry with jittered exponential backoff instead. Transactions run in parallel until
    one of this process aborts; then, for CONTENDED_SECONDS after the latest abort, they take turns
    (`_turn`). Many requests on one document (twenty acceptances of one request, a counter) would
    otherwise keep aborting each other, each collision costing a lock timeout, until they give up; in
    turns each commits at its first try. Work that still cannot commit after MAX_TRANSACTION_ATTEMPTS is
    503 CONTENTION with Retry-After, having changed nothing.
    """
    global _contended_until
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
            if time.monotonic() < _contended_until:
                with _turn:
                    result = body(transaction)
            else:
                result = body(transaction)
            break
        except (Aborted, ValueError) as error:
            retryable = isinstance(error, Aborted) or "Failed to commit transaction" in str(error)
            if not retryable:
                raise
            _contended_until = time.monotonic() + CONTENDED_SECONDS
            metrics.count_retry()
            if attempt >= MAX_TRANSACTION_ATTEMPTS:
                raise ServiceUnavailable(CONTENTION, "Too many concurrent changes of the same records; nothing "
                                         "was changed, try again shortly", retry_after=1) from error
            time.sleep(min(2.0, 0.01 * (2 ** attempt)) * random.uniform(0.5, 1.5))
    if publish and uow_holder and uow_holder[0].events:
        relay.publish_after_commit(uow_holder[0].events)
    return result
