"""shared/groupcall.py: concurrent calls share one run that starts after each of them arrived; a lone call
runs at once; a failure reaches every caller of its run and the next call runs again; each call is counted
as if made alone."""
from __future__ import annotations

import threading
import time

import pytest

from shared import metrics
from shared.groupcall import GroupCall


class Recorder:
    """A run that records (start time, items) and holds its first run until released."""

    def __init__(self) -> None:
        self.runs: list[tuple[float, list[int]]] = []
        self.first_started = threading.Event()
        self.release_first = threading.Event()
        self.fail_items: set[int] = set()

    def __call__(self, items: list[int]) -> list[int]:
        self.runs.append((time.monotonic(), list(items)))
        if len(self.runs) == 1:
            self.first_started.set()
            assert self.release_first.wait(5)
        if self.fail_items & set(items):
            raise RuntimeError("backend down")
        metrics._count(reads=100)         # the run's own RPC: not counted against any caller
        return [item * 10 for item in items]


def test_a_lone_call_runs_at_once_alone():
    recorder = Recorder()
    recorder.release_first.set()
    group = GroupCall(recorder)
    assert group(4) == 40
    assert group(5) == 50
    assert [items for _, items in recorder.runs] == [[4], [5]]


def test_calls_arriving_during_a_run_share_the_next_run_which_starts_after_they_arrived():
    recorder = Recorder()
    group = GroupCall(recorder)
    answers: dict[int, int] = {}
    arrived: dict[int, float] = {}

    def call(item: int) -> None:
        arrived[item] = time.monotonic()
        answers[item] = group(item)

    first = threading.Thread(target=call, args=(0,))
    first.start()
    assert recorder.first_started.wait(5)
    others = [threading.Thread(target=call, args=(n,)) for n in range(1, 8)]
    for thread in others:
        thread.start()
    time.sleep(0.2)                      # the seven queue behind the run in flight
    recorder.release_first.set()
    for thread in [first, *others]:
        thread.join(5)
    assert answers == {n: n * 10 for n in range(8)}
    assert len(recorder.runs) == 2
    (_, first_items), (second_start, second_items) = recorder.runs
    assert first_items == [0] and sorted(second_items) == list(range(1, 8))
    assert all(arrived[item] <= second_start for item in second_items)


def test_a_failed_run_fails_each_of_its_callers_and_the_next_call_runs_again():
    recorder = Recorder()
    recorder.fail_items = {2}
    group = GroupCall(recorder)
    errors: dict[int, str] = {}

    def call(item: int) -> None:
        try:
            group(item)
        except RuntimeError as error:
            errors[item] = str(error)

    first = threading.Thread(target=call, args=(1,))
    first.start()
    assert recorder.first_started.wait(5)
    queued = [threading.Thread(target=call, args=(n,)) for n in (2, 3)]
    for thread in queued:
        thread.start()
    time.sleep(0.2)
    recorder.release_first.set()
    for thread in [first, *queued]:
        thread.join(5)
    assert errors == {2: "backend down", 3: "backend down"}
    assert group(6) == 60


def test_each_call_is_counted_as_if_made_alone_and_the_batch_rpc_is_not():
    recorder = Recorder()
    group = GroupCall(recorder, reads=1, writes=2)
    counters: dict[int, metrics.FirestoreOps] = {}

    def call(item: int) -> None:
        ops, token = metrics.start_counting()
        try:
            group(item)
        finally:
            metrics.stop_counting(token)
        counters[item] = ops

    threads = [threading.Thread(target=call, args=(n,)) for n in range(5)]
    threads[0].start()
    assert recorder.first_started.wait(5)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.2)
    recorder.release_first.set()
    for thread in threads:
        thread.join(5)
    assert len(recorder.runs) == 2
    assert {(ops.reads, ops.writes) for ops in counters.values()} == {(1, 2)}


def test_a_run_answering_the_wrong_number_of_results_fails_its_callers():
    group = GroupCall(lambda items: [])
    with pytest.raises(RuntimeError, match="0 results for 1 calls"):
        group(1)
