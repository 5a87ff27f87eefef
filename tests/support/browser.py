"""The browser check's tools, installed by the test itself (never by hand): the npm packages of dev/
(firebase JS SDK, firebase-tools for the Auth emulator, playwright-core) and Debian's chromium.

Where npm or apt cannot reach their registry the test is skipped with that reason.
"""
from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "dev"
NEEDED = ("firebase/firebase-app.js", "firebase/firebase-firestore.js", "firebase/firebase-auth.js",
          "firebase-tools/lib/emulator/auth/index.js", "playwright-core/package.json")
NPM_TIMEOUT = 1500
APT_TIMEOUT = 900


def _tail(output: str | bytes | None, lines: int = 5) -> str:
    text = output.decode(errors="replace") if isinstance(output, bytes) else (output or "")
    return " | ".join(text.strip().splitlines()[-lines:])


def stop(process: subprocess.Popen, log) -> None:
    """Stop an emulator started by a fixture (killed if it does not end within 10 s) and close its log."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def ensure_node_packages() -> None:
    ensure_npm_packages(DEV, NEEDED, "dev/ packages (firebase, firebase-tools, playwright-core)")


def ensure_npm_packages(folder: Path, needed: tuple[str, ...], what: str) -> None:
    """`npm ci` in `folder` unless every path of `needed` is already under its node_modules."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip(f"node and npm are not installed on this machine (needed for {what})")
    if all((folder / "node_modules" / path).exists() for path in needed):
        return
    # --ignore-scripts: the Auth emulator needs none of the native builds (re2, ...) that firebase-tools'
    # dependencies would otherwise compile from source here, for minutes; playwright-core downloads nothing.
    command = ["npm", "ci" if (folder / "package-lock.json").exists() else "install", "--no-audit", "--no-fund",
               "--ignore-scripts", "--loglevel=error"]
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, timeout=NPM_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip(f"npm could not install {what} within {NPM_TIMEOUT}s (registry unreachable?)")
    if done.returncode != 0 or not all((folder / "node_modules" / path).exists() for path in needed):
        pytest.skip(f"npm could not install {what}: {_tail(done.stderr) or _tail(done.stdout)}")


def ensure_chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    apt = shutil.which("apt-get")
    if not apt or os.geteuid() != 0:
        pytest.skip("chromium is not installed and apt-get (as root) is not available to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run([apt, "update", "-qq"], capture_output=True, timeout=APT_TIMEOUT, env=env, check=False)
        done = subprocess.run([apt, "install", "-y", "-qq", "--no-install-recommends", "chromium"],
                              capture_output=True, timeout=APT_TIMEOUT, env=env, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip(f"apt-get could not install chromium within {APT_TIMEOUT}s (Debian mirror unreachable?)")
    found = shutil.which("chromium")
    if done.returncode != 0 or not found:
        pytest.skip(f"apt-get could not install chromium: {_tail(done.stderr) or _tail(done.stdout)}")
    return found


@contextmanager
def auth_emulator(project: str) -> Iterator[str]:
    """The Firebase Auth emulator (firebase-tools) on a free port; yields host:port."""
    from local.emulators import free_port

    port = free_port()
    (ROOT / ".local").mkdir(exist_ok=True)
    log = open(ROOT / ".local" / f"auth-emulator-{os.getpid()}.log", "wb")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(["node", str(DEV / "e2e" / "auth-emulator.cjs")], cwd=DEV, stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                               env={**os.environ, "PORT": str(port), "PROJECT": project})
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the Auth emulator exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as answer:
                    if b'"ready":true' in answer.read().replace(b" ", b""):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the Auth emulator was not ready within 60s; see {log.name}")
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        stop(process, log)


@pytest.fixture(scope="session")
def auth_emulator_process(emulators) -> Iterator[str]:
    """One Auth emulator for the whole session (it takes seconds to start); host:port."""
    from shared.config import settings

    ensure_node_packages()
    with auth_emulator(settings().project_id) as host:
        yield host


@pytest.fixture
def firebase_auth_emulator(clean_db, auth_emulator_process):
    """The Auth emulator, emptied, with firebase-admin (identity's custom tokens) pointed at it for this
    test (a fixture for every test: tests/conftest.py loads this module as a plugin)."""
    from functions.auth import firebase_token
    from shared.config import reset_settings_cache, settings

    host = auth_emulator_process
    request = urllib.request.Request(f"http://{host}/emulator/v1/projects/{settings().project_id}/accounts",
                                     method="DELETE")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
    os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = host
    reset_settings_cache()
    firebase_token.reset()
    try:
        yield host
    finally:
        os.environ.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
        reset_settings_cache()
        firebase_token.reset()


class Output:
    """The browser script's stdout, read line by line in a thread (no blocking reads in the test)."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(process,), daemon=True).start()

    def _pump(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.lines.put(line.rstrip())
        self.lines.put(None)

    def until(self, prefix: str, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            self.seen.append(line)
            if line.startswith(prefix):
                return line
        return None

    def rest(self, timeout: float) -> str:
        while self.until("\0", timeout) is not None:
            pass
        return "\n".join(self.seen)
