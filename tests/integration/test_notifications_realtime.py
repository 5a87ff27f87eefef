"""Realtime: a Firestore listener on `users/{uid}/notifications` sees a notification within 2 seconds of
its event being published, with the Pub/Sub emulator pushing the event to the gateway over HTTP as in
the local stack (push subscription → `/_events/on_domain_event` → functions-framework → fan-out)."""
from __future__ import annotations

import threading
import time

import pytest

from shared.db import collection
from tests.support.identity import token_for
from tests.support.notifications import emit, seed_user, served_gateway_with_push

DEADLINE_SECONDS = 2.0


@pytest.fixture
def pushed_gateway(api):
    with served_gateway_with_push() as base:
        yield base


class Watcher:
    """An on_snapshot listener that records when each notification is first seen and when it changes."""

    def __init__(self, user_id: str) -> None:
        self.seen: dict[str, tuple[float, dict]] = {}
        self.changes: list[tuple[float, str, dict]] = []
        self.ready = threading.Event()
        self.updated = threading.Condition()
        self.watch = collection("users").document(user_id).collection("notifications").on_snapshot(self._on)

    def _on(self, snapshots, changes, read_time):
        now = time.monotonic()
        with self.updated:
            for change in changes:
                data = change.document.to_dict()
                self.changes.append((now, change.type.name, data))
                self.seen.setdefault(change.document.id, (now, data))
            self.updated.notify_all()
        self.ready.set()

    def wait_for(self, predicate, timeout: float) -> bool:
        with self.updated:
            return self.updated.wait_for(predicate, timeout=timeout)

    def close(self) -> None:
        self.watch.unsubscribe()


def test_a_listener_receives_the_notification_within_two_seconds(api, pushed_gateway):
    seed_user("u1", name="Asha Rao")
    watcher = Watcher("u1")
    try:
        assert watcher.ready.wait(10), "the listener's first (empty) snapshot"
        assert watcher.seen == {}
        event_id = emit("AccountLocked", {"userId": "u1", "lockedUntil": "2026-05-01T10:30:00Z"})
        published = time.monotonic()      # emit returns after Pub/Sub acknowledged the publish
        arrived = watcher.wait_for(lambda: event_id in watcher.seen, timeout=10)
        assert arrived, "the notification never reached the listener"
        elapsed = watcher.seen[event_id][0] - published
        print(f"notification reached the listener {elapsed:.3f}s after publish")
        assert elapsed <= DEADLINE_SECONDS, f"took {elapsed:.2f}s"
        data = watcher.seen[event_id][1]
        assert data["title"] == "Account locked after failed sign-ins" and data["read"] is False

        # Marking it read through the API reaches the listener as a change of the same document.
        token, _ = token_for({"notifications:read"}, user_id="u1")
        started = time.monotonic()
        assert api.post(f"/api/notifications/{event_id}/read", token=token).status_code == 200
        assert watcher.wait_for(lambda: any(kind == "MODIFIED" and change["read"]
                                            for _, kind, change in watcher.changes), timeout=DEADLINE_SECONDS)
        assert time.monotonic() - started <= DEADLINE_SECONDS
    finally:
        watcher.close()
