"""The one source of "now". Tests move this clock instead of sleeping."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

INDIA = ZoneInfo("Asia/Kolkata")
_offset = timedelta(0)


def now() -> datetime:
    """The current time, UTC, timezone-aware."""
    return datetime.now(UTC) + _offset


def today_india() -> date:
    return now().astimezone(INDIA).date()


def advance(delta: timedelta) -> None:
    """Move the clock forward (tests only; the offset is per process)."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with a Z, as the API writes timestamps."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
