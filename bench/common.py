"""What every benchmark shares: configuration with throwaway secrets, emulators for the run, tables."""
from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table with columns padded to their widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]

    def line(cells: list[str]) -> str:
        return " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(headers), "-+-".join("-" * width for width in widths), *map(line, rows)])
