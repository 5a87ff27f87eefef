"""Publishing after the commit is bounded: with Pub/Sub unreachable a state change still answers at once,
and the relay publishes its event once Pub/Sub is back."""
from __future__ import annotations

import os
import socket
import time
from datetime import timedelta

from shared import clock
from tests.support.identity import token_for
from tests.support.pubsub import pull_all


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]      # released at once: nothing listens there


def test_with_pubsub_down_a_change_answers_within_3_s_and_the_relay_publishes_it_later(
        sample_client, subscription, monkeypatch):
    from shared.db import collection
    from shared.events import outbox, relay

    subscriber, name = subscription
    token = token_for({"sample:write"})[0]
    up = os.environ["PUBSUB_EMULATOR_HOST"]
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{closed_port()}")
    outbox.reset_publisher()
    started = time.monotonic()
    response = sample_client.post("/api/sample/things", json={"name": "Lint", "quantityKg": 170},
                           headers={"Authorization": f"Bearer {token}"})
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.get_data(as_text=True)
    assert elapsed < 3, elapsed
    [entry] = [snapshot.to_dict() for snapshot in collection("outbox").stream()]
    assert entry["status"] == "PENDING" and entry["type"] == "SampleThingCreated"

    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", up)                     # Pub/Sub is back
    outbox.reset_publisher()
    clock.advance(relay.RELAY_GRACE + timedelta(seconds=1))
    assert relay.relay_pending() == {"pending": 1}
    messages = pull_all(subscriber, name, expected=1)
    assert [m.attributes["eventId"] for m in messages] == [entry["eventId"]]
    assert collection("outbox").document(entry["eventId"]).get().to_dict()["status"] == "SENT"


def test_every_event_of_one_commit_is_published_and_marked_sent(subscription):
    from shared.db import collection
    from shared.uow import run_in_transaction

    subscriber, name = subscription

    def work(uow):
        return [uow.emit("SampleHappened", {"n": n}, subject=f"s{n}") for n in range(5)]

    event_ids = run_in_transaction(work)
    messages = pull_all(subscriber, name, expected=5)
    assert sorted(m.attributes["eventId"] for m in messages) == sorted(event_ids)
    assert {collection("outbox").document(e).get().to_dict()["status"] for e in event_ids} == {"SENT"}
