"""Running calls at the same moment, for the race tests (acceptances, payments, numbering)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from shared.errors import ApiError


def run_together(calls: list[Callable[[], Any]], *, timeout: float = 300) -> list[Any]:
    """Start every call on a thread of its own at once and wait for all: each one's result, or the `code`
    of the ApiError it raised, in the order they finished (any other exception fails the test)."""
    outcomes: list[Any] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            result = call()
        except ApiError as error:
            result = error.code
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            with lock:
                failures.append(error)
            return
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if failures:
        raise failures[0]
    return outcomes
