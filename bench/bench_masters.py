"""Masters read paths: Firestore reads per request and latency of the commodity template and location search.

    python -m bench.bench_masters [--requests N]

Starts its own emulators, seeds the masters, and calls the API in-process through the local gateway
(the real pipeline: token check with its session read, rate-limit window, route, service). Reads per
request come from the `X-Firestore-Reads` header; "cold" clears the instance cache before each call,
"warm" leaves it. Nothing is asserted: this prints a table.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid

from bench.common import configure, emulators, table

PROJECT = "demo-tradehub-bench-masters"
REQUESTS_PER_USER = 80          # stay under the 100/minute API rate limit of one identity


class Reader:
    def __init__(self, client) -> None:
        self.client = client

    def get(self, path: str, token: str):
        return self.client.get(path, headers={"Authorization": f"Bearer {token}"})


def new_token() -> str:
    """A live session and access token for a reader (what login would give a sales user)."""
    from shared import clock
    from shared.auth.guard import SESSIONS
    from shared.auth.principal import BACK_OFFICE, Principal
    from shared.auth.tokens import issue_access_token
    from shared.db import collection

    principal = Principal(user_id=f"bench-{uuid.uuid4().hex[:8]}", session_id=uuid.uuid4().hex, kind=BACK_OFFICE,
                          role="SALES", permissions=frozenset({"masters:read"}))
    moment = clock.now()
    collection(SESSIONS).document(principal.session_id).set(
        {"userId": principal.user_id, "createdAt": moment, "lastActivityAt": moment, "revokedAt": None,
         "expiresAt": moment})
    return issue_access_token(principal)[0]


def measure(client, path: str, requests: int, cold: bool) -> dict:
    from functions.masters.cached import CACHE

    reads, latencies, statuses = [], [], set()
    token = new_token()
    for index in range(requests):
        if index and index % REQUESTS_PER_USER == 0:
            token = new_token()
        if cold:
            CACHE.clear()
        started = time.perf_counter()
        response = client.get(path, token=token)
        latencies.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        reads.append(int(response.headers.get("X-Firestore-Reads", "0")))
    return {"path": path, "cache": "cold" if cold else "warm", "n": requests, "status": sorted(statuses),
            "reads_min": min(reads), "reads_max": max(reads), "reads_mean": statistics.mean(reads),
            "p50": statistics.median(latencies), "p90": sorted(latencies)[int(0.9 * (len(latencies) - 1))]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_masters")
    parser.add_argument("--requests", type=int, default=100, help="requests per row")
    args = parser.parse_args(argv)
    configure(PROJECT)

    with emulators(PROJECT, "masters bench") as stack:
        if stack is None:
            return 0
        from werkzeug.test import Client

        from functions.masters.seed import seed_masters
        from local.gateway import create_gateway

        started = time.perf_counter()
        seed_masters()
        seed_ms = (time.perf_counter() - started) * 1000
        client = Reader(Client(create_gateway()))
        client.get("/api/commodities/COTTON/template", token=new_token())       # first-request imports
        n = max(5, args.requests)
        rows = [
            measure(client, "/api/commodities/COTTON/template", n, cold=True),
            measure(client, "/api/commodities/COTTON/template", n, cold=False),
            measure(client, "/api/commodities/COTTON/template?asOf=2025-06-01", n, cold=False),
            measure(client, "/api/settings/locations?q=raj", n, cold=True),
            measure(client, "/api/settings/locations?q=raj", n, cold=False),
            measure(client, "/api/settings/locations?q=morvi", n, cold=True),
            measure(client, "/api/settings/locations?q=b&pageSize=20", n, cold=True),
        ]
    print(f"Masters read paths ({n} requests per row, in-process gateway, Firestore emulator; "
          f"seed took {seed_ms:.0f} ms)")
    print("Reads include the guard's session read and the rate-limit window read (2 per request).")
    print(table(["GET", "cache", "status", "Firestore reads/request (min-max, mean)", "p50 ms", "p90 ms"],
                [[row["path"], row["cache"], ",".join(map(str, row["status"])),
                  f"{row['reads_min']}-{row['reads_max']}, {row['reads_mean']:.2f}", f"{row['p50']:.1f}",
                  f"{row['p90']:.1f}"] for row in rows]))
    cold, warm = rows[0], rows[1]
    print(f"template: cold/warm p50 {cold['p50'] / max(warm['p50'], 0.001):.1f}x; "
          f"reads cold {cold['reads_max']} (budget 3), warm {warm['reads_max']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
