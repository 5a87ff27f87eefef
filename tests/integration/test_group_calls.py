"""Group calls on the emulator (shared/groupcall.py): concurrent rate-limit increments share one commit and
still get distinct places; a session read grouped behind a read in flight starts after it, so it sees a
revocation committed before it asked."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

from shared import clock, db, ratelimit
from tests.support.windows import start_of_window


def _slow_first(monkeypatch, method_name: str, seconds: float, *, after: bool) -> list[int]:
    """Make the first `method_name` RPC of the Firestore client take `seconds` longer (before it is sent, or
    after its answer came); answers the list of calls made."""
    api = db.client()._firestore_api
    original = getattr(api, method_name)
    calls: list[int] = []

    def slow(*args, **kwargs):
        calls.append(1)
        first = len(calls) == 1
        if first and not after:
            time.sleep(seconds)
        answer = original(*args, **kwargs)
        if method_name == "batch_get_documents":
            answer = list(answer)
        if first and after:
            time.sleep(seconds)
        return answer

    monkeypatch.setattr(api, method_name, slow)
    return calls


def test_parallel_increments_share_a_commit_and_get_distinct_places(clean_db, monkeypatch):
    start_of_window(60)
    commits = _slow_first(monkeypatch, "commit", 0.3, after=False)
    epoch_ms = int(clock.now().timestamp() * 1000)
    starts = {name: ratelimit.window_start(epoch_ms // 1000, seconds) for name, seconds in ratelimit.WINDOWS}
    places: list[int] = []

    def count() -> None:
        counted = ratelimit._count(ratelimit.POLICIES["api"], "api:group", epoch_ms, starts, {})
        places.append(counted.places["minute"])

    first = threading.Thread(target=count)
    first.start()
    time.sleep(0.1)                  # the first commit is in flight: the next 15 queue behind it
    others = [threading.Thread(target=count) for _ in range(15)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    assert sorted(places) == list(range(1, 17))
    assert len(commits) == 2
    stored = db.collection(ratelimit.RATE_LIMITS).document(f"api:group:{starts['day']}").get()
    assert stored.get("w.d") == 16


def test_a_grouped_session_read_sees_a_revocation_committed_before_it_asked(clean_db, monkeypatch):
    sessions = db.collection("sessions")
    sessions.document("s1").set({"userId": "u1", "revokedAt": None})
    reads = _slow_first(monkeypatch, "get_document", 0.5, after=True)     # a lone read is a GetDocument
    seen: dict[str, object] = {}

    def read(name: str) -> None:
        seen[name] = db.read_document(sessions.document("s1")).get("revokedAt")

    before = threading.Thread(target=read, args=("before",))
    before.start()
    time.sleep(0.2)                  # its read has answered (the session alive) and is still in flight
    sessions.document("s1").update({"revokedAt": clock.now()})
    after = threading.Thread(target=read, args=("after",))
    after.start()
    before.join(10)
    after.join(10)
    assert seen["before"] is None
    assert seen["after"] is not None and abs(seen["after"] - clock.now()) < timedelta(minutes=1)
    assert len(reads) == 2


def test_read_document_answers_fresh_data_to_each_caller_and_counts_each_read(clean_db):
    from shared import metrics

    sessions = db.collection("sessions")
    sessions.document("s2").set({"userId": "u2", "organizations": ["o1"]})
    ops, token = metrics.start_counting()
    try:
        snapshot = db.read_document(sessions.document("s2"))
        missing = db.read_document(sessions.document("absent"))
        batched = db._read_batch([sessions.document("s2"), sessions.document("absent"), sessions.document("s2")])
    finally:
        metrics.stop_counting(token)
    # One read each for the two grouped reads (the missing one too), and the direct BatchGetDocuments of two
    # distinct documents counted by the RPC wrapper (shared/metrics.py): found and missing, two more.
    assert ops.reads == 4
    assert snapshot.exists and snapshot.id == "s2" and snapshot.update_time is not None
    first = snapshot.to_dict()
    first["organizations"].append("changed")    # a caller's own copy: the snapshot keeps its data
    assert snapshot.to_dict() == {"userId": "u2", "organizations": ["o1"]}
    assert not missing.exists and missing.to_dict() is None and missing.get("userId") is None
    assert [item.exists for item in batched] == [True, False, True]
    assert batched[0].get("organizations") == ["o1"]
