"""Group calls: the Firestore calls that concurrent requests of one instance make at the same moment, made
as one RPC (a group commit, a batched read).

When a web client opens a page it sends several requests at once; each needs the same kind of call (the
session read, the rate-limit increment). One RPC per call makes them queue on the instance and on
Firestore; a group call makes one RPC for all of them:

- the first caller runs its call at once, alone (no waiting when there is no concurrency);
- callers that arrive while a run is in flight queue; when it ends, the first of them runs one batch for
  every caller queued by then.

Every call is therefore served by a run that *starts after the call arrived*: a read sees every write that
was committed before its caller asked (a revoked session stops the next call, exactly as a read of its own
would), and an increment is counted in a commit after its caller's arrival.

Each call is counted (shared/metrics.py) as if it had been made alone, so a request's counts do not depend
on what else was in flight; the batch RPC itself is not counted again.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from shared import metrics

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Waiter:
    __slots__ = ("done", "failed", "item", "ops", "outcome", "ready")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.ops = metrics.current()        # the caller's request counters
        self.ready = threading.Event()      # set when done, or when this caller is to run the next batch
        self.done = False
        self.outcome: Any = None
        self.failed = False


class GroupCall(Generic[Item, Result]):
    """`call(item)` → the result for `item`, from `run(items)` (one result or exception per item, in order)
    run for the callers grouped with it. `reads` and `writes` are what one call is counted as."""

    def __init__(self, run: Callable[[list[Item]], list[Result | BaseException]], *, reads: int = 0,
                 writes: int = 0) -> None:
        self._run = run
        self._reads, self._writes = reads, writes
        self._lock = threading.Lock()
        self._queue: list[_Waiter] = []
        self._running = False

    def __call__(self, item: Item) -> Result:
        waiter = _Waiter(item)
        with self._lock:
            self._queue.append(waiter)
            leads = not self._running
            self._running = True
        if not leads:
            waiter.ready.wait()
        if not waiter.done:           # the first caller, or handed the next batch
            self._run_batch()
        if waiter.failed:
            raise waiter.outcome
        return waiter.outcome

    def _run_batch(self) -> None:
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            with metrics.paused():
                outcomes: list[Any] = list(self._run([waiter.item for waiter in batch]))
            if len(outcomes) != len(batch):
                raise RuntimeError(f"a group run answered {len(outcomes)} results for {len(batch)} calls")
        except BaseException as error:  # noqa: BLE001 - every caller of the batch gets it
            outcomes = [error] * len(batch)
        for waiter, outcome in zip(batch, outcomes, strict=True):
            waiter.failed = isinstance(outcome, BaseException)
            if waiter.ops is not None and not waiter.failed:
                waiter.ops.reads += self._reads
                waiter.ops.writes += self._writes
            waiter.outcome = outcome
            waiter.done = True
            waiter.ready.set()
        with self._lock:
            if self._queue:
                self._queue[0].ready.set()        # the first caller that arrived meanwhile runs the next batch
            else:
                self._running = False
