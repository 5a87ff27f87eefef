"""shared/cache.py: entries live for the TTL on the moved clock, invalidation is immediate."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from shared.cache import TtlCache


@pytest.fixture(autouse=True)
def reset_clock():
    clock.reset()
    yield
    clock.reset()


def test_value_expires_after_the_ttl():
    cache = TtlCache(ttl_seconds=60)
    cache.set("template:COTTON", {"name": "Cotton"})
    clock.advance(timedelta(seconds=59))
    assert cache.get("template:COTTON") == {"name": "Cotton"}
    clock.advance(timedelta(seconds=1))
    assert cache.get("template:COTTON") is None
    assert len(cache) == 0


def test_get_or_load_loads_once_within_the_ttl():
    cache = TtlCache(ttl_seconds=60)
    loads = []

    def load():
        loads.append(1)
        return {"n": len(loads)}

    assert cache.get_or_load("k", load) == {"n": 1}
    assert cache.get_or_load("k", load) == {"n": 1}
    clock.advance(timedelta(seconds=61))
    assert cache.get_or_load("k", load) == {"n": 2}
    assert len(loads) == 2 and cache.hits == 1


def test_none_is_not_cached():
    cache = TtlCache()
    calls = []
    assert cache.get_or_load("missing", lambda: calls.append(1)) is None
    assert cache.get_or_load("missing", lambda: calls.append(1)) is None
    assert len(calls) == 2


def test_invalidate_and_prefix_and_clear():
    cache = TtlCache()
    cache.set("locations:raj", [1])
    cache.set("locations:mor", [2])
    cache.set("template:COTTON", {"a": 1})
    cache.invalidate_prefix("locations:")
    assert cache.get("locations:raj") is None and cache.get("locations:mor") is None
    assert cache.get("template:COTTON") == {"a": 1}
    cache.invalidate("template:COTTON")
    assert cache.get("template:COTTON") is None
    cache.set("x", 1)
    cache.clear()
    assert cache.get("x") is None


def test_callers_cannot_mutate_cached_values():
    cache = TtlCache()
    original = {"params": [{"key": "stapleMm"}]}
    cache.set("k", original)
    original["params"].append({"key": "changed"})
    got = cache.get("k")
    got["params"][0]["key"] = "mutated"
    assert cache.get("k") == {"params": [{"key": "stapleMm"}]}


def test_a_load_overlapping_an_invalidation_is_not_stored():
    cache = TtlCache()

    def load_while_someone_writes():
        cache.invalidate("k")     # a write in this instance lands while we were reading
        return {"stale": True}

    assert cache.get_or_load("k", load_while_someone_writes) == {"stale": True}
    assert cache.get("k") is None


def test_oldest_entries_are_evicted_beyond_max_entries():
    cache = TtlCache(max_entries=2)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.get("a")
    cache.set("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3


def test_the_lexicon_rows_are_cached_until_the_moved_clock_passes_their_ttl(monkeypatch):
    from datetime import timedelta

    from functions.masters import lexicon
    from shared import clock

    loads = []
    rows = (({"id": "v"},), ({"id": "s"},), ({"id": "x"},))
    monkeypatch.setattr(lexicon, "_load_rows", lambda: loads.append(1) or rows)
    lexicon.clear()
    first = lexicon.lexicon_rows()
    assert lexicon.lexicon_rows() is first and len(loads) == 1
    clock.advance(lexicon.LEXICON_TTL - timedelta(seconds=1))
    assert lexicon.lexicon_rows() is first
    clock.advance(timedelta(seconds=1))
    second = lexicon.lexicon_rows()
    assert len(loads) == 2 and second.generation > first.generation
    lexicon.clear()
    clock.reset()
