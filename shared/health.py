"""`GET <prefix>/health`: the function's version and whether Firestore answers."""
from __future__ import annotations

import time
from typing import Any

from shared.config import settings
from shared.db import collection
from shared.errors import ServiceUnavailable


def health(function_name: str) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        collection("_health").document("ping").get(timeout=5)
        checks["firestore"] = {"ok": True, "latencyMs": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as error:  # noqa: BLE001 - reported, not raised
        checks["firestore"] = {"ok": False, "error": type(error).__name__}
    body = {"status": "ok" if all(c["ok"] for c in checks.values()) else "degraded",
            "function": function_name, "version": settings().version, "env": settings().env,
            "checks": checks}
    if body["status"] != "ok":
        raise ServiceUnavailable("DEPENDENCY_UNAVAILABLE", "Firestore is not answering", body)
    return body
