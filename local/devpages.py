"""Local-only developer pages under /dev/ (never deployed)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

PAGES = Path(__file__).resolve().parents[1] / "dev"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css"}


def serve_dev_page(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    from shared.config import settings

    relative = environ.get("PATH_INFO", "").removeprefix("/dev/") or "index.html"
    target = (PAGES / relative).resolve()
    if settings().is_production or PAGES not in target.parents or not target.is_file():
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body = target.read_bytes()
    start_response("200 OK", [("Content-Type", TYPES.get(target.suffix, "application/octet-stream")),
                              ("Content-Length", str(len(body)))])
    return [body]
