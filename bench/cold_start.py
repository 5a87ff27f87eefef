"""Cold start: the time to `import main`, and each HTTP function's first request in a fresh process.

    python -m bench.cold_start [--runs N]

(a) `import main` in a fresh interpreter (median of 5), configured like a function instance.
(b) For each HTTP function of shared/routing.py, a fresh process loads it the way Cloud Functions
    does (`functions_framework.create_app(target=<name>, source="main.py")`) and serves
    `GET <prefix>/health` twice with the test client: the first request pays for the group's imports
    and the Firestore client, the second shows the warm cost. Firestore reads/writes come from the
    `X-Firestore-Reads/Writes` headers. The emulators are started once for the whole bench.
Nothing is asserted: this prints numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys

from bench.common import ROOT, emulators, table

PROJECT = "demo-tradehub-bench"

IMPORT_MAIN = """
import json, time
started = time.perf_counter()
import main
print(json.dumps({"ms": (time.perf_counter() - started) * 1000}))
"""

FIRST_REQUEST = """
import json, sys, time
name, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
import functions_framework
framework = time.perf_counter()
app = functions_framework.create_app(target=name, source="main.py")
loaded = time.perf_counter()
client = app.test_client()
first = client.get(path)
served = time.perf_counter()
second = client.get(path)
warm = time.perf_counter()
print(json.dumps({
    "framework_ms": (framework - started) * 1000, "import_ms": (loaded - framework) * 1000,
    "first_ms": (served - loaded) * 1000, "warm_ms": (warm - served) * 1000, "status": first.status_code,
    "reads": first.headers.get("X-Firestore-Reads"), "writes": first.headers.get("X-Firestore-Writes"),
}))
"""


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A function instance's configuration: test mode, throwaway secrets, no emulator unless given."""
    env = {key: value for key, value in os.environ.items()
           if not key.endswith("_EMULATOR_HOST") and key not in ("SENDGRID_API_HOST", "TWILIO_API_BASE")}
    env.update({
        "TRADEHUB_ENV": "test",
        "GOOGLE_CLOUD_PROJECT": PROJECT,
        "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
        "JOBS_SHARED_SECRET": secrets.token_urlsafe(32),
        "SENDGRID_API_KEY": "SG.bench-" + secrets.token_urlsafe(16),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        **(extra or {}),
    })
    return env


def run_json(code: str, env: dict[str, str], *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"bench process failed ({result.returncode}): {result.stderr.strip()[-800:]}")
    return json.loads(lines[-1])


def import_main_ms(runs: int = 5) -> list[float]:
    env = base_env()
    run_json(IMPORT_MAIN, env)        # warm the bytecode cache once, as a deployed image has it
    return [run_json(IMPORT_MAIN, env)["ms"] for _ in range(runs)]


def health_path(prefixes: tuple[str, ...]) -> str:
    prefix = next(p for p in prefixes if "." not in p.rsplit("/", 1)[-1])
    return f"{prefix}/health"


def first_requests(emulator_env: dict[str, str], runs: int) -> list[dict]:
    from shared.routing import HTTP_FUNCTIONS

    env = base_env(emulator_env)
    rows = []
    for spec in HTTP_FUNCTIONS:
        samples = [run_json(FIRST_REQUEST, env, spec.name, health_path(spec.prefixes)) for _ in range(runs)]
        row = {"name": spec.name, "path": health_path(spec.prefixes)}
        for key in ("framework_ms", "import_ms", "first_ms", "warm_ms"):
            row[key] = statistics.median(sample[key] for sample in samples)
        row.update({key: samples[-1][key] for key in ("status", "reads", "writes")})
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per function (median)")
    args = parser.parse_args(argv)

    samples = import_main_ms(5)
    print("Cold start")
    print(f"  import main: median {statistics.median(samples):.1f} ms over {len(samples)} fresh processes "
          f"(min {min(samples):.1f}, max {max(samples):.1f}); budget 300 ms")

    with emulators(PROJECT, "  first requests") as stack:
        if stack is None:
            return 0
        rows = first_requests(stack.env, max(1, args.runs))
    print(f"  first request per function (fresh process each, median of {max(1, args.runs)}; "
          f"functions_framework's own import, ~{rows[0]['framework_ms']:.0f} ms, is not counted):")
    print(table(
        ["function", "GET", "status", "import ms", "first request ms", "warm request ms", "cold/warm",
         "Firestore reads/writes"],
        [[row["name"], row["path"], row["status"], f"{row['import_ms']:.1f}", f"{row['first_ms']:.1f}",
          f"{row['warm_ms']:.1f}", f"{row['first_ms'] / max(row['warm_ms'], 0.001):.0f}x",
          f"{row['reads']}/{row['writes']}"] for row in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
