"""One SDK client per configuration, created on first use (SDKs are heavy to import and to build).

`client(key, build)` returns the client built for `key` (a tuple of the settings it depends on), building
it under a lock the first time and again whenever the key changes (tests that move the emulator).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class LazyClient:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: Any = None
        self._key: Hashable | None = None

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            if self._client is None or self._key != key:
                self._client, self._key = build(), key
            return self._client

    def reset(self) -> None:
        with self._lock:
            self._client, self._key = None, None
