"""The TypeScript client's test tools: its npm packages (installed by the test, like the browser check),
its build (tsc), and test-only controls in front of the served gateway.

The controls move `shared.clock` of this process (the gateway runs in it), so a node test can let an
access token expire without sleeping: `POST /_test/clock?advanceSeconds=960`.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.support.browser import ROOT, ensure_npm_packages

CLIENT = ROOT / "clients" / "typescript"
NEEDED = ("openapi-fetch/package.json", "openapi-typescript/package.json", "typescript/bin/tsc",
          "esbuild/package.json", "firebase/package.json", "@types/node/package.json", "playwright-core/package.json")
BUILD_TIMEOUT = 300


def ensure_client_packages() -> None:
    ensure_npm_packages(CLIENT, NEEDED, "clients/typescript packages (openapi-fetch, openapi-typescript, tsc)")


@functools.cache
def build_client() -> Path:
    """Type-check and compile src/ and test/ into dist/ (tsc), once per test session; the dist folder."""
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



@functools.cache
def build_browser_page() -> Path:
    """test/browser/index.html and its script, bundled with the client and the Firebase SDK by esbuild,
    into dist/browser (the folder to serve)."""
    ensure_client_packages()
    out = CLIENT / "dist" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(CLIENT / "node_modules" / ".bin" / "esbuild"), "test/browser/app.ts", "--bundle",
                           "--format=esm", "--target=es2022", f"--outfile={out / 'app.js'}", "--log-level=warning"],
                          cwd=CLIENT, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False)
    assert done.returncode == 0, f"esbuild failed:\n{done.stdout}\n{done.stderr}"
    shutil.copyfile(CLIENT / "test" / "browser" / "index.html", out / "index.html")
    return out


@contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """`folder` served on a free local port (a web app's own origin); yields the origin."""
    handler = functools.partial(_QuietFiles, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:   # noqa: A002 - the base class's name
        pass


OPEN_RULES = ("rules_version = '2';\nservice cloud.firestore {\n  match /databases/{database}/documents {\n"
              "    match /{document=**} { allow read, write: if true; }\n  }\n}\n")


def load_firestore_rules(firestore_port: int, project: str, rules: str) -> None:
    """Replace the rules of the emulator's project (what the client SDKs are judged by; the server client
    bypasses them)."""
    import requests

    answer = requests.put(f"http://127.0.0.1:{firestore_port}/emulator/v1/projects/{project}:securityRules",
                          json={"rules": {"files": [{"name": "firestore.rules", "content": rules}]}}, timeout=30)
    assert answer.status_code == 200, answer.text
    issues = [issue for issue in answer.json().get("issues", []) if issue.get("severity") == "ERROR"]
    assert not issues, issues


@pytest.fixture
def firestore_rules(clean_db):
    """infra/firestore.rules in the session's Firestore emulator for one test (it runs open otherwise),
    so realtime listeners are judged by the real rules; open again afterwards."""
    from shared.config import settings

    project = settings().project_id
    load_firestore_rules(clean_db.ports["firestore"], project, (ROOT / "infra" / "firestore.rules").read_text())
    yield
    load_firestore_rules(clean_db.ports["firestore"], project, OPEN_RULES)
