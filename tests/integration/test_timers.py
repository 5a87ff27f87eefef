"""Timers end to end: scheduled in a unit of work, created after the commit in the real Cloud Tasks
emulator, fired into the local gateway on a real port, run once per entity version.

The emulator dispatches by the wall clock, so the tests that go through it wait (about a second)
instead of moving the app clock. It does not deduplicate task names: scheduling one timer twice is a
real double delivery.
"""
from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from functions.tradedesk import keys, negotiation
from shared import clock, timer_firing, timers
from shared.auth.principal import Actor

_gateway: Any = None


class Deliveries:
    """What the gateway answered to each timer delivery."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.changed = threading.Condition()

    def record(self, call: dict[str, Any]) -> None:
        with self.changed:
            self.calls.append(call)
            self.changed.notify_all()

    def wait(self, path: str, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(self.to(path)) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.to(path))} of {count} deliveries to {path}: {self.calls}"
                self.changed.wait(left)
            return self.to(path)

    def to(self, path: str) -> list[dict[str, Any]]:
        return [call for call in self.calls if call["path"] == path]


def _recording(app: Any, deliveries: Deliveries) -> Any:
    def wrapped(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        answer: dict[str, Any] = {}

        def remember(status: str, headers: Any, exc_info: Any = None) -> Any:
            answer["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = b"".join(app(environ, remember))
        if environ["PATH_INFO"].startswith(timers.PATH_PREFIX):
            deliveries.record({"path": environ["PATH_INFO"], "status": answer["status"],
                               "body": json.loads(body or b"null"),
                               "task": environ.get("HTTP_X_CLOUDTASKS_TASKNAME")})
        return [body]

    return wrapped


@pytest.fixture
def stack(clean_db, monkeypatch) -> Iterator[Deliveries]:
    """The gateway on a real local port as the queue's target (PUBLIC_BASE_URL), a fresh queue."""
    global _gateway
    if not os.environ.get("CLOUD_TASKS_EMULATOR_HOST"):
        pytest.skip("Cloud Tasks emulator not available: create .venv-tasks-emulator "
                    "(python3 -m venv .venv-tasks-emulator && .venv-tasks-emulator/bin/pip install "
                    "gcloud-tasks-emulator==0.6.2)")
    from werkzeug.serving import make_server

    from local.gateway import create_gateway
    from shared.adapters import tasks
    from shared.config import reset_settings_cache

    if _gateway is None:
        _gateway = create_gateway()
    deliveries = Deliveries()
    server = make_server("127.0.0.1", 0, _recording(_gateway, deliveries), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PUBLIC_BASE_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("TASKS_QUEUE", f"timers-{uuid.uuid4().hex[:8]}")
    reset_settings_cache()
    tasks.reset_client()
    tasks.ensure_queue()
    try:
        yield deliveries
    finally:
        server.shutdown()
        thread.join(timeout=5)
        monkeypatch.undo()
        reset_settings_cache()
        tasks.reset_client()


def _seed_offer(status: str = "PENDING", version: int = 1, valid_for: timedelta = timedelta(hours=2)) -> None:
    from shared.db import collection

    terms = {"price": "56000", "priceUnit": "CANDY", "quantity": {"value": "100", "unit": "BALE", "kg": "17000"},
             "message": None}
    collection("trades").document("t1").set({"status": "NEGOTIATING", "ownerPartnerId": "buyer", "openKg": "85000",
                                             "validUntil": clock.now() + timedelta(days=7), "version": 1})
    ref = collection("offers").document("o1")
    ref.set({"tradeId": "t1", "status": status, "negotiationVersion": version, "turn": "OWNER",
             "ownerPartnerId": "buyer", "makerPartnerId": "seller", "terms": terms, "quantity": terms["quantity"],
             "validUntil": clock.now() + valid_for, "version": 1})
    ref.collection("versions").document(str(version)).set(
        negotiation.version_doc(version, "MAKER", terms, "user-seller"))
    keys.key_ref("t1", "seller").set({"offerId": "o1"})


def _schedule(name: str, entity_id: str, version: int, fire_at: datetime, *, publish: bool = True) -> str:
    from shared.uow import run_in_transaction

    return run_in_transaction(lambda uow: uow.schedule_timer(name, entity_id, version, fire_at), publish=publish)


def _offer() -> dict[str, Any]:
    from shared.db import collection

    return collection("offers").document("o1").get().to_dict()


def _docs(name: str) -> list[dict[str, Any]]:
    from shared.db import collection

    return [snapshot.to_dict() for snapshot in collection(name).stream()]


def _events(event_type: str) -> list[dict[str, Any]]:
    return [entry for entry in _docs("outbox") if entry["type"] == event_type]


def _secret() -> dict[str, str]:
    from shared.config import settings

    return {"Authorization": f"Bearer {settings().jobs_shared_secret.get_secret_value()}"}


def test_a_timer_delivered_twice_by_the_emulator_runs_its_handler_once(stack):
    _seed_offer(status="COUNTERED", version=2)
    at = datetime.now(UTC) + timedelta(seconds=1)

    first = _schedule("offer-expiring", "o1", 2, at)
    second = _schedule("offer-expiring", "o1", 2, at)     # the same timer again: the emulator keeps both tasks

    assert first == second == "offer-expiring-o1-v2"
    calls = stack.wait("/jobs/timers/offer-expiring", 2)
    assert [call["status"] for call in calls] == [200, 200], calls
    assert calls[0]["task"] == calls[1]["task"] == timers.marker_id("offer-expiring", "o1", 2)
    assert sorted(call["body"]["duplicate"] for call in calls) == [False, True]
    assert [e["data"]["recipientPartnerId"] for e in _events("OfferExpiring")] == ["buyer"]     # warned once
    [marker] = _docs(timers.PROCESSED)
    assert (marker["timer"], marker["entityId"], marker["version"], marker["result"]) == (
        "offer-expiring", "o1", 2, {"warned": True})
    assert marker["expiresAt"] - marker["processedAt"] == timer_firing.MARKER_TTL
    assert {entry["status"] for entry in _events(timers.SCHEDULED_TYPE)} == {"SENT"}


def test_a_stale_version_timer_does_nothing_and_the_current_one_expires_the_offer(stack):
    _seed_offer(status="COUNTERED", version=3, valid_for=timedelta(minutes=-1))    # overdue at version 3
    at = datetime.now(UTC) + timedelta(seconds=1)

    _schedule("offer-expiry", "o1", 2, at)              # set for version 2, before the last counter

    [call] = stack.wait("/jobs/timers/offer-expiry", 1)
    assert call["status"] == 200
    assert call["body"]["result"] == {"expired": False, "reason": "stale version"}
    assert _offer()["status"] == "COUNTERED" and _offer()["version"] == 1
    assert keys.key_ref("t1", "seller").get().exists
    assert [entry["action"] for entry in _docs("auditLog")] == []

    _schedule("offer-expiry", "o1", 3, datetime.now(UTC))

    calls = stack.wait("/jobs/timers/offer-expiry", 2)
    assert calls[1]["status"] == 200 and calls[1]["body"]["result"] == {"expired": True}
    assert _offer()["status"] == "EXPIRED"
    assert not keys.key_ref("t1", "seller").get().exists


def test_a_counter_sets_the_new_versions_timers_and_the_offer_lapses_when_they_fire(stack):
    _seed_offer(version=1, valid_for=timedelta(hours=24))
    valid_until = datetime.now(UTC) + timedelta(seconds=1.5)

    countered = negotiation.counter("o1", 1, "buyer", {"validUntil": valid_until}, Actor("user-buyer"))

    assert countered["negotiationVersion"] == 2
    scheduled = sorted((entry["timer"], entry["data"]["version"]) for entry in _events(timers.SCHEDULED_TYPE))
    assert scheduled == [("offer-expiry", 2)]          # the warning hour is already past: none
    [call] = stack.wait("/jobs/timers/offer-expiry", 1)
    assert call["status"] == 200 and call["body"]["result"] == {"expired": True}
    assert _offer()["status"] == "EXPIRED"


def test_an_accepted_offer_stays_accepted_when_its_timer_fires(stack):
    _seed_offer(status="ACCEPTED", valid_for=timedelta(minutes=-1))

    _schedule("offer-expiry", "o1", 1, datetime.now(UTC))

    [call] = stack.wait("/jobs/timers/offer-expiry", 1)
    assert call["body"]["result"] == {"expired": False, "reason": "status ACCEPTED"}
    assert _offer()["status"] == "ACCEPTED"


def test_the_relay_creates_the_task_of_a_timer_a_crash_left_unscheduled(stack):
    from shared.events.relay import relay_pending

    _seed_offer(status="COUNTERED", version=2)
    _schedule("offer-expiring", "o1", 2, datetime.now(UTC), publish=False)     # committed, task never created
    assert {entry["status"] for entry in _events(timers.SCHEDULED_TYPE)} == {"PENDING"}

    assert relay_pending(grace=timedelta(0)) == {"pending": 1}

    [call] = stack.wait("/jobs/timers/offer-expiring", 1)
    assert call["status"] == 200 and call["body"]["duplicate"] is False
    assert len(_events("OfferExpiring")) == 1


def test_a_timer_beyond_the_tasks_horizon_waits_deferred_until_the_sweep_creates_its_task(stack):
    from shared.adapters import tasks

    _seed_offer(status="COUNTERED", version=2, valid_for=timedelta(days=45))

    def queued() -> list[str]:
        return [task.name.rsplit("/", 1)[-1] for task in tasks.client().list_tasks(parent=tasks.queue_path())]

    _schedule("offer-expiry", "o1", 2, clock.now() + timedelta(days=45))      # Cloud Tasks takes at most 30 days
    [entry] = _events(timers.SCHEDULED_TYPE)
    assert entry["status"] == timers.DEFERRED and queued() == []

    clock.advance(timedelta(days=10))
    assert timer_firing.sweep() == {"fired": 0, "alreadyFired": 0, "failed": 0, "armed": 0}    # 35 days ahead: still
    clock.advance(timedelta(days=7))
    assert timer_firing.sweep() == {"fired": 0, "alreadyFired": 0, "failed": 0, "armed": 1}

    assert queued() == [timers.marker_id("offer-expiry", "o1", 2)]
    [entry] = _events(timers.SCHEDULED_TYPE)
    assert entry["status"] == "SENT"
    assert timer_firing.sweep()["armed"] == 0
    assert stack.to("/jobs/timers/offer-expiry") == []


def test_deliveries_racing_from_many_threads_run_the_handler_once(clean_db):
    _seed_offer(status="COUNTERED", version=2)
    delivery = timers.TimerDelivery(entityId="o1", version=2, fireAt=clock.now())
    definition = timers.timer("offer-expiring")
    start = threading.Barrier(6)
    outcomes: list[bool] = []

    def deliver() -> None:
        start.wait()
        outcomes.append(timer_firing.fire(definition, delivery)["duplicate"])

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == [False] + [True] * 5
    assert len(_events("OfferExpiring")) == 1
    assert len(_docs(timers.PROCESSED)) == 1


def test_the_receiver_refuses_a_missing_or_wrong_secret_and_runs_nothing(api):
    _seed_offer(status="COUNTERED", version=2)
    body = {"entityId": "o1", "version": 2, "fireAt": clock.iso(clock.now()), "payload": {}}

    missing = api.post("/jobs/timers/offer-expiring", json=body)
    wrong = api.post("/jobs/timers/offer-expiring", json=body, headers={"Authorization": "Bearer not-the-secret"})
    scheme = api.post("/jobs/timers/offer-expiring", json=body, headers={"Authorization": "Basic abc"})

    assert (missing.status_code, missing.get_json()["code"]) == (401, "MISSING_TOKEN")
    assert (wrong.status_code, wrong.get_json()["code"]) == (401, "INVALID_TOKEN")
    assert scheme.status_code == 401
    assert set(missing.get_json()) == {"code", "message", "details"}
    assert _docs(timers.PROCESSED) == [] and _events("OfferExpiring") == []

    fired = api.post("/jobs/timers/offer-expiring", json=body, headers=_secret())
    assert fired.status_code == 200, fired.get_data(as_text=True)
    assert fired.get_json()["result"] == {"warned": True}


def test_the_receiver_answers_unknown_timers_bad_bodies_and_early_deliveries_with_4xx(api):
    _seed_offer(status="COUNTERED", version=2)
    due = {"entityId": "o1", "version": 2, "fireAt": clock.iso(clock.now()), "payload": {}}

    def post(path: str, body: Any) -> tuple[int, str]:
        response = api.post(path, json=body, headers=_secret())
        return response.status_code, response.get_json()["code"]

    assert post("/jobs/timers/no-such-timer", due) == (404, "TIMER_NOT_FOUND")
    assert post("/jobs/timers/offer-expiring", {**due, "version": "two"}) == (422, "VALIDATION_FAILED")
    assert post("/jobs/timers/offer-expiring", {**due, "entityId": "a/b"}) == (422, "VALIDATION_FAILED")
    assert post("/jobs/timers/offer-expiring", {**due, "fireAt": "2026-12-02T10:00:00"}) == (422, "VALIDATION_FAILED")
    assert post("/jobs/timers/offer-expiring", {**due, "extra": 1}) == (422, "VALIDATION_FAILED")
    assert post("/jobs/timers/offer-expiring", {**due, "payload": {"x": 1}}) == (422, "UNEXPECTED_PAYLOAD")
    assert post("/jobs/timers/offer-expiring", None) == (422, "VALIDATION_FAILED")
    early = {**due, "fireAt": clock.iso(clock.now() + timedelta(minutes=5))}
    assert post("/jobs/timers/offer-expiring", early) == (409, "TIMER_NOT_DUE")
    malformed = api.post("/jobs/timers/offer-expiring", data=b"{not json", headers=_secret(),
                         content_type="application/json")
    assert (malformed.status_code, malformed.get_json()["code"]) == (400, "MALFORMED_JSON")
    assert _docs(timers.PROCESSED) == [] and _events("OfferExpiring") == []


def test_the_sweep_fires_a_lost_timer_once_and_only_marks_one_that_fired(api):
    _seed_offer(status="COUNTERED", version=2, valid_for=timedelta(minutes=5))
    lost_at = clock.now() + timedelta(minutes=5)
    _schedule("offer-expiry", "o1", 2, lost_at, publish=False)              # its task was never created
    _schedule("offer-expiring", "o1", 2, clock.now(), publish=False)
    warned = timer_firing.fire(timers.timer("offer-expiring"),
                         timers.TimerDelivery(entityId="o1", version=2, fireAt=clock.now()))
    assert warned["duplicate"] is False                                    # its task did arrive

    early = api.post("/jobs/timer-sweep", headers=_secret())
    assert early.get_json()["summary"] == {"fired": 0, "alreadyFired": 0, "failed": 0, "armed": 0}   # within the grace
    clock.advance(timedelta(minutes=5) + timer_firing.SWEEP_GRACE + timedelta(seconds=1))
    swept = api.post("/jobs/timer-sweep", headers=_secret())

    assert swept.status_code == 200, swept.get_data(as_text=True)
    assert swept.get_json()["summary"] == {"fired": 1, "alreadyFired": 1, "failed": 0, "armed": 0}
    assert _offer()["status"] == "EXPIRED"
    assert len(_events("OfferExpiring")) == 1
    assert {entry["status"] for entry in _events(timers.SCHEDULED_TYPE)} == {timers.FIRED}
    again = api.post("/jobs/timer-sweep", headers=_secret())
    assert again.get_json()["summary"] == {"fired": 0, "alreadyFired": 0, "failed": 0, "armed": 0}


class ReminderPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipientPartnerId: str  # noqa: N815 - the JSON field name
    hoursLeft: int = Field(ge=0)  # noqa: N815 - the JSON field name


def remind(uow: Any, entity_id: str, version: int, payload: ReminderPayload | None) -> dict[str, Any]:
    assert isinstance(payload, ReminderPayload)
    uow.emit("SampleReminder", {"offerId": entity_id, "recipientPartnerId": payload.recipientPartnerId,
                                "hoursLeft": payload.hoursLeft}, subject=entity_id)
    return {"reminded": payload.recipientPartnerId}


@pytest.fixture
def reminder_timer(monkeypatch):
    definition = timers.Timer("sample-reminder", f"{__name__}:remind", "a test timer with a typed payload",
                              payload=f"{__name__}:ReminderPayload")
    monkeypatch.setattr(timers, "TIMERS", (*timers.TIMERS, definition))
    return definition


def test_a_typed_payload_is_validated_on_scheduling_and_on_delivery_and_reaches_the_handler(api, reminder_timer):
    from shared.uow import run_in_transaction

    with pytest.raises(ValidationError):
        run_in_transaction(lambda uow: uow.schedule_timer("sample-reminder", "o1", 1, clock.now(), {"hoursLeft": 1}))
    run_in_transaction(lambda uow: uow.schedule_timer(
        "sample-reminder", "o1", 1, clock.now(), ReminderPayload(recipientPartnerId="buyer", hoursLeft=1)),
        publish=False)
    [entry] = _events(timers.SCHEDULED_TYPE)
    body = entry["data"]
    assert body["payload"] == {"recipientPartnerId": "buyer", "hoursLeft": 1}

    bad = api.post("/jobs/timers/sample-reminder", json={**body, "payload": {"recipientPartnerId": "buyer",
                                                                             "hoursLeft": -1}}, headers=_secret())
    assert bad.status_code == 422
    assert [field["field"] for field in bad.get_json()["details"]["fields"]] == ["hoursLeft"]
    assert _events("SampleReminder") == []

    fired = api.post("/jobs/timers/sample-reminder", json=body, headers=_secret())
    assert fired.status_code == 200, fired.get_data(as_text=True)
    assert fired.get_json()["result"] == {"reminded": "buyer"}
    assert [e["data"] for e in _events("SampleReminder")] == [{"offerId": "o1", "recipientPartnerId": "buyer",
                                                               "hoursLeft": 1}]
