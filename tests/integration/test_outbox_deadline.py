"""Publishing after the commit is bounded: with Pub/Sub unreachable a state change still answers at once,
and the relay publishes its event once Pub/Sub is back."""
from __future__ import annotations

import os
import socket
import time
import uuid
from datetime import timedelta

import pytest
from flask import Flask

from shared import clock
from shared.http.pipeline import handle
from shared.routing import DOMAIN_EVENTS_TOPIC
from tests.integration.test_platform_events import pull_all
from tests.support.identity import token_for
from tests.support.sample_router import router


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]      # released at once: nothing listens there


@pytest.fixture
def subscription(clean_db):
    from google.cloud import pubsub_v1

    from shared.config import settings

    subscriber = pubsub_v1.SubscriberClient()
    project = settings().project_id
    name = subscriber.subscription_path(project, f"test-{uuid.uuid4().hex[:10]}")
    subscriber.create_subscription(name=name, topic=f"projects/{project}/topics/{DOMAIN_EVENTS_TOPIC}")
    yield subscriber, name
    subscriber.delete_subscription(subscription=name)


@pytest.fixture
def client(clean_db):
    app = Flask("sample")

    @app.route("/<path:path>", methods=["GET", "POST"])
    def entry(path):
        from flask import request

        return handle(router, request, ("/api/sample",))

    return app.test_client()


def test_with_pubsub_down_a_change_answers_within_3_s_and_the_relay_publishes_it_later(
        client, subscription, monkeypatch):
    from shared.db import collection
    from shared.events import outbox, relay

    subscriber, name = subscription
    token = token_for({"sample:write"})[0]
    up = os.environ["PUBSUB_EMULATOR_HOST"]
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{closed_port()}")
    outbox.reset_publisher()
    started = time.monotonic()
    response = client.post("/api/sample/things", json={"name": "Lint", "quantityKg": 170},
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
