"""What every benchmark shares: configuration with throwaway secrets, emulators for the run, tables;
for the per-route benches the in-process gateway and the per-route rows of reads, writes and latency."""
from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def configure(project: str, env: str = "test") -> None:
    """Configure this process like a function instance of `project`, with fresh throwaway secrets."""
    os.environ.update({
        "TRADEHUB_ENV": env,
        "GOOGLE_CLOUD_PROJECT": project,
        "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
        "JOBS_SHARED_SECRET": secrets.token_urlsafe(32),
        "SENDGRID_API_KEY": "SG.bench-" + secrets.token_urlsafe(16),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "STORAGE_BUCKET": f"{project}-documents",
    })
    os.environ.pop("FIREBASE_AUTH_EMULATOR_HOST", None)


@contextmanager
def emulators(project: str, label: str) -> Iterator[object | None]:
    """The Firestore/Pub/Sub/Storage emulators for one bench run, with this process pointed at them.

    Yields None (after printing why) where the Google emulators are not installed.
    """
    from local.emulators import Emulators, EmulatorsMissing
    from shared.config import reset_settings_cache

    stack = Emulators(project=project, log_dir=ROOT / ".local" / f"bench-emulators-{os.getpid()}")
    try:
        stack.start(with_tasks=False)
    except EmulatorsMissing as missing:
        print(f"{label} skipped: {missing}")
        yield None
        return
    try:
        os.environ.update(stack.env)
        reset_settings_cache()
        yield stack
    finally:
        stack.stop()


@contextmanager
def gateway_api(project: str, label: str) -> Iterator[Any | None]:
    """An ApiClient on the in-process local gateway (the real pipeline) of `project`, on its own emulators
    with the topics created (events publish as in the stack; no push consumers here) and the "tradehub"
    logger quiet to warnings (the table, not one line per request). None where the emulators are missing."""
    configure(project)
    with emulators(project, label) as stack:
        if stack is None:
            yield None
            return
        import logging

        from local.gateway import create_gateway
        from local.pubsub_setup import ensure_topics
        from shared.logging import get_logger
        from tests.support.client import ApiClient

        ensure_topics(project)
        get_logger("bench")                      # configures the "tradehub" logger, then quiet it to warnings
        logging.getLogger("tradehub").setLevel(logging.WARNING)
        yield ApiClient(create_gateway())


ROUTE_HEADERS = ["route", "status", "reads", "writes (mean)", "p50 ms", "p95 ms"]


class Row:
    """One route's calls: Firestore reads, writes and transaction retries (from the response headers),
    latency and statuses; `cells()` is its line under ROUTE_HEADERS."""

    def __init__(self, label: str) -> None:
        self.label, self.reads, self.writes, self.retries, self.ms, self.statuses = label, [], [], [], [], Counter()

    def add(self, response: Any, elapsed_ms: float) -> Any:
        self.reads.append(int(response.headers.get("X-Firestore-Reads", "0")))
        self.writes.append(int(response.headers.get("X-Firestore-Writes", "0")))
        self.retries.append(int(response.headers.get("X-Transaction-Retries", "0")))
        self.ms.append(elapsed_ms)
        self.statuses[response.status_code] += 1
        return response

    def cells(self) -> list[str]:
        return [self.label, ",".join(f"{code}x{n}" for code, n in sorted(self.statuses.items())),
                f"{min(self.reads)}-{max(self.reads)}", f"{statistics.mean(self.writes):.1f}",
                f"{statistics.median(self.ms):.1f}", f"{percentile(self.ms, 0.95):.1f}"]


def timed(row: Row, method: Any, path: str, **kwargs: Any) -> Any:
    """`method(path, **kwargs)` (an ApiClient call), counted in `row`."""
    started = time.perf_counter()
    response = method(path, **kwargs)
    return row.add(response, (time.perf_counter() - started) * 1000)


def body_of(response: Any, status: int) -> dict[str, Any]:
    if response.status_code != status:
        raise SystemExit(f"{response.request.method} {response.request.path}: {response.status_code} "
                         f"{response.get_data(as_text=True)[:300]}")
    return response.get_json()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table with columns padded to their widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]

    def line(cells: list[str]) -> str:
        return " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(headers), "-+-".join("-" * width for width in widths), *map(line, rows)])
