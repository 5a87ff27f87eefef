"""The Cloud Tasks adapter against gcloud-tasks-emulator: a timer task arrives as an HTTP POST on time.

The emulator dispatches by the wall clock, so this test waits (about two seconds) instead of moving
the app clock.
"""
from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.adapters import tasks


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append({"at": time.time(), "path": self.path, "headers": dict(self.headers),
                                     "body": body})
        self.server.arrived.set()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received, server.arrived = [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def tasks_emulator(emulators, receiver, monkeypatch):
    if not os.environ.get("CLOUD_TASKS_EMULATOR_HOST"):
        pytest.skip("Cloud Tasks emulator not available: create .venv-tasks-emulator "
                    "(python3 -m venv .venv-tasks-emulator && .venv-tasks-emulator/bin/pip install "
                    "gcloud-tasks-emulator==0.6.2)")
    from shared.config import reset_settings_cache

    monkeypatch.setenv("PUBLIC_BASE_URL", f"http://127.0.0.1:{receiver.server_address[1]}")
    monkeypatch.setenv("TASKS_QUEUE", "timers-test")
    reset_settings_cache()
    tasks.reset_client()
    tasks.ensure_queue()
    yield receiver
    monkeypatch.undo()
    reset_settings_cache()
    tasks.reset_client()


def test_scheduled_task_is_posted_with_its_payload_not_before_its_time(tasks_emulator):
    from shared.config import settings

    receiver = tasks_emulator
    at = datetime.now(UTC) + timedelta(seconds=1.5)
    payload = {"offerId": "OFR-2026-000123", "version": 3, "amountPaise": 5_512_500}

    name = tasks.schedule_http_task("offer-OFR-2026-000123-v3", "/jobs/timers/offer-expiry", payload, at)

    assert name.startswith(f"projects/{settings().project_id}/locations/{settings().region}/queues/timers-test/tasks/")
    assert name.endswith("-offer-OFR-2026-000123-v3")
    assert receiver.arrived.wait(timeout=10), "the emulator never dispatched the task"
    [call] = receiver.received
    assert call["at"] >= at.timestamp() - 0.01, f"dispatched {at.timestamp() - call['at']:.2f}s early"
    assert call["at"] - at.timestamp() < 5
    assert call["path"] == "/jobs/timers/offer-expiry"
    assert json.loads(call["body"]) == payload
    headers = {key.lower(): value for key, value in call["headers"].items()}
    assert headers["content-type"] == "application/json"
    assert headers["x-cloudtasks-taskname"] == name.rsplit("/", 1)[-1]
    # Locally the emulator ignores OIDC; the task carries the jobs secret like the local scheduler.
    assert headers["authorization"] == f"Bearer {settings().jobs_shared_secret.get_secret_value()}"


def test_ensure_queue_is_idempotent(tasks_emulator):
    tasks.ensure_queue()
    tasks.ensure_queue()

    queues = [queue.name for queue in tasks.client().list_queues(parent=tasks.queue_path().rsplit("/queues/", 1)[0])]

    assert queues.count(tasks.queue_path()) == 1
