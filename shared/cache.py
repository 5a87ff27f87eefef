"""A small per-instance read cache with a time to live, for data that changes rarely (masters).

Each function instance has its own cache: a write invalidates the entries of the instance that made
it at once; other instances see the change when their entries expire (the TTL bounds staleness).
Time comes from shared.clock so tests move the clock instead of sleeping. Values are deep-copied in
and out, so a caller that mutates what it got cannot corrupt the cache.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from cachetools import TTLCache

from shared import clock

T = TypeVar("T")
_MISSING = object()


def _now() -> float:
    return clock.now().timestamp()


class TtlCache:
    """cachetools' TTLCache (least recently used out when full) on the movable clock, thread-safe,
    deep-copying values in and out, with prefix invalidation and hit/miss counts."""

    def __init__(self, ttl_seconds: float = 60.0, max_entries: int = 1024, *, copy_values: bool = True) -> None:
        self.ttl_seconds = ttl_seconds
        self._copy = copy.deepcopy if copy_values else (lambda value: value)   # off for immutable values
        self.max_entries = max_entries
        self._entries: TTLCache = TTLCache(maxsize=max_entries, ttl=ttl_seconds, timer=_now)
        self._lock = threading.Lock()
        self._generation = 0       # bumped by every invalidation
        self.hits = 0
        self.misses = 0

    @property
    def generation(self) -> int:
        return self._generation

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            value = self._entries.get(key, _MISSING)
            if value is _MISSING:
                self.misses += 1
                return default
            self.hits += 1
        return self._copy(value)

    def set(self, key: str, value: Any) -> None:
        stored = self._copy(value)
        with self._lock:
            self._entries[key] = stored

    def get_or_load(self, key: str, load: Callable[[], T]) -> T:
        """The cached value, or `load()` stored for the TTL. None results are not cached.

        A load that overlaps an invalidation is returned but not stored: it may hold what the
        invalidating write replaced.
        """
        value = self.get(key, _MISSING)
        if value is not _MISSING:
            return value
        generation = self._generation
        value = load()
        if value is not None:
            stored = self._copy(value)
            with self._lock:
                if generation == self._generation:
                    self._entries[key] = stored
        return value

    def invalidate(self, key: str) -> None:
        with self._lock:
            self._generation += 1
            self._entries.pop(key, None)

    def invalidate_prefix(self, prefix: str) -> None:
        with self._lock:
            self._generation += 1
            for key in [k for k in list(self._entries.keys()) if k.startswith(prefix)]:
                self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            self._entries.expire()
            return len(self._entries)
