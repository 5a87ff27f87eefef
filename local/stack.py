"""`make run`: the whole product on this machine, behind one gateway port.

    python -m local.stack          # start everything; Ctrl-C stops everything it started
    python -m local.stack seed     # seed demo data again into the running stack (make seed)

It starts the Firestore, Pub/Sub, Storage and Tasks emulators and the email/SMS capture endpoint,
creates topics, push subscriptions, the bucket and the task queue, seeds demo data, serves every
function through local/gateway.py with gunicorn, runs the local scheduler, and prints the URLs and
the demo logins. Ports are fixed (so bookmarks keep working) and each can be moved with its variable.
Secrets are generated once into .local/secrets.env and never printed.
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCAL = Path(os.environ.get("TRADEHUB_LOCAL_DIR") or ROOT / ".local")   # moved only by the stack's own test
LOGS = LOCAL / "logs"
PID_FILE = LOCAL / "stack.pid"
LOCK_FILE = LOCAL / "stack.lock"
SECRETS_FILE = LOCAL / "secrets.env"
STACK_ENV = LOCAL / "stack.env"
CREDENTIALS_FILE = LOCAL / "demo-credentials.json"
PROJECT = "demo-tradehub"      # a demo- id keeps every Google tool offline
STARTUP_TIMEOUT = 50.0

# name -> (default port, variable that moves it)
PORTS: dict[str, tuple[int, str]] = {
    "gateway": (8000, "TRADEHUB_PORT"),
    "firestore": (8080, "TRADEHUB_FIRESTORE_PORT"),
    "pubsub": (8085, "TRADEHUB_PUBSUB_PORT"),
    "storage": (9023, "TRADEHUB_STORAGE_PORT"),
    "tasks": (8123, "TRADEHUB_TASKS_PORT"),
    "capture": (8025, "TRADEHUB_CAPTURE_PORT"),
}
SECRET_NAMES = ("JWT_SIGNING_KEY", "JOBS_SHARED_SECRET", "SENDGRID_API_KEY", "TWILIO_AUTH_TOKEN")
# The gateway's gunicorn: worker processes (each like one function instance: its own caches and
# rate-limit memory) of THREADS threads each. Python runs one thread at a time per process, so one
# process serves a user's parallel requests one after another; WORKERS can be moved with its variable.
WORKERS, WORKERS_VARIABLE = 1, "TRADEHUB_WORKERS"
THREADS = 8


class StartupFailed(RuntimeError):
    """Startup cannot go on; the message is the one line the user sees."""


# -- small pieces (pure or file-only) --------------------------------------------------------------

def resolve_ports(environ: dict[str, str] | None = None) -> dict[str, int]:
    environ = os.environ if environ is None else environ
    ports = {}
    for name, (default, variable) in PORTS.items():
        raw = environ.get(variable, "").strip() or str(default)
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise StartupFailed(f"{variable}={raw!r} is not a port number")
        ports[name] = int(raw)
    if len(set(ports.values())) != len(ports):
        raise StartupFailed(f"two services would share a port: {ports}")
    return ports


def resolve_workers(environ: dict[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(WORKERS_VARIABLE, "").strip() or str(WORKERS)
    if not raw.isdigit() or not 1 <= int(raw) <= 16:
        raise StartupFailed(f"{WORKERS_VARIABLE}={raw!r} is not a number of workers from 1 to 16")
    return int(raw)


def gateway_command(port: int, workers: int) -> list[str]:
    """gunicorn serving every function (local/gateway.py) on `port`."""
    return [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--threads", str(THREADS), "--timeout", "0", "--graceful-timeout", "5", "local.gateway:create_gateway()"]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (secrets, demo passwords)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def ensure_secrets(path: Path = SECRETS_FILE) -> dict[str, str]:
    """The local secrets, generated on first use and kept (so sessions survive a restart)."""
    existing = read_env_file(path) if path.is_file() else {}
    generated = {
        "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
        "JOBS_SHARED_SECRET": secrets.token_urlsafe(32),
        "SENDGRID_API_KEY": "SG.local-" + secrets.token_urlsafe(24),   # the capture endpoint accepts any key
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
    }
    values = {name: existing.get(name) or generated[name] for name in SECRET_NAMES}
    if values != {name: existing.get(name) for name in SECRET_NAMES}:
        write_private(path, "# Local-only secrets for make run, generated once. Never used in the cloud.\n"
                      + "".join(f"{name}={value}\n" for name, value in values.items()))
    return values


def stack_environment(ports: dict[str, int], emulator_env: dict[str, str], secret_values: dict[str, str],
                      project: str = PROJECT) -> dict[str, str]:
    """Every variable the gateway, the scheduler and `make job` need to reach this stack."""
    capture = f"http://127.0.0.1:{ports['capture']}"
    return {
        "TRADEHUB_ENV": "local",
        "GOOGLE_CLOUD_PROJECT": project,
        **emulator_env,
        **secret_values,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['gateway']}",
        "STORAGE_BUCKET": f"{project}-documents",
        "SENDGRID_API_HOST": capture,
        "TWILIO_API_BASE": capture,
        "PYTHONUNBUFFERED": "1",
    }


def running_stack() -> tuple[int, str] | None:
    """(pid, url) of a live `make run` of this checkout, from the pid file, or None."""
    try:
        lines = PID_FILE.read_text(encoding="utf-8").split()
        pid, url = int(lines[0]), lines[1]
        os.kill(pid, 0)
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return None
    is_stack = b"local.stack" in argv or any(arg.endswith(b"local/stack.py") for arg in argv)
    return (pid, url) if is_stack else None


def shown(path: Path) -> str:
    """A path as the user should see it: relative to the checkout when inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def normalize_logins(result: Any) -> list[dict[str, Any]]:
    """The demo logins from whatever seed_identity returned: a list of login dicts, or a dict holding
    one under "logins"/"users", or a dict of role -> login."""
    if isinstance(result, dict):
        for key in ("logins", "users", "credentials"):
            if isinstance(result.get(key), list):
                return normalize_logins(result[key])
        if all(isinstance(value, dict) for value in result.values()):
            return [{"role": key, **value} for key, value in result.items()]
        return [result] if "email" in result else []
    if isinstance(result, (list, tuple)):
        return [dict(item) if isinstance(item, dict) else {"login": str(item)} for item in result]
    return []


def log_to_file(path: Path) -> None:
    """This process's JSON log lines (seeding sends e-mails, which log) go to `path`, not between the
    lines the user reads."""
    import logging

    from shared.logging import JsonFormatter, get_logger

    get_logger("stack")      # configures the "tradehub" logger once; the handler is replaced below
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    logging.getLogger("tradehub").handlers[:] = [handler]


def _ids(result: Any, *keys: str) -> list[str]:
    if isinstance(result, dict):
        for key in keys:
            value = result.get(key)
            if isinstance(value, str):
                return [value]
            if isinstance(value, (list, tuple)):
                return [str(item) for item in value]
        return []
    if isinstance(result, (list, tuple)):
        return [str(item) for item in result]
    return [result] if isinstance(result, str) else []


# -- seeding ---------------------------------------------------------------------------------------

def _optional(module_name: str, function_name: str) -> Any:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return None
        raise
    return getattr(module, function_name, None)


def _collection_ids(name: str, limit: int = 20) -> list[str]:
    from shared.db import collection

    return [snapshot.id for snapshot in collection(name).limit(limit).stream()]


def seed_demo_data(say: Any = print) -> list[dict[str, Any]]:
    """Masters, partners and identities for the demo; returns the demo logins. Each seed is
    idempotent (it belongs to its group), so running this twice is safe."""
    seed_masters = _optional("functions.masters.seed", "seed_masters")
    if seed_masters is None:
        say("  seed: functions.masters.seed.seed_masters is not there yet; no masters seeded")
        org_ids = _collection_ids("organizations")
    else:
        org_ids = _ids(seed_masters(), "organizationIds", "organization_ids", "orgIds", "org_ids") \
            or _collection_ids("organizations")
    partner_logins: list[dict[str, Any]] = []
    seed_partners = _optional("local.demo_partners", "seed_partners_with_logins")
    if seed_partners is None:
        say("  seed: functions.partners.seed.seed_partners is not there yet; no demo partners")
    else:
        partners = seed_partners()
        partner_logins = [partner["login"] for partner in partners if partner.get("login")]
        say("  partners: " + ", ".join(f"{p.get('code')} {p.get('legalName')} ({p.get('kind')})" for p in partners))
        seed_tradedesk = _optional("functions.tradedesk.seed", "seed_tradedesk")
        desk = seed_tradedesk(partners, org_ids) if seed_tradedesk is not None else {}
        if desk.get("lotId"):
            say("  trade desk: a tested lot of the demo seller" + (
                f"; posted requests {', '.join(desk['requests'])} with an offer and a counter"
                if desk.get("requests") else ""))
    seed_contracts = _optional("functions.contracts.seed", "seed_contracts")
    if seed_contracts is not None:
        demo = seed_contracts(org_ids)
        if demo.get("number"):
            say(f"  contracts: {demo['number']} (ACTIVE)" + (f", invoice {demo['invoiceNumber']} part-paid"
                                                             if demo.get("invoiceNumber") else ""))
    seed_identity = _optional("functions.auth.seed", "seed_identity")
    if seed_identity is None:
        say("  seed: functions.auth.seed.seed_identity is not there yet; no demo logins")
        return partner_logins
    # No partner id for seed_identity: every approved partner already has its primary user (the demo
    # partner logins above), and seed_identity would add partner@demo.rnrl.in as a second one.
    return normalize_logins(seed_identity(org_ids, None)) + partner_logins


# -- the running stack -----------------------------------------------------------------------------

class Stack:
    def __init__(self, ports: dict[str, int], workers: int = WORKERS) -> None:
        self.ports = ports
        self.workers = workers
        self.url = f"http://127.0.0.1:{ports['gateway']}"
        self.emulators: Any = None
        self.children: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.children[name] = process
        return process

    def start(self) -> list[dict[str, Any]]:
        from local.emulators import Emulators, EmulatorsMissing, google_emulators, wait_http, wait_port

        started = time.monotonic()
        try:
            google_emulators()
        except EmulatorsMissing as missing:
            raise StartupFailed(str(missing)) from None
        busy = [f"{port} ({name}, {PORTS[name][1]})" for name, port in self.ports.items() if not port_is_free(port)]
        if busy:
            raise StartupFailed(f"port(s) in use: {', '.join(busy)}; free them or move them with those variables")
        LOGS.mkdir(parents=True, exist_ok=True)
        log_to_file(LOGS / "stack.log")
        secret_values = ensure_secrets()

        print(f"Starting emulators (logs in {shown(LOGS)}/) ...", end=" ", flush=True)
        self.emulators = Emulators(project=PROJECT, log_dir=LOGS)
        try:
            self.emulators.start(ports={name: self.ports[name] for name in ("firestore", "pubsub", "storage", "tasks")})
        except (TimeoutError, RuntimeError) as error:
            raise StartupFailed(f"an emulator did not start: {error} (logs in {shown(LOGS)}/)") from None
        print(f"{time.monotonic() - started:.1f} s", flush=True)
        if "tasks" not in self.emulators.ports:
            print("  Cloud Tasks emulator not installed (make tasks-emulator): timers will not fire", flush=True)
        env = stack_environment(self.ports, self.emulators.env, secret_values)
        write_private(STACK_ENV, "# Written by make run for make job / make seed; removed when it stops.\n"
                      + "".join(f"{key}={value}\n" for key, value in env.items()))

        capture = self.spawn("capture", [sys.executable, "-m", "local.capture", "--port", str(self.ports["capture"])],
                             env)
        gateway = self.spawn("gateway", gateway_command(self.ports["gateway"], self.workers), env)

        # Set up the emulators from this process while the gateway boots.
        os.environ.update(env)
        from shared.config import reset_settings_cache

        reset_settings_cache()
        from local.pubsub_setup import ensure_topics

        ensure_topics(PROJECT, self.url)
        ensure_bucket = _optional("shared.adapters.storage", "ensure_bucket")
        if ensure_bucket is not None:
            ensure_bucket()
        ensure_queue = _optional("shared.adapters.tasks", "ensure_queue")
        if ensure_queue is not None and "tasks" in self.emulators.ports:
            ensure_queue()
        # Approving the demo partners e-mails their invites: the capture endpoint must be listening.
        try:
            wait_port(self.ports["capture"], 20, capture)
        except (TimeoutError, RuntimeError) as error:
            raise StartupFailed(f"the capture endpoint did not start ({error}); "
                                f"see {shown(LOGS)}/capture.log") from None
        print("Seeding demo data ...", end=" ", flush=True)
        seeding = time.monotonic()
        notes: list[str] = []
        logins = seed_demo_data(notes.append)
        print(f"{time.monotonic() - seeding:.1f} s", *notes, sep="\n", flush=True)
        write_private(CREDENTIALS_FILE, json.dumps({"baseUrl": self.url, "logins": logins}, indent=2) + "\n")

        remaining = max(5.0, STARTUP_TIMEOUT - (time.monotonic() - started))
        self._wait_healthy(remaining, gateway, wait_http)
        self.spawn("scheduler", [sys.executable, "-m", "local.scheduler", "--gateway", self.url], env)
        return logins

    def _wait_healthy(self, timeout: float, gateway: subprocess.Popen, wait_http: Any) -> None:
        from shared.routing import HTTP_FUNCTIONS

        deadline = time.monotonic() + timeout
        for spec in HTTP_FUNCTIONS:
            prefix = next(p for p in spec.prefixes if "." not in p.rsplit("/", 1)[-1])
            try:
                wait_http(f"{self.url}{prefix}/health", max(1.0, deadline - time.monotonic()), gateway)
            except (TimeoutError, RuntimeError) as error:
                raise StartupFailed(f"the gateway did not become healthy ({error}); "
                                    f"see {shown(LOGS)}/gateway.log") from None

    def watch(self) -> int:
        """Block until a child dies (returns 1); a signal ends it with KeyboardInterrupt."""
        while True:
            for name, process in self.children.items():
                if process.poll() is not None:
                    print(f"\n{name} stopped unexpectedly (exit {process.returncode}); "
                          f"see {shown(LOGS)}/{name}.log. Stopping everything.", flush=True)
                    return 1
            for name, process in (self.emulators.processes if self.emulators else {}).items():
                if process.poll() is not None:
                    print(f"\nThe {name} emulator stopped unexpectedly; see {shown(LOGS)}/{name}.log. "
                          "Stopping everything.", flush=True)
                    return 1
            time.sleep(0.5)

    def stop(self) -> None:
        for process in self.children.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process in self.children.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=5)
        self.children.clear()
        if self.emulators is not None:
            self.emulators.stop()


def banner(stack: Stack, logins: list[dict[str, Any]], seconds: float) -> str:
    capture = f"http://127.0.0.1:{stack.ports['capture']}"
    lines = [
        f"TradeHub is running (ready in {seconds:.1f} s; project {PROJECT}, emulators on this machine)",
        f"  API base URL    {stack.url}/api",
        f"  API docs        {stack.url}/api/docs",
        f"  OpenAPI         {stack.url}/api/openapi.json",
        f"  Sent email/SMS  {capture}/_capture/emails   {capture}/_capture/sms",
        f"  Logs            {shown(LOGS)}/   (gateway.log, scheduler.log, capture.log, stack.log, emulators)",
        "  Run a job now   make job NAME=<job>",
    ]
    if logins:
        lines.append(f"Demo logins (also in {shown(CREDENTIALS_FILE)}):")
        for login in logins:
            who = login.get("email") or login.get("login") or "?"
            extra = "  ".join(str(login[key]) for key in ("role", "kind", "description") if login.get(key))
            lines.append(f"  {who:<36} {login.get('password', ''):<22} {extra}".rstrip())
    else:
        lines.append("No demo logins were seeded (the identity seed is not there yet).")
    lines.append("Stop everything with Ctrl-C.")
    return "\n".join(lines)


def run() -> int:
    LOCAL.mkdir(parents=True, exist_ok=True)
    try:
        ports = resolve_ports()
        workers = resolve_workers()
    except StartupFailed as error:
        print(error, file=sys.stderr)
        return 1
    url = f"http://127.0.0.1:{ports['gateway']}"
    lock = open(LOCK_FILE, "w")  # noqa: SIM115 - held for the life of the process
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        other = running_stack()
        pid, other_url = other if other else ("?", url)
        print(f"TradeHub is already running (pid {pid}, {other_url}); stop it with Ctrl-C in its terminal",
              file=sys.stderr)
        return 1
    PID_FILE.write_text(f"{os.getpid()}\n{url}\n", encoding="utf-8")

    def on_signal(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    # Installed explicitly: a process started in the background by a shell inherits SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    stack = Stack(ports, workers)
    started = time.monotonic()
    code = 0
    try:
        logins = stack.start()
        print(banner(stack, logins, time.monotonic() - started), flush=True)
        code = stack.watch()
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
    except StartupFailed as error:
        print(error, file=sys.stderr)
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C must not abandon the children
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        for path in (PID_FILE, STACK_ENV):
            path.unlink(missing_ok=True)
        lock.close()
    if code == 0:
        print("Stopped.", flush=True)
    return code


def seed_running_stack() -> int:
    """`make seed`: seed demo data into the stack that `make run` started."""
    if running_stack() is None or not STACK_ENV.is_file():
        print("TradeHub is not running: start it with `make run` (it seeds on start)", file=sys.stderr)
        return 1
    os.environ.update(read_env_file(STACK_ENV))
    log_to_file(LOGS / "stack.log")
    logins = seed_demo_data()
    write_private(CREDENTIALS_FILE, json.dumps({"baseUrl": os.environ["PUBLIC_BASE_URL"], "logins": logins},
                                               indent=2) + "\n")
    print(f"Seeded. {len(logins)} demo login(s) in {shown(CREDENTIALS_FILE)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["seed"]:
        return seed_running_stack()
    if args:
        print("usage: python -m local.stack [seed]", file=sys.stderr)
        return 2
    return run()


if __name__ == "__main__":
    sys.exit(main())
