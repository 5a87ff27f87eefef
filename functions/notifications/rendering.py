"""Template rendering: the values a template may use, and filling `{name}` placeholders. Pure, no I/O.

Dates and times are shown in India time (`05 Mar 2026, 2:30 PM IST`); relative phrases (`in 7 days`,
`tomorrow`) are derived from the event data so every template reads naturally whatever the producer
sent. A placeholder with no value renders as an empty string rather than failing a delivery.
"""
from __future__ import annotations

import html
import string
from datetime import UTC, date, datetime
from typing import Any

from shared.clock import INDIA

# An expired offer's reason (functions/tradedesk/expiry.py), as the party told reads it.
EXPIRY_TEXTS = {"VALIDITY_ENDED": "its validity ended before it was answered",
                "REQUEST_EXPIRED": "its trade request reached the end of its validity"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _parse_moment(value: Any) -> datetime | date | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-" or value[7:8] != "-":
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_date(day: date) -> str:
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"


def format_time(moment: datetime) -> str:
    local = moment.astimezone(INDIA)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'} IST"


def format_moment(value: datetime | date) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return f"{format_date(value.astimezone(INDIA).date())}, {format_time(value)}"
    return format_date(value)


def relative_days(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def context(data: dict[str, Any], *, today: date, extra: dict[str, Any] | None = None) -> dict[str, str]:
    """Every value a template may use: the event's scalar fields (dates formatted), `extra` (looked-up
    values such as partnerName, userName, appUrl) and derived phrases."""
    values: dict[str, str] = {}
    moments: dict[str, datetime | date] = {}
    for key, value in {**data, **(extra or {})}.items():
        if isinstance(value, (dict, list, tuple)) or value is None:
            continue
        moment = _parse_moment(value)
        if moment is not None:
            moments[key] = moment
            values[key] = format_moment(moment)
        elif isinstance(value, bool):
            values[key] = "yes" if value else "no"
        else:
            values[key] = str(value)

    def days_until(key: str) -> int | None:
        moment = moments.get(key)
        if moment is None:
            return None
        day = moment.astimezone(INDIA).date() if isinstance(moment, datetime) else moment
        return (day - today).days

    due_days = _int(data.get("daysUntilDue"))
    if due_days is None:
        due_days = days_until("dueDate")
    if due_days is not None:
        values["dueIn"] = relative_days(due_days)
    overdue = _int(data.get("daysOverdue"))
    if overdue is None and due_days is not None:
        overdue = max(0, -due_days)
    if overdue is not None:
        values["daysOverdue"] = str(overdue)
    expires_days = _int(data.get("daysLeft"))
    if expires_days is None:
        expires_days = days_until("expiresAt")
    if expires_days is not None:
        values["expiresIn"] = relative_days(expires_days)
    if isinstance(moments.get("expiresAt"), datetime):
        values["expiresOn"] = format_date(moments["expiresAt"].astimezone(INDIA).date())
    if isinstance(moments.get("endsAt"), datetime):
        values["endsAtTime"] = format_time(moments["endsAt"])
    if data.get("reason") == "absolute":
        values["reasonText"] = "when it reaches its 12-hour limit"
        values["advice"] = "you will have to sign in again."
    elif data.get("reason") == "idle":
        values["reasonText"] = "after 30 minutes without activity"
        values["advice"] = "any action in TradeHub keeps it open."
    if "offerId" in values:                                   # OfferExpired's reason (its own validity by default)
        values["expiryText"] = EXPIRY_TEXTS.get(str(data.get("reason")), EXPIRY_TEXTS["VALIDITY_ENDED"])
    values.setdefault("device", "an unrecognised device")
    values.setdefault("userName", "there")
    values.setdefault("partnerCode", values.get("code") or values.get("partnerId", ""))
    values.setdefault("partnerName", "Your company")
    values["offerRef"] = values.get("offerNumber") or values.get("offerId", "")
    values["tradeRef"] = values.get("tradeNumber") or values.get("tradeId", "")
    values["contractRef"] = values.get("contractNumber") or values.get("contractId", "")
    if "disputeId" in values:
        values.setdefault("disputeNumber", values["disputeId"])
        kind = {"CREDIT": "A credit note", "DEBIT": "A debit note"}.get(values.get("noteKind", ""))
        values["noteText"] = f"{kind} {values['noteNumber']} was issued for it." if kind and values.get(
            "noteNumber") else ""
    return values


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, values: dict[str, str]) -> str:
    """`template` with its `{name}` placeholders filled (missing ones empty); whitespace tidied."""
    text = string.Formatter().vformat(template, (), _Blank(values))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text_to_html(text: str) -> str:
    """A minimal HTML body for an email whose text part is `text`."""
    paragraphs = [html.escape(part).replace("\n", "<br>") for part in text.split("\n\n")]
    return "<!doctype html><html><body style=\"font-family:Arial,sans-serif;font-size:14px\">" + "".join(
        f"<p>{paragraph}</p>" for paragraph in paragraphs) + "</body></html>"
