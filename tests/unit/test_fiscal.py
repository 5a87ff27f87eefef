"""shared/fiscal.py: the financial year (1 April - 31 March) of India-time dates."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared import clock, fiscal


@pytest.mark.parametrize("day, code", [
    (date(2025, 4, 1), "2025-26"), (date(2026, 3, 31), "2025-26"), (date(2026, 4, 1), "2026-27"),
    (date(2025, 12, 31), "2025-26"), (date(2026, 1, 1), "2025-26"), (date(1999, 6, 1), "1999-00"),
    (date(2000, 2, 29), "1999-00"),
])
def test_financial_year_of_a_date(day, code):
    assert fiscal.financial_year_of(day) == code


def test_a_moment_is_taken_in_india_time():
    # 31 March 2026 19:00 UTC is 1 April 2026 00:30 in India.
    assert fiscal.financial_year_of(datetime(2026, 3, 31, 19, 0, tzinfo=UTC)) == "2026-27"
    assert fiscal.financial_year_of(datetime(2026, 3, 31, 18, 29, tzinfo=UTC)) == "2025-26"


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        fiscal.financial_year_of(datetime(2026, 3, 31, 19, 0))


def test_bounds_and_neighbours():
    assert fiscal.bounds("2025-26") == (date(2025, 4, 1), date(2026, 3, 31))
    assert fiscal.bounds("1999-00") == (date(1999, 4, 1), date(2000, 3, 31))
    assert fiscal.next_code("2025-26") == "2026-27"
    assert fiscal.contains("2025-26", date(2026, 3, 31)) and not fiscal.contains("2025-26", date(2026, 4, 1))


@pytest.mark.parametrize("code", ["2025-27", "2025-2026", "25-26", "2025/26", "", "abcd-ef"])
def test_malformed_codes(code):
    with pytest.raises(ValueError):
        fiscal.parse_code(code)


def _set_clock(moment: datetime) -> None:
    clock.reset()
    clock.advance(moment - clock.now())


@pytest.mark.parametrize("before, after, codes", [
    # 31 March of a year followed by no 29 February (a year later is 31 March again, not 1 April)
    (datetime(2026, 3, 31, 18, 29, tzinfo=UTC), datetime(2026, 3, 31, 18, 30, tzinfo=UTC), ("2025-26", "2026-27")),
    (datetime(2027, 3, 31, 12, 0, tzinfo=UTC), datetime(2027, 4, 1, 12, 0, tzinfo=UTC), ("2026-27", "2027-28")),
    # and one followed by a 29 February
    (datetime(2027, 6, 1, tzinfo=UTC), datetime(2028, 5, 31, tzinfo=UTC), ("2027-28", "2028-29")),
])
def test_current_financial_year_follows_the_clock(before, after, codes):
    try:
        _set_clock(before)
        assert fiscal.current_financial_year() == codes[0]
        clock.advance(after - before)
        assert fiscal.current_financial_year() == codes[1]
    finally:
        clock.reset()
