"""Prefix search keys for dropdowns: pure, no I/O.

A station stores `searchKeys`: every prefix (1 to MAX_KEY characters) of its normalized name and
aliases, whole and word by word, with and without spaces. A search for `raj` is then one equality
query `searchKeys array-contains "raj"`: an index lookup, never a scan, paged like any list.
"""
from __future__ import annotations

import re

from shared.reference_data import normalize

MAX_KEY = 30


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def query_key(text: str | None) -> str:
    """The key a search text looks up ('' for nothing searchable)."""
    return normalize(text or "")[:MAX_KEY]


def _prefixes(text: str) -> set[str]:
    return {text[:end] for end in range(1, min(len(text), MAX_KEY) + 1)}


def search_keys(name: str, aliases: list[str] | tuple[str, ...] = ()) -> list[str]:
    keys: set[str] = set()
    for text in (name, *aliases):
        normalized = normalize(text)
        if not normalized:
            continue
        keys |= _prefixes(normalized)
        keys |= _prefixes(normalized.replace(" ", ""))
        for word in normalized.split(" "):
            keys |= _prefixes(word)
    return sorted(keys)


def matched_alias(name: str, aliases: list[str] | tuple[str, ...], key: str) -> str | None:
    """The alias a search key matched, when it did not match the name itself."""
    if not key or key in search_keys(name):
        return None
    for alias in aliases:
        if key in search_keys(alias):
            return alias
    return None
