"""A `complete` of pending signed-URL uploads racing the sweep of abandoned ones (shared/upload_sweep.py)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tests.support.concurrency import run_together


def complete_racing_sweep(complete_paths: Mapping[str, str], token: str, sweep: Callable[[], dict[str, Any]]
                          ) -> tuple[dict[str, tuple[int, str | None]], dict[str, Any]]:
    """POST every `complete` path (key -> path) and run `sweep`, all at once, each on a client of its own;
    ({key: (status code, error code)}, the sweep's summary)."""
    from local.gateway import create_gateway
    from tests.support.client import ApiClient

    gateway = create_gateway()

    def complete(key: str, path: str) -> tuple[str, int, str | None]:
        response = ApiClient(gateway).post(path, token=token)
        return key, response.status_code, response.get_json().get("code")

    outcomes = run_together([lambda k=key, p=path: complete(k, p) for key, path in complete_paths.items()] + [sweep],
                            timeout=240)
    answers = {o[0]: o[1:] for o in outcomes if isinstance(o, tuple)}
    return answers, next(o for o in outcomes if isinstance(o, dict))


def assert_each_won_cleanly(answers: Mapping[str, tuple[int, str | None]], summary: Mapping[str, Any],
                            outcome: Mapping[str, tuple[str, bool]], not_pending_code: str) -> None:
    """Each record (key -> (status, its object exists)) ended verified with its file (its complete answered
    200) or abandoned without it (409 `not_pending_code`), and the sweep counted the abandoned ones."""
    abandoned = 0
    for key, (status, exists) in outcome.items():
        assert (status, exists) in (("VERIFIED_FILE", True), ("UPLOAD_ABANDONED", False)), key
        assert answers[key] == ((200, None) if status == "VERIFIED_FILE" else (409, not_pending_code)), key
        abandoned += status == "UPLOAD_ABANDONED"
    assert summary["abandoned"] == abandoned
