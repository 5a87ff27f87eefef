"""Parallel requests of one user, through the real `make run` stack, against a functions-framework hello world.

    python -m bench.bench_concurrency [--requests N] [--port-base 18100] [--root DIR]

Starts the stack itself (`python -m local.stack`, gunicorn with 1 worker and 8 threads, the emulators) in a
temporary state folder on ports port-base..port-base+5, and a functions-framework "hello world" served the
same way (gunicorn, 1 worker, 8 threads) on port-base+6. Creates its own users (straight in the stack's
Firestore, as the seeds do) and signs them in over HTTP. Then, over keep-alive HTTP connections, one thread
per parallel caller:

- one user with 1, 4 and 8 requests in parallel on `GET /api/auth/me` and on a master list
  (`GET /api/commodities`, cached per instance where the masters cache it), a fresh user per row so the
  API limit (100 a minute per user) is not what is measured;
- 8 different users in parallel on `GET /api/auth/me`;
- the hello world at 1, 4 and 8 in parallel, the baseline of the ratios.

Reads and writes per request come from the `X-Firestore-Reads` / `X-Firestore-Writes` headers; the server's
CPU per request from /proc (user + system time of the gunicorn master and worker, warm-up calls included):
unlike the timings it hardly depends on what else the machine is running. `--root`
runs the stack of another checkout (to measure a commit before a change). Nothing is asserted.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from bench.common import ROOT, percentile, table

PASSWORD = "Kestrel#Lantern42"
HELLO = "def hello(request):\n    return 'Hello, World!'\n"
# Run in the stack's checkout with the stack's environment: users made as the seeds make them.
MAKE_USERS = textwrap.dedent("""
    import json, sys
    from functions.auth.password_policy import DEFAULT_POLICY
    from functions.auth.password_service import password_fields
    from shared.auth.passwords import hash_password
    from shared.auth.users import ACTIVE, create_user, new_user_doc, new_user_id
    from shared.db import collection
    try:
        from shared.uow import run_in_transaction
    except ImportError:  # a checkout from before shared/uow.py (--root)
        from shared.db import run_in_transaction
    org_ids = [doc.id for doc in collection("organizations").limit(1).stream()] or ["org-bench"]
    hashed = hash_password(sys.argv[2])
    for n in range(int(sys.argv[1])):
        doc = new_user_doc(email=f"bench{n}@example.com", name=f"Bench {n}", kind="back_office", role="ADMIN",
                           actor_id="bench", organization_ids=org_ids)
        doc.update({"status": ACTIVE, **password_fields(hashed, doc, DEFAULT_POLICY)})
        run_in_transaction(lambda uow, doc=doc: create_user(uow, new_user_id(), doc))
""")


class Caller:
    """One keep-alive connection; `get` answers (ms, status, reads, writes)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes a keep-alive connection idle for 2 s (while the other callers connect): reconnect.
            self.connection.close()
            started = time.perf_counter()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return (elapsed, response.status, int(response.getheader("X-Firestore-Reads") or 0),
                int(response.getheader("X-Firestore-Writes") or 0), payload)

    def close(self) -> None:
        self.connection.close()


def server_cpu_seconds(port: int) -> float:
    """CPU time (user + system) so far of the gunicorn processes serving `port`: its master and workers."""
    processes: dict[int, tuple[int, float, str]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        processes[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, command)
    masters = {pid for pid, (_, _, command) in processes.items()
               if "gunicorn" in command and f"127.0.0.1:{port}" in command}
    return sum(cpu for pid, (parent, cpu, _) in processes.items() if pid in masters or parent in masters)


def load(port: int, path: str, tokens: list[str | None], per_caller: int) -> dict[str, float | str]:
    """len(tokens) callers in parallel, each making `per_caller` GETs of `path` with its token."""
    samples: list[tuple[float, int, int, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens) + 1)

    def run(token: str | None) -> None:
        caller = Caller(port)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        caller.request("GET", path, headers)                       # connect, warm; not counted
        barrier.wait()
        mine = [caller.request("GET", path, headers)[:4] for _ in range(per_caller)]
        caller.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=run, args=(token,)) for token in tokens]
    cpu_before = server_cpu_seconds(port)
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = server_cpu_seconds(port) - cpu_before
    latencies = [s[0] for s in samples]
    return {
        "cpu_ms": cpu * 1000 / (len(samples) + len(tokens)),          # the warm-up calls used CPU too
        "throughput": len(samples) / wall, "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95), "max": max(latencies),
        "statuses": ",".join(str(code) for code in sorted({s[1] for s in samples})),
        "reads": statistics.mean(s[2] for s in samples), "max_reads": max(s[2] for s in samples),
        "writes": statistics.mean(s[3] for s in samples), "max_writes": max(s[3] for s in samples),
    }


def wait_for(process: subprocess.Popen, check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready within {timeout:.0f} s")
        time.sleep(0.2)


def answers(port: int, path: str) -> bool:
    try:
        caller = Caller(port)
        status = caller.request("GET", path, {})[1]
        caller.close()
        return status == 200
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def sign_in(port: int, email: str, index: int) -> str:
    caller = Caller(port)
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    _, status, _, _, payload = caller.request("POST", "/api/auth/login", {
        "Content-Type": "application/json", "X-Forwarded-For": f"198.18.7.{index + 1}"}, body)
    caller.close()
    if status != 200:
        raise RuntimeError(f"sign-in of {email} answered {status}: {payload[:200]!r}")
    return json.loads(payload)["tokens"]["accessToken"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_concurrency")
    parser.add_argument("--requests", type=int, default=88, help="requests per row (at most 96: the API limit)")
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_PORT_BASE", "18100")))
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose stack is measured")
    args = parser.parse_args(argv)
    from local.emulators import EmulatorsMissing, google_emulators

    try:
        google_emulators()
    except EmulatorsMissing as missing:
        print(f"concurrency bench skipped: {missing}")
        return 0
    names = ("TRADEHUB_PORT", "TRADEHUB_FIRESTORE_PORT", "TRADEHUB_PUBSUB_PORT", "TRADEHUB_STORAGE_PORT",
             "TRADEHUB_TASKS_PORT", "TRADEHUB_CAPTURE_PORT")
    ports = {name: args.port_base + offset for offset, name in enumerate(names)}
    gateway, hello_port = ports["TRADEHUB_PORT"], args.port_base + 6
    n = max(8, min(96, args.requests)) // 8 * 8
    root = args.root.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        local_dir = Path(tmp) / "local"
        env = {key: value for key, value in os.environ.items()
               if not key.endswith("_EMULATOR_HOST") and key not in ("TRADEHUB_ENV", "PUBLIC_BASE_URL")}
        env.update({name: str(port) for name, port in ports.items()}, TRADEHUB_LOCAL_DIR=str(local_dir))
        (Path(tmp) / "main.py").write_text(HELLO)
        stack = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=root, env=env, start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hello = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{hello_port}",
                                  "--workers", "1", "--threads", "8", "--chdir", tmp,
                                  "functions_framework:create_app(target='hello', source='main.py')"],
                                 cwd=tmp, env=env, start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(hello, lambda: answers(hello_port, "/"), "hello world", 30)
            wait_for(stack, lambda: (local_dir / "demo-credentials.json").exists()
                     and answers(gateway, "/api/auth/health"), "the stack", 120)
            stack_env = {**env, **read_env(local_dir / "stack.env")}
            users = 6 + 8
            subprocess.run([sys.executable, "-c", MAKE_USERS, str(users), PASSWORD], cwd=root, env=stack_env,
                           check=True)
            tokens = [sign_in(gateway, f"bench{i}@example.com", i) for i in range(users)]
            rows, results = [], {}
            base = {c: load(hello_port, "/", [None] * c, n // c) for c in (1, 4, 8)}
            plan = [("GET /api/auth/me", "/api/auth/me"), ("GET /api/commodities", "/api/commodities")]
            token_index = 0
            for label, path in plan:
                for parallel in (1, 4, 8):
                    result = load(gateway, path, [tokens[token_index]] * parallel, n // parallel)
                    token_index += 1
                    results[(label, parallel, "one user")] = result
            results[("GET /api/auth/me", 8, "8 users")] = load(gateway, "/api/auth/me", tokens[6:14], n // 8)
        finally:
            stop(stack)
            stop(hello)
    for parallel, result in base.items():
        rows.append(["hello world (functions-framework, gunicorn 1x8)", "-", str(parallel), result["statuses"],
                     f"{result['throughput']:.0f}", f"{result['p50']:.1f}", f"{result['p95']:.1f}",
                     f"{result['max']:.1f}", f"{result['cpu_ms']:.1f}", "-", "-", "1.0", "1.0"])
    for (label, parallel, who), result in results.items():
        hello_result = base[parallel]
        rows.append([label, who, str(parallel), result["statuses"], f"{result['throughput']:.1f}",
                     f"{result['p50']:.1f}", f"{result['p95']:.1f}", f"{result['max']:.1f}",
                     f"{result['cpu_ms']:.1f}", f"{result['reads']:.2f} (max {result['max_reads']})",
                     f"{result['writes']:.2f} (max {result['max_writes']})",
                     f"{hello_result['throughput'] / result['throughput']:.1f}",
                     f"{result['p50'] / hello_result['p50']:.1f}"])
    print(f"Parallel requests through make run ({n} requests per row; stack of {root}; "
          f"ratios against the hello world at the same parallelism)")
    print(table(["request", "who", "parallel", "status", "req/s", "p50 ms", "p95 ms", "max ms",
                 "server CPU ms/req", "reads/req",
                 "writes/req", "hello req/s ÷ this", "this p50 ÷ hello"], rows))
    single = results[("GET /api/auth/me", 1, "one user")]["p50"]
    eight = results[("GET /api/auth/me", 8, "one user")]
    print(f"One user, 8 in parallel on /api/auth/me: p95 {eight['p95']:.1f} ms = "
          f"{eight['p95'] / single:.1f}x the single-request p50 ({single:.1f} ms); max {eight['max']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
