"""The `jobs` function: Cloud Scheduler calls `POST /jobs/<name>` for each job of shared/jobs.py, and
Cloud Tasks calls `POST /jobs/timers/<name>` for each timer of shared/timers.py.

In the cloud a job's caller is Cloud Scheduler with an OIDC token of the scheduler service account and
a timer's is Cloud Tasks with one of the tasks service account (each refuses the other's); locally (and
in tests) both carry the shared job secret. Nothing else may run a job or fire a timer.
"""
from __future__ import annotations

import hmac
import json
import logging
import time
from typing import Any

from shared import clock, timer_firing, timers
from shared.auth.guard import bearer_token
from shared.config import settings
from shared.errors import ApiError, BadRequest, Conflict, NotFound, Unauthorized, Unprocessable
from shared.http.pipeline import to_flask, validate
from shared.http.request import ApiResponse
from shared.jobs import job
from shared.logging import get_logger, log

logger = get_logger("jobs")


SCHEDULER = ("the scheduler", "scheduler_service_account")
TASKS = ("Cloud Tasks", "tasks_service_account")


def authorize(header: str | None, caller: tuple[str, str] = SCHEDULER) -> None:
    """Accept only `caller`'s OIDC token in the cloud (`caller`: its name and the setting holding its
    service account), and the jobs secret elsewhere."""
    token = bearer_token(header)
    config = settings()
    if config.is_production:
        from google.auth.transport import requests as google_requests
        from google.oauth2 import id_token

        name, account_setting = caller
        try:
            claims = id_token.verify_oauth2_token(token, google_requests.Request(),
                                                  audience=config.public_base_url)
        except ValueError as error:
            raise Unauthorized("INVALID_TOKEN", f"The token of {name} is not valid") from error
        account = getattr(config, account_setting) or ""
        if not account or claims.get("email") != account:
            raise Unauthorized("INVALID_TOKEN", f"The caller is not {name}")
        return
    if not hmac.compare_digest(token.encode(), config.jobs_shared_secret.get_secret_value().encode()):
        raise Unauthorized("INVALID_TOKEN", "The job secret is wrong")


def run_job(name: str) -> dict[str, Any]:
    try:
        definition = job(name)
    except KeyError:
        raise NotFound("JOB_NOT_FOUND", f"No job named {name}") from None
    started = time.perf_counter()
    summary = definition.load()()
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    log(logger, logging.INFO, "job finished", job=name, latencyMs=elapsed, summary=summary)
    return {"job": name, "summary": summary, "latencyMs": elapsed}


def run_timer(name: str, body: bytes) -> dict[str, Any]:
    """Fire timer `name` with the task's JSON `body` (once per entity version, shared/timers.py)."""
    try:
        definition = timers.timer(name)
    except KeyError:
        raise NotFound("TIMER_NOT_FOUND", f"No timer named {name}") from None
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("MALFORMED_JSON", "The body is not valid JSON") from None
    delivery = validate(timers.TimerDelivery, data)
    model = definition.payload_model()
    if model is None and delivery.payload:
        raise Unprocessable("UNEXPECTED_PAYLOAD", f"Timer {name} takes no payload")
    payload = validate(model, delivery.payload) if model else None
    if clock.now() < delivery.fireAt:
        # Early (another clock): Cloud Tasks retries a refused delivery with backoff.
        raise Conflict("TIMER_NOT_DUE", "The timer is not due yet", {"fireAt": delivery.fireAt.isoformat()})
    return timer_firing.fire(definition, delivery, payload)


def serve(request: Any) -> Any:
    request_id = request.headers.get("X-Request-Id", "job")
    try:
        if request.method != "POST" or not request.path.startswith("/jobs/"):
            raise NotFound("ROUTE_NOT_FOUND", "POST /jobs/<name>")
        if request.path.startswith(timers.PATH_PREFIX):
            authorize(request.headers.get("Authorization"), TASKS)
            response = ApiResponse(run_timer(request.path.removeprefix(timers.PATH_PREFIX).strip("/"),
                                             request.get_data()))
        else:
            authorize(request.headers.get("Authorization"))
            response = ApiResponse(run_job(request.path.removeprefix("/jobs/").strip("/")))
    except ApiError as error:
        response = ApiResponse(error.body(), error.status, error.headers)
    except Exception:  # noqa: BLE001 - logged with its trace, answered without it; Scheduler retries
        logger.exception("job failed")
        response = ApiResponse({"code": "INTERNAL", "message": "The job failed; see the logs", "details": {}}, 500)
    return to_flask(response, request_id)
