"""Task names, task bodies and ALREADY_EXISTS handling of shared.adapters.tasks (no emulator)."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters import tasks


def test_task_id_is_deterministic_valid_and_distinct():
    first = tasks.task_id("offer/OFR-2026-000123@v3")
    assert first == tasks.task_id("offer/OFR-2026-000123@v3")
    assert first.endswith("-offer-OFR-2026-000123-v3")
    assert all(ch.isalnum() or ch in "-_" for ch in first)
    # Names that clean to the same text still get different ids.
    assert tasks.task_id("offer/1") != tasks.task_id("offer:1")
    assert len(tasks.task_id("x" * 2000)) <= 500
    with pytest.raises(ValueError):
        tasks.task_id("")


def test_build_task_posts_json_to_the_public_url_with_the_local_secret():
    from shared.config import settings

    at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    task = tasks.build_task("trade-T1-v2", "/jobs/timers/trade-expiry", {"tradeId": "T1", "version": 2}, at)

    request = task["http_request"]
    assert request["url"] == settings().public_base_url + "/jobs/timers/trade-expiry"
    assert request["http_method"] == "POST"
    assert json.loads(request["body"]) == {"tradeId": "T1", "version": 2}
    assert request["headers"]["Authorization"] == f"Bearer {settings().jobs_shared_secret.get_secret_value()}"
    assert "oidc_token" not in request
    assert task["schedule_time"] == at
    assert task["name"] == f"{tasks.queue_path()}/tasks/{tasks.task_id('trade-T1-v2')}"


def test_build_task_refuses_naive_times_and_relative_paths():
    with pytest.raises(ValueError):
        tasks.build_task("a", "/jobs/x", {}, datetime(2026, 3, 1, 10, 0))
    with pytest.raises(ValueError):
        tasks.build_task("a", "jobs/x", {}, datetime.now(UTC))


def test_already_exists_counts_as_scheduled(monkeypatch):
    from google.api_core.exceptions import AlreadyExists

    created: list[str] = []

    class FakeClient:
        def create_task(self, parent, task):
            if task["name"] in created:
                raise AlreadyExists("task exists")
            created.append(task["name"])

    monkeypatch.setattr(tasks, "client", lambda: FakeClient())
    at = datetime.now(UTC) + timedelta(minutes=5)

    first = tasks.schedule_http_task("offer-O1-v1", "/jobs/timers/offer-expiry", {"offerId": "O1"}, at)
    second = tasks.schedule_http_task("offer-O1-v1", "/jobs/timers/offer-expiry", {"offerId": "O1"}, at)

    assert first == second == created[0]
    assert len(created) == 1


def test_production_task_carries_an_oidc_token_and_no_secret(monkeypatch):
    from shared import config

    production = config.settings().model_copy(update={
        "env": "production", "public_base_url": "https://api.tradehub.in",
        "tasks_service_account": "tasks-invoker@rnrl.iam.gserviceaccount.com"})
    monkeypatch.setattr(tasks, "settings", lambda: production)

    request = tasks.build_task("offer-O1-v1", "/jobs/timers/offer-expiry", {}, datetime.now(UTC))["http_request"]

    assert request["oidc_token"] == {"service_account_email": "tasks-invoker@rnrl.iam.gserviceaccount.com",
                                     "audience": "https://api.tradehub.in"}
    assert "Authorization" not in request["headers"]
    monkeypatch.setattr(tasks, "settings", lambda: production.model_copy(update={"tasks_service_account": None}))
    with pytest.raises(RuntimeError):
        tasks.build_task("offer-O1-v1", "/jobs/timers/offer-expiry", {}, datetime.now(UTC))
