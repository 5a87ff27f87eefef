"""Parallel requests of one user, through the real `make run` stack, against a functions-framework hello world.

    python -m bench.bench_concurrency [--requests N] [--rounds 3] [--warmup 2000] [--workers N] [--port-base 18100]
                                      [--root DIR]

Starts the stack itself (`python -m local.stack`: gunicorn with --workers workers (the stack's default) of 8
threads, the emulators) in a temporary state folder on ports port-base..port-base+5, and a
functions-framework "hello world" served the same way (gunicorn, as many workers, 8 threads) on
port-base+6. Creates its own users (straight in the stack's Firestore, as the seeds do) and signs them in
over HTTP. Then, over keep-alive HTTP connections, one thread
per parallel caller:

- one user with 1, 4 and 8 requests in parallel on `GET /api/auth/me` and on a master list
  (`GET /api/commodities`, cached per instance where the masters cache it), a fresh user per row so the
  API limit (100 a minute per user) is not what is measured;
- 8 different users in parallel on `GET /api/auth/me`;
- the hello world at 1, 4 and 8 in parallel, the baseline of the ratios.

Before the first row, --warmup requests (8 in parallel, on both paths, by users of their own) bring the stack
to its steady state: the emulator's JVM compiles its hot code during its first thousand or so requests,
burning a core meanwhile, which would otherwise land in the first rows. Every row is then measured
--rounds times (fresh users each round) and the medians are reported, with the machine's load average:
other work on the machine moves the timings a lot.

Reads and writes per request come from the `X-Firestore-Reads` / `X-Firestore-Writes` headers; the server's
CPU per request from /proc (user + system time of the gunicorn master and workers, warm-up calls included),
and the Firestore emulator's the same way: unlike the timings they hardly depend on what else the machine is
running, and they give the CPU floor of the parallel rows (8 callers on N cores wait at least
8 x CPU per request / N). `--root` runs the stack of another checkout (to measure a commit before a
change). Nothing is asserted.
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


def _processes() -> dict[int, tuple[int, float, str]]:
    """pid -> (parent pid, CPU seconds so far (user + system), command line), from /proc."""
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
    return processes


def cpu_seconds(port: int, firestore_port: int | None = None) -> tuple[float, float]:
    """CPU time so far of the gunicorn processes serving `port` (its master and workers), and of the
    Firestore emulator on `firestore_port` (0 without one)."""
    processes = _processes()
    masters = {pid for pid, (_, _, command) in processes.items()
               if "gunicorn" in command and f"127.0.0.1:{port}" in command}
    server = sum(cpu for pid, (parent, cpu, _) in processes.items() if pid in masters or parent in masters)
    emulator = sum(cpu for _, cpu, command in processes.values() if firestore_port
                   and "cloud-firestore-emulator" in command and f"--port={firestore_port}" in command)
    return server, emulator


def load(port: int, path: str, tokens: list[str | None], per_caller: int,
         firestore_port: int | None = None) -> dict[str, float | str]:
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
    cpu_before = cpu_seconds(port, firestore_port)
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    server_cpu, emulator_cpu = (after - before for after, before in zip(cpu_seconds(port, firestore_port), cpu_before,
                                                                        strict=True))
    latencies = [s[0] for s in samples]
    calls = len(samples) + len(tokens)                                  # the warm-up calls used CPU too
    return {
        "cpu_ms": server_cpu * 1000 / calls, "emulator_cpu_ms": emulator_cpu * 1000 / calls,
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


ROWS_PER_ROUND = 6 + 8      # a fresh user per one-user row, and the 8 different users
WARMUP_PER_USER = 88        # under the API limit of 100 a minute


def warm_up(gateway: int, tokens: list[str]) -> None:
    """WARMUP_PER_USER requests of each token, 8 in parallel, alternately on the two measured paths."""
    for number, token in enumerate(tokens):
        load(gateway, ("/api/auth/me", "/api/commodities")[number % 2], [token] * 8, WARMUP_PER_USER // 8)


def measure_round(gateway: int, hello_port: int, firestore_port: int, tokens: list[str],
                  n: int) -> dict[tuple[str, int, str], dict[str, float | str]]:
    """Every row once: the hello world at 1/4/8, one user at 1/4/8 on each path, 8 different users."""
    results = {("hello world", parallel, "-"): load(hello_port, "/", [None] * parallel, n // parallel)
               for parallel in (1, 4, 8)}
    token_index = 0
    for label, path in (("GET /api/auth/me", "/api/auth/me"), ("GET /api/commodities", "/api/commodities")):
        for parallel in (1, 4, 8):
            results[(label, parallel, "one user")] = load(gateway, path, [tokens[token_index]] * parallel,
                                                          n // parallel, firestore_port)
            token_index += 1
    results[("GET /api/auth/me", 8, "8 users")] = load(gateway, "/api/auth/me", tokens[6:14], n // 8, firestore_port)
    return results


def medians(rounds: list[dict[tuple[str, int, str], dict[str, float | str]]]) -> dict[tuple[str, int, str], dict]:
    """Per row, the median of each figure over the rounds (the largest for the max operation counts)."""
    merged = {}
    for key in rounds[0]:
        figures = [measured[key] for measured in rounds]
        merged[key] = {name: (max(f[name] for f in figures) if name.startswith("max_") else
                              ",".join(sorted({str(f[name]) for f in figures})) if name == "statuses" else
                              statistics.median(float(f[name]) for f in figures))
                       for name in figures[0]}
    return merged


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_concurrency")
    parser.add_argument("--requests", type=int, default=88, help="requests per row (at most 96: the API limit)")
    parser.add_argument("--rounds", type=int, default=3, help="measure every row this many times; report medians")
    parser.add_argument("--warmup", type=int, default=2000, help="requests before the first measured row")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers of the stack and of the hello world (default: the stack's own)")
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_PORT_BASE", "18100")))
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose stack is measured")
    args = parser.parse_args(argv)
    from local.emulators import EmulatorsMissing, google_emulators
    from local.stack import THREADS, resolve_workers

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
    rounds = max(1, args.rounds)
    workers = args.workers or resolve_workers()
    root = args.root.resolve()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        local_dir = Path(tmp) / "local"
        env = {key: value for key, value in os.environ.items()
               if not key.endswith("_EMULATOR_HOST") and key not in ("TRADEHUB_ENV", "PUBLIC_BASE_URL")}
        env.update({name: str(port) for name, port in ports.items()}, TRADEHUB_LOCAL_DIR=str(local_dir),
                   TRADEHUB_WORKERS=str(workers))
        (Path(tmp) / "main.py").write_text(HELLO)
        stack_output = Path(tmp) / "stack.out"
        with stack_output.open("wb") as output:
            stack = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=root, env=env,
                                     start_new_session=True, stdout=output, stderr=subprocess.STDOUT)
        hello = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{hello_port}",
                                  "--workers", str(workers), "--threads", str(THREADS), "--chdir", tmp,
                                  "functions_framework:create_app(target='hello', source='main.py')"],
                                 cwd=tmp, env=env, start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(hello, lambda: answers(hello_port, "/"), "hello world", 30)
            try:
                wait_for(stack, lambda: (local_dir / "demo-credentials.json").exists()
                         and answers(gateway, "/api/auth/health"), "the stack", 120)
            except RuntimeError:
                print(stack_output.read_text(errors="replace")[-2000:], file=sys.stderr)
                raise
            stack_env = {**env, **read_env(local_dir / "stack.env")}
            warmup_users = -(-max(0, args.warmup) // WARMUP_PER_USER)
            users = ROWS_PER_ROUND * rounds + warmup_users
            subprocess.run([sys.executable, "-c", MAKE_USERS, str(users), PASSWORD], cwd=root, env=stack_env,
                           check=True)
            first_warmup = ROWS_PER_ROUND * rounds
            warm_up(gateway, [sign_in(gateway, f"bench{i}@example.com", i)
                              for i in range(first_warmup, first_warmup + warmup_users)])
            measured = []
            for number in range(rounds):      # fresh users each round: the API limit is 100 a minute per user
                first = number * ROWS_PER_ROUND
                tokens = [sign_in(gateway, f"bench{i}@example.com", i) for i in range(first, first + ROWS_PER_ROUND)]
                measured.append(measure_round(gateway, hello_port, ports["TRADEHUB_FIRESTORE_PORT"], tokens, n))
        finally:
            stop(stack)
            stop(hello)
    results = medians(measured)
    rows = []
    for (label, parallel, who), result in results.items():
        hello_result = results[("hello world", parallel, "-")]
        if label == "hello world":
            label = f"hello world (functions-framework, gunicorn {workers}x{THREADS})"
            counts = ["-", "-", "-"]
        else:
            counts = [f"{result['emulator_cpu_ms']:.1f}", f"{result['reads']:.2f} (max {result['max_reads']:.0f})",
                      f"{result['writes']:.2f} (max {result['max_writes']:.0f})"]
        rows.append([label, who, str(parallel), result["statuses"], f"{result['throughput']:.1f}",
                     f"{result['p50']:.1f}", f"{result['p95']:.1f}", f"{result['max']:.1f}",
                     f"{result['cpu_ms']:.1f}", *counts,
                     f"{hello_result['throughput'] / result['throughput']:.1f}",
                     f"{result['p50'] / hello_result['p50']:.1f}"])
    cores = os.cpu_count() or 1
    print(f"Parallel requests through make run ({n} requests per row, medians of {rounds} rounds after "
          f"{warmup_users * WARMUP_PER_USER} warm-up requests; stack of {root} "
          f"with gunicorn {workers}x{THREADS}; ratios against the hello world at the same parallelism; {cores} cores, "
          f"load average {load_before} before, {load_average()} after)")
    print(table(["request", "who", "parallel", "status", "req/s", "p50 ms", "p95 ms", "max ms",
                 "server CPU ms/req", "emulator CPU ms/req", "reads/req", "writes/req", "hello req/s ÷ this",
                 "this p50 ÷ hello"], rows))
    single = results[("GET /api/auth/me", 1, "one user")]
    eight = results[("GET /api/auth/me", 8, "one user")]
    print(f"One user, 8 in parallel on /api/auth/me: p95 {eight['p95']:.1f} ms = "
          f"{eight['p95'] / single['p50']:.1f}x the single-request p50 ({single['p50']:.1f} ms); "
          f"max {eight['max']:.1f} ms")
    hello_single, hello_eight = results[("hello world", 1, "-")], results[("hello world", 8, "-")]
    print(f"The hello world on the same machine: p95 at 8 in parallel {hello_eight['p95']:.1f} ms = "
          f"{hello_eight['p95'] / hello_single['p50']:.1f}x its single-request p50 ({hello_single['p50']:.1f} ms)")
    # With 8 callers always waiting, the machine finishes a request every (CPU per request / cores) at best,
    # so a caller waits 8 of those (Little's law): the least p50 the CPU allows, whatever the code does. A
    # gunicorn worker runs its Python on one core at a time (the GIL), which bounds it the same way.
    server_cores = min(workers, cores)
    floor = max(8 * (eight["cpu_ms"] + eight["emulator_cpu_ms"]) / cores, 8 * eight["cpu_ms"] / server_cores)
    print(f"CPU floor of that p50: the larger of 8 x ({eight['cpu_ms']:.1f} server + "
          f"{eight['emulator_cpu_ms']:.1f} emulator ms) / {cores} cores and 8 x {eight['cpu_ms']:.1f} server ms / "
          f"{server_cores} worker{'s' if server_cores > 1 else ''}: {floor:.1f} ms = "
          f"{floor / single['p50']:.1f}x the single-request p50 (the bench's own client not included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
