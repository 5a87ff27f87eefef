"""A small per-instance read cache with a time to live, for data that changes rarely (masters).

Each function instance has its own cache: a write invalidates the entries of the instance that made
it at once; other instances see the change when their entries expire (the TTL bounds staleness).
Time comes from shared.clock so tests move the clock instead of sleeping. Values are deep-copied in
and out, so a caller that mutates what it got cannot corrupt the cache.
"""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from shared import clock

T = TypeVar("T")
_MISSING = object()


class TtlCache:
    def __init__(self, ttl_seconds: float = 60.0, max_entries: int = 1024) -> None:
        self.ttl = timedelta(seconds=ttl_seconds)
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[datetime, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0       # bumped by every invalidation
        self.hits = 0
        self.misses = 0

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return default
            expires_at, value = entry
            if clock.now() >= expires_at:
                del self._entries[key]
                self.misses += 1
                return default
            self._entries.move_to_end(key)
            self.hits += 1
        return copy.deepcopy(value)

    def set(self, key: str, value: Any) -> None:
        stored = copy.deepcopy(value)
        with self._lock:
            self._store(key, stored)

    def _store(self, key: str, stored: Any) -> None:
        self._entries[key] = (clock.now() + self.ttl, stored)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

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
            stored = copy.deepcopy(value)
            with self._lock:
                if generation == self._generation:
                    self._store(key, stored)
        return value

    def invalidate(self, key: str) -> None:
        with self._lock:
            self._generation += 1
            self._entries.pop(key, None)

    def invalidate_prefix(self, prefix: str) -> None:
        with self._lock:
            self._generation += 1
            for key in [k for k in self._entries if k.startswith(prefix)]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
