"""Idempotency keys on the emulator: one writer per key under races, a lease a retry can take over when
the holder died, and a key kept once the work committed (issue 15 item 10)."""
from __future__ import annotations

import concurrent.futures
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest

from shared import clock
from tests.support.identity import token_for
from tests.support.sample_router import THINGS, slow_gate

BODY = {"name": "Lint", "quantityKg": 170}


@pytest.fixture
def caller(clean_db):
    token, principal = token_for({"sample:write"})
    return SimpleNamespace(token=token, principal=principal)


def post(sample_client, caller, path, key, body=BODY):
    return sample_client.post(path, json=body,
                              headers={"Authorization": f"Bearer {caller.token}", "Idempotency-Key": key})


def things() -> list[dict]:
    from shared.db import collection

    return [s.to_dict() for s in collection(THINGS).stream()]


def key_record(caller, path, key):
    from shared.db import collection
    from shared.http import idempotency

    request = SimpleNamespace(principal=caller.principal, ip=None, path=path, idempotency_key=key)
    return collection(idempotency.IDEMPOTENCY).document(
        idempotency.record_id(request, SimpleNamespace(method="POST")))


def test_eight_threads_with_one_key_write_once(sample_client, caller):
    barrier = threading.Barrier(8)

    def one(_):
        barrier.wait()
        return post(sample_client, caller, "/api/sample/things", "race-1")

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(one, range(8)))
    created = [r for r in responses if r.status_code == 201]
    waited = [r for r in responses if r.status_code == 409]
    assert len(created) + len(waited) == 8
    assert len(things()) == 1
    assert len({r.get_json()["id"] for r in created}) == 1
    assert sum(1 for r in created if "Idempotent-Replayed" not in r.headers) == 1
    assert {r.get_json()["code"] for r in waited} <= {"IDEMPOTENCY_IN_PROGRESS"}


def test_a_duplicate_while_the_first_runs_is_409_with_retry_after_then_replays(sample_client, caller):
    slow_gate.update(entered=threading.Event(), release=threading.Event())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(post, sample_client, caller, "/api/sample/slow-things", "slow-1")
        assert slow_gate["entered"].wait(10)
        duplicate = post(sample_client, caller, "/api/sample/slow-things", "slow-1")
        assert duplicate.status_code == 409 and duplicate.get_json()["code"] == "IDEMPOTENCY_IN_PROGRESS"
        assert 1 <= int(duplicate.headers["Retry-After"]) <= 150
        slow_gate["release"].set()
        assert first.result().status_code == 201
    replay = post(sample_client, caller, "/api/sample/slow-things", "slow-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert len(things()) == 1


def test_a_key_left_in_progress_by_a_dead_instance_is_taken_over_after_its_lease(sample_client, caller):
    from shared.http.idempotency import IN_PROGRESS, LEASE

    path = "/api/sample/things"
    ref = key_record(caller, path, "dead-1")
    # What an instance that died inside the handler leaves: the key reserved, nothing written.
    from shared.http.idempotency import body_hash

    now = clock.now()
    ref.set({"status": IN_PROGRESS, "bodyHash": body_hash(SimpleNamespace(raw_json=BODY)), "owner": "dead",
             "createdAt": now, "leaseExpiresAt": now + LEASE, "expiresAt": now + timedelta(hours=24)})
    early = post(sample_client, caller, path, "dead-1")
    assert early.status_code == 409 and early.get_json()["code"] == "IDEMPOTENCY_IN_PROGRESS"
    clock.advance(LEASE + timedelta(seconds=1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        retries = list(pool.map(lambda _: post(sample_client, caller, path, "dead-1"), range(4)))
    assert len(things()) == 1                                        # one retry took over, the others waited
    assert sum(1 for r in retries if r.status_code == 201 and "Idempotent-Replayed" not in r.headers) == 1
    assert post(sample_client, caller, path, "dead-1").headers["Idempotent-Replayed"] == "true"


def test_a_holder_whose_lease_was_taken_over_writes_nothing(sample_client, caller):
    from shared.http.idempotency import LEASE

    release = threading.Event()
    slow_gate.update(entered=threading.Event(), release=release)
    path = "/api/sample/slow-things"
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        stale = pool.submit(post, sample_client, caller, path, "slow-2")
        assert slow_gate["entered"].wait(10)
        clock.advance(LEASE + timedelta(seconds=1))                  # the first holder looks dead
        slow_gate.clear()                                            # the retry runs straight through
        retry = post(sample_client, caller, path, "slow-2")
        assert retry.status_code == 201
        release.set()                                                # the first holder wakes up and writes
        late = stale.result()
    assert late.status_code == 409 and late.get_json()["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert len(things()) == 1
    replay = post(sample_client, caller, path, "slow-2")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_json() == retry.get_json()


def test_a_failure_after_the_commit_keeps_the_key(sample_client, caller):
    path = "/api/sample/things-then-fail"
    first = post(sample_client, caller, path, "fail-1")
    assert first.status_code == 500
    assert len(things()) == 1
    retry = post(sample_client, caller, path, "fail-1")
    assert retry.status_code == 409 and retry.get_json()["code"] == "IDEMPOTENCY_KEY_USED"
    assert "Retry-After" not in retry.headers                        # nothing to wait for
    assert len(things()) == 1                                        # the retry did not write twice
    assert key_record(caller, path, "fail-1").get().to_dict()["status"] == "COMMITTED"


def test_a_failure_before_any_write_frees_the_key(sample_client, caller):
    path = "/api/sample/fail-before-write"
    assert post(sample_client, caller, path, "boom-1").status_code == 500
    assert not key_record(caller, path, "boom-1").get().exists
    assert post(sample_client, caller, path, "boom-1").status_code == 500   # the retry ran again (no 409)


def test_a_duplicate_between_the_commit_and_the_answer_waits(sample_client, caller):
    from shared.http.idempotency import COMMITTED, LEASE, body_hash

    path = "/api/sample/things"
    now = clock.now()
    # The holder committed its work and is about to store its answer: a duplicate must wait, not give up.
    key_record(caller, path, "mid-1").set({
        "status": COMMITTED, "bodyHash": body_hash(SimpleNamespace(raw_json=BODY)), "owner": "holder",
        "createdAt": now, "leaseExpiresAt": now + LEASE, "expiresAt": now + timedelta(hours=24)})
    waiting = post(sample_client, caller, path, "mid-1")
    assert waiting.status_code == 409 and waiting.get_json()["code"] == "IDEMPOTENCY_IN_PROGRESS"
    clock.advance(LEASE + timedelta(seconds=1))                      # the holder died before answering
    lost = post(sample_client, caller, path, "mid-1")
    assert lost.status_code == 409 and lost.get_json()["code"] == "IDEMPOTENCY_KEY_USED"
    assert things() == []                                            # and nobody ran the work again
