"""Start and stop the local Google Cloud emulators (see ../shared/emulators.md for the facts).

Firestore and Pub/Sub come from the machine's Google Cloud SDK; Storage from PyPI
(gcp-storage-emulator); Tasks from PyPI (gcloud-tasks-emulator, in its own virtualenv because it pins
old protobuf). Each process is started directly (the JVM itself for Firestore) so stopping its pid
stops it.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASKS_VENV = ROOT / ".venv-tasks-emulator"


class EmulatorsMissing(RuntimeError):
    pass


def sdk_root() -> Path | None:
    gcloud = shutil.which("gcloud")
    if not gcloud:
        return None
    return Path(os.path.realpath(gcloud)).parent.parent


def google_emulators() -> tuple[Path, Path]:
    """(firestore jar, pubsub launcher) or EmulatorsMissing with the one-line reason."""
    root = sdk_root()
    jar = root / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar" if root else None
    pubsub = root / "platform/pubsub-emulator/bin/cloud-pubsub-emulator" if root else None
    if not jar or not jar.is_file() or not pubsub or not os.access(pubsub, os.X_OK) or not shutil.which("java"):
        raise EmulatorsMissing("Google Cloud SDK emulators are not installed on this machine "
                               "(google-cloud-cli-firestore-emulator and google-cloud-cli-pubsub-emulator, and java)")
    return jar, pubsub


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"emulator exited with code {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def wait_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"emulator exited with code {process.returncode} before port {port} opened")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"port {port} did not open within {timeout:.0f}s")


@dataclass
class Emulators:
    project: str
    log_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {
            "GOOGLE_CLOUD_PROJECT": self.project,
            "FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{self.ports['firestore']}",
            "PUBSUB_EMULATOR_HOST": f"127.0.0.1:{self.ports['pubsub']}",
            "STORAGE_EMULATOR_HOST": f"http://127.0.0.1:{self.ports['storage']}",
        }
        if "tasks" in self.ports:
            env["CLOUD_TASKS_EMULATOR_HOST"] = f"127.0.0.1:{self.ports['tasks']}"
        return env

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def start(self, ports: dict[str, int] | None = None, with_tasks: bool = True) -> Emulators:
        jar, pubsub = google_emulators()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        wanted = {"firestore": 0, "pubsub": 0, "storage": 0, "tasks": 0, **(ports or {})}
        self.ports = {name: port or free_port() for name, port in wanted.items()}
        tasks_bin = TASKS_VENV / "bin" / "gcloud-tasks-emulator"
        if not with_tasks or not tasks_bin.exists():
            self.ports.pop("tasks")
        try:
            firestore = self._spawn("firestore", [
                "java", "-Duser.language=en", "-Xmx512m", "-cp", str(jar),
                "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "start",
                "--host=127.0.0.1", f"--port={self.ports['firestore']}"])
            pubsub_process = self._spawn("pubsub", [
                str(pubsub), "--host=127.0.0.1", f"--port={self.ports['pubsub']}"])
            storage_bin = Path(sys.executable).parent / "gcp-storage-emulator"
            storage = self._spawn("storage", [
                str(storage_bin), "start", "--host=127.0.0.1", f"--port={self.ports['storage']}", "--in-memory"])
            if "tasks" in self.ports:
                tasks = self._spawn("tasks", [str(tasks_bin), "start", "-p", str(self.ports["tasks"]), "-r", "5"])
            wait_http(f"http://127.0.0.1:{self.ports['storage']}/", 20, storage)
            if "tasks" in self.ports:
                wait_port(self.ports["tasks"], 30, tasks)
            wait_http(f"http://127.0.0.1:{self.ports['pubsub']}/", 60, pubsub_process)
            wait_http(f"http://127.0.0.1:{self.ports['firestore']}/", 60, firestore)
        except BaseException:
            self.stop()
            raise
        return self

    def clear_firestore(self) -> None:
        url = (f"http://127.0.0.1:{self.ports['firestore']}/emulator/v1/projects/{self.project}"
               f"/databases/(default)/documents")
        request = urllib.request.Request(url, method="DELETE")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def availability() -> str:
    """One line saying whether the emulator tests can run on this machine, and why not."""
    try:
        google_emulators()
    except EmulatorsMissing as missing:
        return f"emulators: MISSING, so every emulator test is skipped: {missing}"
    return "emulators: Google Firestore and Pub/Sub emulators found; Storage and Tasks emulators from PyPI"


if __name__ == "__main__":
    print(availability())
