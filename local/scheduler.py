"""The local stand-in for Cloud Scheduler: runs the job table of shared/jobs.py on its cron (India time).

Each run is `POST <gateway>/jobs/<name>` with `Authorization: Bearer $JOBS_SHARED_SECRET`, the same
call Cloud Scheduler makes (with OIDC instead of the shared secret) in the cloud.

    python -m local.scheduler                 # run every job on its schedule until stopped (make run)
    python -m local.scheduler --once NAME     # run one job now and print its summary (make job NAME=...)

Both read `.local/stack.env`, which `make run` writes, for the gateway URL and the job secret.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.jobs import JOBS, TIMEZONE, Job

ROOT = Path(__file__).resolve().parents[1]
STACK_ENV = Path(os.environ.get("TRADEHUB_LOCAL_DIR") or ROOT / ".local") / "stack.env"
INDIA = ZoneInfo(TIMEZONE)


def next_run(cron: str, after: datetime) -> datetime:
    """The first time strictly after `after` (aware) at which `cron` (India time) fires, in UTC."""
    from croniter import croniter

    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    local = croniter(cron, after.astimezone(INDIA)).get_next(datetime)
    return local.astimezone(UTC)


def upcoming(jobs: Iterable[Job], after: datetime) -> list[tuple[datetime, Job]]:
    """Every job with its next run after `after`, soonest first (ties by name)."""
    return sorted(((next_run(item.cron, after), item) for item in jobs), key=lambda pair: (pair[0], pair[1].name))


def read_env_file(path: Path = STACK_ENV) -> dict[str, str]:
    """KEY=VALUE lines (no quoting; blank lines and # comments skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def post_job(gateway_url: str, secret: str, name: str, timeout: float = 300) -> tuple[int, dict]:
    """POST /jobs/<name>; (status, JSON body)."""
    request = urllib.request.Request(
        f"{gateway_url.rstrip('/')}/jobs/{name}", data=b"{}", method="POST",
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json",
                 "X-Request-Id": f"scheduler-{name}-{int(datetime.now(UTC).timestamp())}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body or b"{}")
        except ValueError:
            return error.code, {"message": body.decode(errors="replace")[:500]}


def _say(message: str, **fields: object) -> None:
    print(json.dumps({"severity": "INFO", "logger": "scheduler", "message": message, **fields}), flush=True)


def run_forever(gateway_url: str, secret: str, stop: threading.Event, jobs: Iterable[Job] = JOBS) -> None:
    """Fire each job at its times until `stop` is set. A run that fails is logged and retried at the
    job's next time, like Cloud Scheduler without a retry config."""
    jobs = list(jobs)
    plan = dict((item.name, when) for when, item in upcoming(jobs, datetime.now(UTC)))
    by_name = {item.name: item for item in jobs}
    _say("scheduler started", jobs={name: by_name[name].cron for name in plan}, timezone=TIMEZONE)
    while not stop.is_set():
        name, when = min(plan.items(), key=lambda pair: (pair[1], pair[0]))
        wait = (when - datetime.now(UTC)).total_seconds()
        if wait > 0 and stop.wait(min(wait, 60)):
            break
        if datetime.now(UTC) < when:
            continue
        try:
            status, body = post_job(gateway_url, secret, name)
            _say("job ran", job=name, status=status, summary=body.get("summary"), code=body.get("code"))
        except OSError as error:
            _say("job call failed", job=name, error=repr(error)[:300])
        plan[name] = next_run(by_name[name].cron, max(when, datetime.now(UTC)))


def _stack_settings() -> dict[str, str]:
    if not STACK_ENV.is_file():
        raise SystemExit("TradeHub is not running here (no .local/stack.env): start it with `make run`")
    return read_env_file()


def run_once(name: str, in_process: bool = False) -> int:
    """`make job NAME=...`: run one job now through the running stack's gateway (or, with
    `in_process`, in this process against the running stack's emulators, for a debugger)."""
    from shared.jobs import job

    try:
        job(name)
    except KeyError:
        print(f"No job named {name!r}. Jobs: {', '.join(item.name for item in JOBS)}", file=sys.stderr)
        return 2
    env = _stack_settings()
    if in_process:
        os.environ.update(env)
        from functions.jobs import run_job

        print(json.dumps(run_job(name), indent=2, default=str))
        return 0
    gateway = env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    try:
        status, body = post_job(gateway, env["JOBS_SHARED_SECRET"], name)
    except OSError as error:
        print(f"TradeHub does not answer at {gateway} ({error}); start it with `make run`", file=sys.stderr)
        return 1
    print(json.dumps(body, indent=2))
    return 0 if status == 200 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.scheduler", description=__doc__.split("\n\n")[0])
    parser.add_argument("--once", metavar="NAME", help="run this job once now and exit")
    parser.add_argument("--in-process", action="store_true",
                        help="with --once: call the job here instead of through the gateway")
    parser.add_argument("--gateway", help="gateway URL (default: PUBLIC_BASE_URL from .local/stack.env)")
    args = parser.parse_args(argv)
    if args.once:
        return run_once(args.once, args.in_process)
    env = _stack_settings()
    gateway = args.gateway or env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    run_forever(gateway, env["JOBS_SHARED_SECRET"], stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
