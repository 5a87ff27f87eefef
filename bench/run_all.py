"""`make bench`: every benchmark in bench/ (bench_*.py, then cold_start), each in its own process.

Each prints its own table; this runs them one after another and says which, if any, failed.
Nothing is asserted: benchmarks report numbers (ratios and Firestore operation counts), they do not
pass or fail on timings.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def benchmarks() -> list[str]:
    """Module names to run: bench.bench_* in name order, then bench.cold_start."""
    return [f"bench.{path.stem}" for path in sorted(BENCH.glob("bench_*.py"))] + ["bench.cold_start"]


def main() -> int:
    failed = []
    for module in benchmarks():
        print(f"\n=== {module} ===", flush=True)
        started = time.monotonic()
        code = subprocess.run([sys.executable, "-m", module], cwd=ROOT, check=False).returncode
        print(f"--- {module}: {'ok' if code == 0 else f'exit {code}'} in {time.monotonic() - started:.1f} s",
              flush=True)
        if code != 0:
            failed.append(module)
    if failed:
        print(f"\n{len(failed)} benchmark(s) did not finish: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
