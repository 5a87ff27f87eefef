"""The names the trade desk resolves chat text against, read from the live masters.

The masters function owns these collections (`commodities` with their varieties, `stations`,
`states`); other groups read them through `functions.masters.public`.
A per-instance cache keeps a warm instance at zero reads; a cold one reads the three collections
once (about 150 small documents) and then again only after the TTL.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.cache import TtlCache
from shared.db import collection

LEXICON_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class LexiconRows:
    generation: int            # changes whenever the rows were reloaded: callers rebuild what they derived
    varieties: tuple[dict[str, Any], ...]
    stations: tuple[dict[str, Any], ...]
    states: tuple[dict[str, Any], ...]


_CACHE = TtlCache(ttl_seconds=LEXICON_TTL.total_seconds(), max_entries=1, copy_values=False)   # read-only rows
_generation = itertools.count(1)


def lexicon_rows() -> LexiconRows | None:
    """The rows with ids (cached per instance for LEXICON_TTL); None while the masters are not seeded."""
    return _CACHE.get_or_load("rows", _load)


def clear() -> None:
    _CACHE.clear()


def _load() -> LexiconRows | None:
    rows = _load_rows()
    return None if rows is None else LexiconRows(next(_generation), *rows)


def _live(snapshots: Any) -> list[tuple[str, dict[str, Any]]]:
    docs = [(snap.id, snap.to_dict() or {}) for snap in snapshots]
    return [(doc_id, doc) for doc_id, doc in docs if doc.get("deletedAt") is None]


def _load_rows() -> tuple[tuple[dict[str, Any], ...], ...] | None:
    varieties = []
    for commodity_id, commodity in _live(collection("commodities").stream()):
        for variety in commodity.get("varieties") or []:
            varieties.append({"id": f"{commodity_id}:{variety['code']}", "name": variety["name"],
                              "aliases": variety.get("aliases") or [], "commodity": commodity.get("code"),
                              "commodityId": commodity_id})
    stations = [{"id": station_id, "name": doc["name"], "aliases": doc.get("aliases") or [],
                 "state": doc["state"], "region": doc.get("region")}
                for station_id, doc in _live(collection("stations").stream())]
    states = [{"id": state_id, "name": doc["name"], "aliases": doc.get("aliases") or [],
               "gstCode": doc.get("code")}
              for state_id, doc in _live(collection("states").stream())]
    if not (varieties and stations and states):
        return None
    return tuple(varieties), tuple(stations), tuple(states)
