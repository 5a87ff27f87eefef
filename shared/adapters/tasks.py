"""Cloud Tasks: one HTTP task per timer that must fire at an exact time (offer validity, trade expiry).

A task's name comes from the entity and its version (e.g. `offer-<id>-v3`), so scheduling the same
timer twice creates one task: Cloud Tasks answers ALREADY_EXISTS (also for about an hour after the
task ran or was deleted), which counts as success here. A timer for a newer version gets a new name;
the old task still fires, so **handlers must re-check state** (is the offer still open, is this still
its version?) and do nothing when the timer is stale. The local emulator does not deduplicate names
at all: a handler that re-checks state is correct there too.

In the cloud the task calls the function with an OIDC token of `TASKS_SERVICE_ACCOUNT` (audience:
PUBLIC_BASE_URL). Locally the emulator ignores OIDC, so the task carries the jobs shared secret as a
bearer token instead, like the local scheduler does.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime
from typing import Any

from shared.adapters.lazy import LazyClient
from shared.config import settings
from shared.logging import get_logger, log

logger = get_logger("adapters.tasks")

_clients = LazyClient()
_TASK_ID = re.compile(r"[^A-Za-z0-9_-]+")


def client() -> Any:
    """The Cloud Tasks client, created on first use (a plain gRPC channel to the emulator locally)."""
    config = settings()
    host = config.tasks_emulator_host
    if not host and not config.is_production:
        # Locally there is no queue without the emulator; the cloud client would go looking for credentials.
        raise RuntimeError("no Cloud Tasks here: CLOUD_TASKS_EMULATOR_HOST is not set")

    def build() -> Any:
        from google.cloud import tasks_v2

        if host:
            import grpc
            from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

            return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(host)))
        return tasks_v2.CloudTasksClient()

    return _clients.get(host or "cloud", build)


def reset_client() -> None:
    _clients.reset()


def queue_path() -> str:
    config = settings()
    return f"projects/{config.project_id}/locations/{config.region}/queues/{config.tasks_queue}"


def task_id(name: str) -> str:
    """A valid, deterministic task id for `name` (letters, digits, `-`, `_`; at most 500 characters).

    A short hash of the full name goes first: it keeps ids distinct after cleaning, and Cloud Tasks
    spreads load better when ids do not share a sequential prefix.
    """
    if not name:
        raise ValueError("a task needs a name")
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    cleaned = _TASK_ID.sub("-", name).strip("-")[:480]
    return f"{digest}-{cleaned}" if cleaned else digest


def build_task(name: str, url_path: str, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    if at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    if not url_path.startswith("/"):
        raise ValueError("url_path must start with /")
    config = settings()
    http_request: dict[str, Any] = {
        "url": config.public_base_url + url_path,
        "http_method": "POST",
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(payload, separators=(",", ":"), default=str).encode(),
    }
    if config.is_production:
        account = config.tasks_service_account
        if not account:
            raise RuntimeError("TASKS_SERVICE_ACCOUNT is not set")
        http_request["oidc_token"] = {"service_account_email": account, "audience": config.public_base_url}
    else:
        http_request["headers"]["Authorization"] = f"Bearer {config.jobs_shared_secret.get_secret_value()}"
    return {"name": f"{queue_path()}/tasks/{task_id(name)}", "schedule_time": at, "http_request": http_request}


def schedule_http_task(name: str, url_path: str, payload: dict[str, Any], at: datetime) -> str:
    """Create the named task POSTing `payload` as JSON to PUBLIC_BASE_URL + `url_path` at `at`.

    Returns the full task name. Scheduling the same name again is a no-op (ALREADY_EXISTS).
    """
    from google.api_core.exceptions import AlreadyExists

    task = build_task(name, url_path, payload, at)
    try:
        client().create_task(parent=queue_path(), task=task)
    except AlreadyExists:
        log(logger, logging.INFO, "task already scheduled", task=task["name"], path=url_path)
        return task["name"]
    log(logger, logging.INFO, "task scheduled", task=task["name"], path=url_path, at=at.isoformat())
    return task["name"]


def ensure_queue() -> bool:
    """Create the queue on the emulator (False when it already existed). In the cloud Terraform owns it.

    The emulator answers a second create with the existing queue instead of ALREADY_EXISTS, so True
    there only means the call went through.
    """
    from google.api_core.exceptions import AlreadyExists

    if not settings().tasks_emulator_host:
        return False
    path = queue_path()
    try:
        client().create_queue(parent=path.rsplit("/queues/", 1)[0], queue={"name": path})
    except AlreadyExists:
        return False
    return True
