"""The TypeScript client's test tools: its npm packages (installed by the test, like the browser check),
its build (tsc), and test-only controls in front of the served gateway.

The controls move `shared.clock` of this process (the gateway runs in it), so a node test can let an
access token expire without sleeping: `POST /_test/clock?advanceSeconds=960`.
"""
from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tests.support.browser import ROOT, ensure_npm_packages

CLIENT = ROOT / "clients" / "typescript"
NEEDED = ("openapi-fetch/package.json", "openapi-typescript/package.json", "typescript/bin/tsc",
          "esbuild/package.json", "firebase/package.json", "@types/node/package.json")
BUILD_TIMEOUT = 300


def ensure_client_packages() -> None:
    ensure_npm_packages(CLIENT, NEEDED, "clients/typescript packages (openapi-fetch, openapi-typescript, tsc)")


def build_client() -> Path:
    """Type-check and compile src/ and test/ into dist/ (tsc); the dist folder."""
    ensure_client_packages()
    done = subprocess.run(["node", str(CLIENT / "node_modules" / "typescript" / "bin" / "tsc"), "-p", "."],
                          cwd=CLIENT, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False)
    assert done.returncode == 0, f"tsc failed:\n{done.stdout}\n{done.stderr}"
    return CLIENT / "dist"


def with_test_controls(app: Any) -> Any:
    """A WSGI app answering `POST /_test/clock?advanceSeconds=N` itself and passing the rest to `app`."""
    from shared import clock

    def controls(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != "/_test/clock":
            return app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain")])
            return [b"POST only"]
        seconds = int(parse_qs(environ.get("QUERY_STRING", "")).get("advanceSeconds", ["0"])[0])
        clock.advance(timedelta(seconds=seconds))
        body = clock.iso(clock.now()).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return controls

