"""Speed of the trade-message parser on one core: throughput over the dev corpus and the unit-test
cases (wall clock, and thread CPU time, which a busy host does not inflate as much), and the cost
of importing the package (and of the first parse) in a fresh interpreter.

    python bench/bench_parser.py [--rounds N]

The dev corpus is read from the team folder beside the checkout (../shared/nlp/dev.jsonl) when it is
there. Prints a table; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = (ROOT.parent / "shared" / "nlp" / "dev.jsonl", ROOT / "tests" / "unit" / "parser_cases.jsonl")

_FRESH = """
import time
started = time.perf_counter()
import functions.tradedesk.parsing as parsing
imported = time.perf_counter()
parsing.parse_message("Sell 500 bales S-6 29mm 3.8-4.2 mic @ 56,500 Rajkot ex-gin")
print((imported - started) * 1000, (time.perf_counter() - imported) * 1000)
"""


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "not pinned"


def fresh_process_ms(runs: int) -> tuple[float, float]:
    """Median import time and median first-parse time (ms) over `runs` fresh interpreters."""
    imports, firsts = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _FRESH], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
        imports.append(float(out[0]))
        firsts.append(float(out[1]))
    return statistics.median(imports), statistics.median(firsts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="passes over the messages (default 20)")
    parser.add_argument("--fresh", type=int, default=7, help="fresh interpreters for the import time")
    args = parser.parse_args()

    pinned = pin_to_one_core()
    sys.path.insert(0, str(ROOT))
    from functions.tradedesk.parsing import parse_message

    texts = [json.loads(line)["text"] for path in CORPORA if path.exists()
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for text in texts:  # warm up: reference data, regexes, pydantic
        parse_message(text)
    timings, cpu_timings = [], []
    for _ in range(args.rounds):
        started, cpu_started = time.perf_counter(), time.thread_time()
        for text in texts:
            parse_message(text)
        timings.append((time.perf_counter() - started) / len(texts))
        cpu_timings.append((time.thread_time() - cpu_started) / len(texts))
    best, median, cpu = min(timings), statistics.median(timings), statistics.median(cpu_timings)
    import_ms, first_ms = fresh_process_ms(args.fresh)

    rows = [
        ("messages per pass", f"{len(texts)}", f"{args.rounds} passes, {pinned}"),
        ("messages/second (median)", f"{1 / median:,.0f}", ""),
        ("messages/second (best)", f"{1 / best:,.0f}", ""),
        ("ms/message (median)", f"{median * 1000:.3f}", ""),
        ("messages/CPU-second (median)", f"{1 / cpu:,.0f}", "thread CPU time (busy host)"),
        ("import ms (fresh process)", f"{import_ms:.1f}", f"median of {args.fresh}"),
        ("first parse ms (fresh process)", f"{first_ms:.1f}", "reference data, regexes, pydantic"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'measure':<{width}}  {'value':>10}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")


if __name__ == "__main__":
    main()
