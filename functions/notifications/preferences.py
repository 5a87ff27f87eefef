"""Notification preferences: per category, which channels a user wants. Pure rules, no I/O.

Stored shape (`notificationPreferences/{userId}`): `{language, categories: {category: {inApp, email, sms}},
version, updatedAt}`. What is not stored takes the category default. Mandatory categories (security)
are always on, whatever is stored, and cannot be turned off.
"""
from __future__ import annotations

from typing import Any

from functions.notifications.catalog import CATEGORIES, CHANNELS, LANGUAGES, EventSpec

DEFAULT_LANGUAGE = "en"


class MandatoryChannelOff(Exception):
    def __init__(self, category: str, channel: str) -> None:
        super().__init__(f"{category} notifications cannot be turned off ({channel})")
        self.category = category
        self.channel = channel


class UnknownCategory(Exception):
    def __init__(self, category: str) -> None:
        super().__init__(f"unknown notification category {category}")
        self.category = category


def effective(stored: dict[str, Any] | None) -> dict[str, Any]:
    """{language, categories: {category: {channel: bool}}} with defaults filled and mandatory forced on."""
    stored = stored or {}
    saved = stored.get("categories") or {}
    categories: dict[str, dict[str, bool]] = {}
    for key, category in CATEGORIES.items():
        chosen = saved.get(key) or {}
        categories[key] = {
            channel: True if category.mandatory else bool(chosen.get(channel, category.defaults[channel]))
            for channel in CHANNELS
        }
    language = stored.get("language")
    return {"language": language if language in LANGUAGES else DEFAULT_LANGUAGE, "categories": categories}


def apply_update(stored: dict[str, Any] | None, language: str | None,
                 changes: dict[str, dict[str, bool | None]]) -> dict[str, Any]:
    """The preferences after a user's change (only the given channels change).

    Raises UnknownCategory, or MandatoryChannelOff when a mandatory category's channel is set off.
    """
    current = effective(stored)
    for key, channels in changes.items():
        category = CATEGORIES.get(key)
        if category is None:
            raise UnknownCategory(key)
        for channel, value in channels.items():
            if value is None:
                continue
            if category.mandatory and value is False:
                raise MandatoryChannelOff(key, channel)
            current["categories"][key][channel] = bool(value)
    if language is not None:
        current["language"] = language
    return current


def wanted_channels(spec: EventSpec, preferences: dict[str, Any], allowed: frozenset[str] | None = None
                    ) -> set[str]:
    """The channels on which one user hears about an event of `spec`.

    `preferences` is the output of `effective`; `allowed` narrows to what the recipient rule permits.
    """
    chosen = preferences["categories"][spec.category]
    channels = set(spec.channels) & set(allowed if allowed is not None else spec.channels)
    if spec.mandatory:
        return channels
    return {channel for channel in channels if chosen.get(channel, False)}
