"""Identity hot paths: sign-in latency and Firestore operations per request for login, refresh and an
authenticated GET.

    python -m bench.bench_auth [--logins N]

Starts its own emulators and a capture endpoint for e-mail, creates one user, and calls the API
in-process through the local gateway (the real pipeline). Runs with `TRADEHUB_ENV=local`, so Argon2id
uses its production parameters (argon2-cffi defaults, RFC 9106 low-memory: t=3, 64 MiB, p=4), not the
test suite's cheap profile. Reads and writes per request come from the `X-Firestore-Reads` /
`X-Firestore-Writes` headers. Nothing is asserted: this prints a table.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench.common import configure, emulators, percentile, table

PROJECT = "demo-tradehub-bench-auth"
EMAIL = "bench.user@example.com"
PASSWORD = "Kestrel#Lantern42"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def make_user() -> None:
    from functions.auth.password_policy import DEFAULT_POLICY
    from functions.auth.password_service import password_fields
    from shared.auth.passwords import hash_password
    from shared.auth.users import ACTIVE, create_user, new_user_doc, new_user_id
    from shared.uow import run_in_transaction

    doc = new_user_doc(email=EMAIL, name="Bench User", kind="back_office", role="SALES", actor_id="bench",
                       organization_ids=["org-bench"])
    doc.update({"status": ACTIVE, **password_fields(hash_password(PASSWORD), doc, DEFAULT_POLICY)})
    run_in_transaction(lambda uow: create_user(uow, new_user_id(), doc))


def row(name: str, samples: list[tuple[float, int, int, int]]) -> list[str]:
    latencies = [s[0] for s in samples]
    reads = [s[1] for s in samples]
    writes = [s[2] for s in samples]
    statuses = sorted({s[3] for s in samples})
    return [name, str(len(samples)), ",".join(map(str, statuses)), f"{statistics.median(latencies):.1f}",
            f"{percentile(latencies, 0.95):.1f}", f"{min(reads)}-{max(reads)} ({statistics.mean(reads):.1f})",
            f"{min(writes)}-{max(writes)} ({statistics.mean(writes):.1f})"]


def timed(call) -> tuple[float, int, int, int, object]:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    return (elapsed, int(response.headers.get("X-Firestore-Reads", "0")),
            int(response.headers.get("X-Firestore-Writes", "0")), response.status_code, response)


def argon2_costs(rounds: int = 10) -> tuple[float, float]:
    from shared.auth.passwords import hash_password, verify_password

    started = time.perf_counter()
    hashed = ""
    for _ in range(rounds):
        hashed = hash_password(PASSWORD)
    hash_ms = (time.perf_counter() - started) * 1000 / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        verify_password(hashed, PASSWORD)
    return hash_ms, (time.perf_counter() - started) * 1000 / rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_auth")
    parser.add_argument("--logins", type=int, default=30, help="sign-ins (and refreshes, GETs) to time")
    args = parser.parse_args(argv)
    configure(PROJECT, env="local")          # "local", not "test": Argon2id with its production parameters

    from local.capture import CaptureServer

    with emulators(PROJECT, "auth bench") as stack:
        if stack is None:
            return 0
        capture = CaptureServer.start(port=0)
        n = max(5, args.logins)
        try:
            os.environ["SENDGRID_API_HOST"] = capture.url
            os.environ["TWILIO_API_BASE"] = capture.url
            from shared.config import reset_settings_cache

            reset_settings_cache()
            from werkzeug.test import Client

            from local.gateway import create_gateway

            client = Client(create_gateway())
            make_user()

            def login(index: int):
                # One client address per sign-in: the per-IP sign-in limit (5/minute) is not what is measured.
                return client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD},
                                   headers={"X-Forwarded-For": f"198.18.{index // 250}.{index % 250 + 1}",
                                            "User-Agent": USER_AGENT})

            login(10_000)                                             # first-request imports, Firebase key
            logins = [timed(lambda i=i: login(i)) for i in range(n)]
            tokens = logins[-1][4].get_json()["tokens"]
            refresh_token, access_token = tokens["refreshToken"], tokens["accessToken"]
            refreshes = []
            for _ in range(n):
                sample = timed(lambda token=refresh_token: client.post("/api/auth/refresh",
                                                                       json={"refreshToken": token}))
                refreshes.append(sample)
                body = sample[4].get_json()["tokens"]
                refresh_token, access_token = body["refreshToken"], body["accessToken"]
            auth = {"Authorization": f"Bearer {access_token}"}
            me = [timed(lambda: client.get("/api/auth/me", headers=auth)) for _ in range(n)]
            session = [timed(lambda: client.get("/api/auth/session", headers=auth)) for _ in range(n)]
            hash_ms, verify_ms = argon2_costs()
        finally:
            capture.stop()
    print(f"Identity hot paths ({n} requests per row, in-process gateway, Firestore emulator, "
          "Argon2id production parameters)")
    print(table(["request", "n", "status", "p50 ms", "p95 ms", "reads/request (min-max (mean))",
                 "writes/request (min-max (mean))"],
                [row("POST /api/auth/login", [s[:4] for s in logins]),
                 row("POST /api/auth/refresh", [s[:4] for s in refreshes]),
                 row("GET /api/auth/me", [s[:4] for s in me]),
                 row("GET /api/auth/session", [s[:4] for s in session])]))
    login_p50 = statistics.median(s[0] for s in logins)
    get_p50 = statistics.median(s[0] for s in me)
    print(f"Argon2id hash {hash_ms:.1f} ms, verify {verify_ms:.1f} ms (mean of 10); "
          f"login p50 is {login_p50 / max(get_p50, 0.001):.1f}x an authenticated GET, "
          f"of which ~{verify_ms / max(login_p50, 0.001) * 100:.0f}% is the password verification.")
    print("Login: rate-limit counters (1 write each, no read), user lookup (1 query read), transaction "
          "re-reading the user and the organization settings, writing user, session and audit entry. Refresh: "
          "rate-limit counters, session, user, settings; session rotation. Authenticated GET: session (guard), "
          "rate-limit counters; /me reads the user too.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
