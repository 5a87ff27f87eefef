"""The `jobs` function: Cloud Scheduler calls `POST /jobs/<name>` for each job of shared/jobs.py.

In the cloud the caller is Cloud Scheduler with an OIDC token of the scheduler service account; locally
(and in tests) it is the local scheduler with the shared job secret. Nothing else may run a job.
"""
from __future__ import annotations

import hmac
import logging
import time
from typing import Any

from shared.errors import ApiError, NotFound, Unauthorized
from shared.http.request import ApiResponse
from shared.logging import get_logger, log

logger = get_logger("jobs")


def authorize(header: str | None) -> None:
    from shared.auth.guard import bearer_token
    from shared.config import settings

    token = bearer_token(header)
    config = settings()
    if config.is_production:
        import os

        from google.auth.transport import requests as google_requests
        from google.oauth2 import id_token

        try:
            claims = id_token.verify_oauth2_token(token, google_requests.Request(),
                                                  audience=config.public_base_url)
        except ValueError as error:
            raise Unauthorized("INVALID_TOKEN", "The scheduler token is not valid") from error
        if claims.get("email") != os.environ.get("SCHEDULER_SERVICE_ACCOUNT"):
            raise Unauthorized("INVALID_TOKEN", "The caller is not the scheduler")
        return
    if not hmac.compare_digest(token.encode(), config.jobs_shared_secret.encode()):
        raise Unauthorized("INVALID_TOKEN", "The job secret is wrong")


def run_job(name: str) -> dict[str, Any]:
    from shared.jobs import job

    try:
        definition = job(name)
    except KeyError:
        raise NotFound("JOB_NOT_FOUND", f"No job named {name}") from None
    started = time.perf_counter()
    summary = definition.load()()
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    log(logger, logging.INFO, "job finished", job=name, latencyMs=elapsed, summary=summary)
    return {"job": name, "summary": summary, "latencyMs": elapsed}


def serve(request: Any) -> Any:
    from shared.http.pipeline import to_flask

    request_id = request.headers.get("X-Request-Id", "job")
    try:
        if request.method != "POST" or not request.path.startswith("/jobs/"):
            raise NotFound("ROUTE_NOT_FOUND", "POST /jobs/<name>")
        authorize(request.headers.get("Authorization"))
        response = ApiResponse(run_job(request.path.removeprefix("/jobs/").strip("/")))
    except ApiError as error:
        response = ApiResponse(error.body(), error.status, error.headers)
    except Exception:  # noqa: BLE001 - logged with its trace, answered without it; Scheduler retries
        logger.exception("job failed")
        response = ApiResponse({"code": "INTERNAL", "message": "The job failed; see the logs", "details": {}}, 500)
    return to_flask(response, request_id)
