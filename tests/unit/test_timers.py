"""The timer table, task names, scheduling into the outbox and the receiver's caller check (no emulator)."""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared import timers
from shared.jobs import JOBS
from shared.models import is_document_id
from shared.routing import function_for_path


class SamplePayload(BaseModel):
    reason: str
    count: int = 0


SAMPLE = timers.Timer("sample", "tests.unit.test_timers:sample_handler", "for tests",
                      payload="tests.unit.test_timers:SamplePayload")


def sample_handler(uow: Any, entity_id: str, version: int, payload: SamplePayload | None) -> dict[str, Any]:
    return {"entityId": entity_id}


@dataclass
class FakeRef:
    path: str


@dataclass
class FakeCollection:
    name: str

    def document(self, doc_id: str) -> FakeRef:
        return FakeRef(f"{self.name}/{doc_id}")


@dataclass
class FakeUow:
    events: list[dict[str, Any]] = field(default_factory=list)
    created: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def create(self, ref: FakeRef, data: dict[str, Any]) -> None:
        self.created.append((ref.path, data))


@pytest.fixture
def fake_firestore(monkeypatch):
    monkeypatch.setattr(timers, "collection", FakeCollection)


def test_every_timer_loads_a_handler_taking_uow_entity_version_payload():
    names = [definition.name for definition in timers.TIMERS]
    assert len(names) == len(set(names))
    for definition in timers.TIMERS:
        assert definition.name == definition.name.lower() and "/" not in definition.name
        parameters = list(inspect.signature(definition.load()).parameters)
        assert parameters[:4] == ["uow", parameters[1], "version", "payload"], definition.name
        assert definition.payload is None or issubclass(definition.payload_model(), BaseModel)
    assert timers.timer("offer-expiry").handler == "functions.tradedesk.expiry:expire_offer"
    with pytest.raises(KeyError):
        timers.timer("no-such-timer")


def test_timer_paths_belong_to_the_jobs_function_and_no_job_shadows_them():
    assert function_for_path(timers.PATH_PREFIX + "offer-expiry").name == "jobs"
    assert all(not (job.name + "/").startswith(timers.PATH_PREFIX.removeprefix("/jobs/")) for job in JOBS)
    assert "timer-sweep" in {job.name for job in JOBS}


def test_task_and_marker_names_come_from_timer_entity_and_version():
    assert timers.task_name("offer-expiry", "OFR-1", 3) == "offer-expiry-OFR-1-v3"
    marker = timers.marker_id("offer-expiry", "OFR-1", 3)
    assert marker == timers.marker_id("offer-expiry", "OFR-1", 3)
    assert marker.endswith("-offer-expiry-OFR-1-v3") and is_document_id(marker)
    others = {timers.marker_id("offer-expiry", "OFR-1", 4), timers.marker_id("offer-expiring", "OFR-1", 3),
              timers.marker_id("offer-expiry", "OFR-2", 3)}
    assert marker not in others and len(others) == 3


def test_payloads_are_validated_against_the_timers_model():
    assert timers.payload_json(SAMPLE, {"reason": "lapse"}) == {"reason": "lapse", "count": 0}
    assert timers.payload_json(SAMPLE, SamplePayload(reason="x", count=2)) == {"reason": "x", "count": 2}
    with pytest.raises(ValidationError):
        timers.payload_json(SAMPLE, {"count": 1})
    assert timers.payload_json(timers.timer("offer-expiry"), None) == {}
    with pytest.raises(ValueError, match="takes no payload"):
        timers.payload_json(timers.timer("offer-expiry"), {"reason": "x"})


def test_schedule_writes_a_pending_timer_entry_into_the_outbox(fake_firestore):
    uow = FakeUow()
    at = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)

    name = timers.schedule(uow, "offer-expiry", "OFR-1", 3, at)

    assert name == "offer-expiry-OFR-1-v3"
    [(path, record)] = uow.created
    assert path == f"outbox/{record['eventId']}"
    assert uow.events == [record]
    assert {key: record[key] for key in ("kind", "type", "timer", "task", "fireAt", "status", "subject")} == {
        "kind": "timer", "type": "TimerScheduled", "timer": "offer-expiry", "task": "offer-expiry-OFR-1-v3",
        "fireAt": at, "status": "PENDING", "subject": "OFR-1"}
    assert record["data"] == {"entityId": "OFR-1", "version": 3, "fireAt": "2026-12-02T18:30:00Z", "payload": {}}


def test_schedule_refuses_naive_times_unknown_timers_and_bad_ids(fake_firestore):
    with pytest.raises(ValueError, match="timezone"):
        timers.schedule(FakeUow(), "offer-expiry", "OFR-1", 1, datetime(2026, 12, 2, 18, 30))
    with pytest.raises(KeyError):
        timers.schedule(FakeUow(), "nope", "OFR-1", 1, datetime.now(UTC))
    with pytest.raises(ValidationError):
        timers.schedule(FakeUow(), "offer-expiry", "a/b", 1, datetime.now(UTC))
    with pytest.raises(ValidationError):
        timers.schedule(FakeUow(), "offer-expiry", "OFR-1", -1, datetime.now(UTC))


def test_the_outbox_delivers_a_timer_entry_by_creating_its_task(fake_firestore, monkeypatch):
    from shared.adapters import tasks
    from shared.events import outbox, relay

    created: list[tuple] = []
    monkeypatch.setattr(tasks, "schedule_http_task", lambda *args: created.append(args) or "task")
    monkeypatch.setattr(outbox, "publish", lambda *args, **kwargs: pytest.fail("a timer is not a Pub/Sub event"))
    monkeypatch.setattr(relay, "_mark_sent", lambda ids, status: created.append((status, ids)))
    uow = FakeUow()
    at = datetime.now(UTC) + timedelta(hours=1)
    timers.schedule(uow, "offer-expiring", "OFR-9", 2, at)

    relay.publish_after_commit(uow.events)

    assert created == [("offer-expiring-OFR-9-v2", "/jobs/timers/offer-expiring", uow.events[0]["data"], at),
                       ("SENT", [uow.events[0]["eventId"]])]


def test_a_timer_beyond_the_tasks_horizon_is_deferred_without_a_task(fake_firestore, monkeypatch):
    from shared.adapters import tasks
    from shared.events import relay

    created: list[tuple] = []
    monkeypatch.setattr(tasks, "schedule_http_task", lambda *args: created.append(args) or "task")
    monkeypatch.setattr(relay, "_mark_sent", lambda ids, status: created.append((status, ids)))
    uow = FakeUow()
    timers.schedule(uow, "offer-expiry", "OFR-1", 1, datetime.now(UTC) + timers.TASK_HORIZON + timedelta(hours=1))
    timers.schedule(uow, "offer-expiry", "OFR-2", 1, datetime.now(UTC) + timers.TASK_HORIZON - timedelta(hours=1))

    relay.publish_after_commit(uow.events)

    assert [call[0] for call in created] == ["offer-expiry-OFR-2-v1", "DEFERRED", "SENT"]
    assert created[1][1] == [uow.events[0]["eventId"]] and created[2][1] == [uow.events[1]["eventId"]]


def test_outside_production_without_the_emulator_no_task_client_is_made(monkeypatch):
    from shared.adapters import tasks
    from shared.config import reset_settings_cache

    monkeypatch.delenv("CLOUD_TASKS_EMULATOR_HOST", raising=False)
    reset_settings_cache()
    tasks.reset_client()
    with pytest.raises(RuntimeError, match="CLOUD_TASKS_EMULATOR_HOST"):
        tasks.client()


@pytest.fixture
def production(monkeypatch):
    import functions.jobs
    from shared import config

    prod = config.settings().model_copy(update={
        "env": "production", "public_base_url": "https://api.tradehub.in",
        "scheduler_service_account": "tradehub-scheduler@p.iam.gserviceaccount.com",
        "tasks_service_account": "tradehub-tasks@p.iam.gserviceaccount.com"})
    monkeypatch.setattr(functions.jobs, "settings", lambda: prod)
    return prod


def _token_of(monkeypatch, email: str) -> list[str]:
    from google.oauth2 import id_token

    audiences: list[str] = []

    def verify(token, request, audience):
        audiences.append(audience)
        if token != "signed":
            raise ValueError("bad signature")
        return {"email": email, "email_verified": True}

    monkeypatch.setattr(id_token, "verify_oauth2_token", verify)
    return audiences


def test_in_the_cloud_timers_accept_only_the_tasks_accounts_token(production, monkeypatch):
    from functions.jobs import TASKS, authorize
    from shared.errors import Unauthorized

    audiences = _token_of(monkeypatch, "tradehub-tasks@p.iam.gserviceaccount.com")
    authorize("Bearer signed", TASKS)
    assert audiences == ["https://api.tradehub.in"]
    with pytest.raises(Unauthorized, match="not the scheduler"):
        authorize("Bearer signed")                       # the tasks account may not run jobs
    with pytest.raises(Unauthorized, match="not valid"):
        authorize("Bearer forged", TASKS)
    with pytest.raises(Unauthorized):
        authorize(f"Bearer {production.jobs_shared_secret.get_secret_value()}", TASKS)    # no secret in the cloud

    _token_of(monkeypatch, "tradehub-scheduler@p.iam.gserviceaccount.com")
    authorize("Bearer signed")
    with pytest.raises(Unauthorized, match="not Cloud Tasks"):
        authorize("Bearer signed", TASKS)                # the scheduler may not fire timers


def test_in_the_cloud_an_unset_account_admits_nobody(production, monkeypatch):
    import functions.jobs
    from functions.jobs import TASKS, authorize
    from shared.errors import Unauthorized

    unset = production.model_copy(update={"tasks_service_account": None})
    monkeypatch.setattr(functions.jobs, "settings", lambda: unset)
    _token_of(monkeypatch, "")
    with pytest.raises(Unauthorized):
        authorize("Bearer signed", TASKS)
