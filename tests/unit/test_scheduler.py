"""The local scheduler's timing (pure: fixed instants, no clock, no network)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from croniter import croniter

from local.scheduler import next_run, read_env_file, upcoming
from shared.jobs import JOBS, Job

IST = timezone(timedelta(hours=5, minutes=30))


def test_every_two_minutes_fires_on_the_next_even_minute():
    assert next_run("*/2 * * * *", datetime(2025, 1, 1, 4, 31, 30, tzinfo=UTC)) == datetime(2025, 1, 1, 4, 32,
                                                                                           tzinfo=UTC)


def test_next_run_is_strictly_after_the_given_instant():
    assert next_run("*/2 * * * *", datetime(2025, 1, 1, 4, 32, tzinfo=UTC)) == datetime(2025, 1, 1, 4, 34, tzinfo=UTC)


def test_daily_cron_is_read_in_india_time():
    # 09:00 IST is 03:30 UTC; at 08:30 IST the next run is the same morning.
    after = datetime(2025, 3, 10, 8, 30, tzinfo=IST)
    assert next_run("0 9 * * *", after) == datetime(2025, 3, 10, 3, 30, tzinfo=UTC)
    # Just past 09:00 IST: tomorrow.
    assert next_run("0 9 * * *", datetime(2025, 3, 10, 3, 30, 1, tzinfo=UTC)) == datetime(2025, 3, 11, 3, 30,
                                                                                          tzinfo=UTC)


def test_india_midnight_is_the_previous_utc_evening():
    assert next_run("0 0 * * *", datetime(2025, 6, 1, 12, 0, tzinfo=UTC)) == datetime(2025, 6, 1, 18, 30, tzinfo=UTC)


def test_a_weekday_cron_uses_the_india_weekday():
    # Monday 2025-03-10 00:15 IST is still Sunday 18:45 UTC: a Monday 00:30 IST job runs 15 minutes later.
    after = datetime(2025, 3, 9, 18, 45, tzinfo=UTC)
    assert next_run("30 0 * * 1", after) == datetime(2025, 3, 9, 19, 0, tzinfo=UTC)


def test_results_are_utc():
    assert next_run("*/5 * * * *", datetime(2025, 1, 1, tzinfo=IST)).utcoffset() == timedelta(0)


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_run("*/2 * * * *", datetime(2025, 1, 1, 4, 31))


def test_upcoming_orders_jobs_by_next_run_then_name():
    jobs = [Job("daily", "0 9 * * *", "x:y", ""), Job("often-b", "*/2 * * * *", "x:y", ""),
            Job("often-a", "*/2 * * * *", "x:y", "")]
    plan = upcoming(jobs, datetime(2025, 1, 1, 3, 0, 30, tzinfo=UTC))
    assert [(job.name, when) for when, job in plan] == [
        ("often-a", datetime(2025, 1, 1, 3, 2, tzinfo=UTC)),
        ("often-b", datetime(2025, 1, 1, 3, 2, tzinfo=UTC)),
        ("daily", datetime(2025, 1, 1, 3, 30, tzinfo=UTC)),
    ]


def test_every_job_of_the_table_has_a_valid_cron_and_a_loadable_handler():
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
    for job in JOBS:
        assert croniter.is_valid(job.cron), job.name
        assert len(job.cron.split()) == 5, job.name
        assert callable(job.load()), job.name
        assert next_run(job.cron, datetime(2025, 1, 1, tzinfo=UTC)) > datetime(2025, 1, 1, tzinfo=UTC)


def test_env_file_reading(tmp_path):
    path = tmp_path / "stack.env"
    path.write_text("# comment\n\nPUBLIC_BASE_URL=http://127.0.0.1:8000\nJOBS_SHARED_SECRET=a=b\n")
    assert read_env_file(path) == {"PUBLIC_BASE_URL": "http://127.0.0.1:8000", "JOBS_SHARED_SECRET": "a=b"}
