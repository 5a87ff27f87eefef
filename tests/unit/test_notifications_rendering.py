from datetime import UTC, date, datetime

from functions.notifications import rendering


def test_dates_and_times_are_shown_in_india_time():
    assert rendering.format_moment(datetime(2026, 3, 5, 9, 0, tzinfo=UTC)) == "05 Mar 2026, 2:30 PM IST"
    assert rendering.format_moment(datetime(2026, 3, 5, 19, 0, tzinfo=UTC)) == "06 Mar 2026, 12:30 AM IST"
    assert rendering.format_moment(date(2026, 12, 1)) == "01 Dec 2026"


def test_context_formats_iso_strings_and_derives_relative_phrases():
    values = rendering.context({"dueDate": "2026-05-01", "expiresAt": "2026-04-25T10:00:00Z", "n": 3, "ok": True,
                                "nested": {"x": 1}, "none": None}, today=date(2026, 4, 24))
    assert values["dueDate"] == "01 May 2026"
    assert values["dueIn"] == "in 7 days"
    assert values["daysOverdue"] == "0"
    assert values["expiresIn"] == "tomorrow"
    assert values["expiresOn"] == "25 Apr 2026"
    assert values["n"] == "3" and values["ok"] == "yes"
    assert "nested" not in values and "none" not in values


def test_overdue_days_are_derived_from_the_due_date_when_not_sent():
    values = rendering.context({"dueDate": "2026-04-14"}, today=date(2026, 4, 24))
    assert values["daysOverdue"] == "10"
    assert values["dueIn"] == "today"


def test_references_fall_back_to_ids():
    values = rendering.context({"offerId": "of1", "tradeId": "t1", "tradeNumber": "TR-25-26-000001"},
                               today=date(2026, 1, 1))
    assert values["offerRef"] == "of1" and values["tradeRef"] == "TR-25-26-000001"


def test_render_leaves_missing_placeholders_empty_and_tidies_spaces():
    assert rendering.render("Hello {name},  you {missing} have\n\nmail", {"name": "Asha"}) == \
        "Hello Asha, you have\n\nmail"
    assert rendering.placeholders("{a} and {b}") == {"a", "b"}


def test_html_body_escapes_text():
    html = rendering.text_to_html("a <b>\n\nc & d")
    assert "<p>a &lt;b&gt;</p><p>c &amp; d</p>" in html
