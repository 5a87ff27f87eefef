"""Trade desk: Firestore reads and writes per route, and the contended acceptance.

    python -m bench.bench_tradedesk [--repeat N] [--offers 20]

Starts its own emulators, seeds the masters and trading partners (documents, as the integration tests
do) and calls the API in-process through the local gateway (the real pipeline: token and session
check, rate-limit counters, route, service, transaction). Reads, writes and transaction retries per
request come from the `X-Firestore-Reads`, `X-Firestore-Writes` and `X-Transaction-Retries` headers.

The contended acceptance: one buyer's request with 500 bales open, `--offers` sellers each offering 30
bales, all accepted at once from as many threads; the accepted quantity never passes 500 (the rest are
409 QUANTITY_EXCEEDS_OPEN). Nothing is asserted: this prints tables.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from typing import Any

from bench.common import ROUTE_HEADERS, Row, body_of, gateway_api, table, timed

PROJECT = "demo-tradehub-bench-tradedesk"


def seed(offers: int) -> dict[str, Any]:
    from functions.masters.seed import seed_masters
    from tests.support.tradedesk import partner_user, sales_user, seed_partner

    seed_masters()
    seed_partner("bench-buyer", "BUYER", legal_name="Bench Spinning Mills", pan="AAACB1111K")
    sellers = []
    for n in range(max(offers, 2)):
        partner_id = f"bench-s{n:02d}"
        seed_partner(partner_id, "SELLER", legal_name=f"Bench Ginner {n}", pan=f"AAAF{chr(65 + n % 26)}{1000 + n}Q")
        sellers.append(partner_id)
    return {"buyer": lambda: partner_user("bench-buyer")[0],
            "seller": lambda n: partner_user(sellers[n])[0], "sales": lambda: sales_user()[0],
            "sellers": sellers}


def per_route(api: Any, parties: dict[str, Any], repeat: int) -> list[Row]:
    from tests.support.tradedesk import offer_body, request_body

    rows = {name: Row(name) for name in (
        "POST /api/trades", "POST /api/trades/{id}/post", "GET /api/trades/{id}", "GET /api/trades?scope=market",
        "GET /api/trades?scope=mine", "GET /api/trades/{id}/matches", "POST /api/trades/from-message",
        "POST /api/offers", "POST /api/offers/{id}/counter", "GET /api/trades/{id}/offers",
        "GET /api/negotiations/{id}/history", "POST /api/offers/{id}/accept", "GET /api/tested-lots",
        "GET /api/dashboard/trades-summary", "GET /api/dashboard/trades")}
    message = "Need 200 bales Shankar-6, staple 29mm, mic 3.8-4.5, at 56000 per candy, ex-gin Rajkot, 15 days credit"
    for _ in range(repeat):
        buyer, seller, sales = parties["buyer"](), parties["seller"](0), parties["sales"]()

        def call(label: str, path: str, status: int | None = None, **kwargs: Any) -> Any:
            method = api.post if label.startswith("POST") else api.get
            response = timed(rows[label], method, path, **kwargs)
            return body_of(response, status) if status else response

        trade_id = call("POST /api/trades", "/api/trades", 201, json=request_body(), token=buyer)["id"]
        call("POST /api/trades/{id}/post", f"/api/trades/{trade_id}/post", 200, token=buyer)
        call("GET /api/trades/{id}", f"/api/trades/{trade_id}", token=seller)
        call("GET /api/trades?scope=market", "/api/trades?scope=market", token=seller)
        call("GET /api/trades?scope=mine", "/api/trades?scope=mine", token=buyer)
        call("GET /api/trades/{id}/matches", f"/api/trades/{trade_id}/matches", token=buyer)
        call("POST /api/trades/from-message", "/api/trades/from-message", token=buyer,
             json={"text": message, "orgId": "rnrl-gujarat"})
        offer_id = call("POST /api/offers", "/api/offers", 201, json=offer_body(trade_id), token=seller)["id"]
        call("POST /api/offers/{id}/counter", f"/api/offers/{offer_id}/counter", 200, token=buyer,
             json={"version": 1, "price": 56200})
        call("GET /api/trades/{id}/offers", f"/api/trades/{trade_id}/offers", token=buyer)
        call("GET /api/negotiations/{id}/history", f"/api/negotiations/{offer_id}/history", token=seller)
        call("POST /api/offers/{id}/accept", f"/api/offers/{offer_id}/accept", 200, json={"version": 2},
             token=seller)
        call("GET /api/tested-lots", "/api/tested-lots", token=seller)
        call("GET /api/dashboard/trades-summary", "/api/dashboard/trades-summary", token=sales)
        call("GET /api/dashboard/trades", "/api/dashboard/trades", token=sales)
    return list(rows.values())


def contended_acceptance(api: Any, parties: dict[str, Any], offers: int) -> dict[str, Any]:
    from tests.support.tradedesk import offer_body, request_body

    buyer = parties["buyer"]()
    trade = body_of(api.post("/api/trades", json=request_body(), token=buyer), 201)
    body_of(api.post(f"/api/trades/{trade['id']}/post", token=buyer), 200)
    made = [body_of(api.post("/api/offers", token=parties["seller"](n), json=offer_body(
        trade["id"], quantity={"value": 30, "unit": "BALE"})), 201)["id"] for n in range(offers)]
    row, lock, barrier = Row("POST /api/offers/{id}/accept (contended)"), threading.Lock(), threading.Barrier(offers)
    codes: Counter[str] = Counter()

    def accept(offer_id: str) -> None:
        barrier.wait()
        started = time.perf_counter()
        response = api.post(f"/api/offers/{offer_id}/accept", token=buyer, json={"version": 1})
        with lock:
            row.add(response, (time.perf_counter() - started) * 1000)
            codes["ACCEPTED" if response.status_code == 200 else response.get_json().get("code")] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=accept, args=(offer_id,)) for offer_id in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    wall = time.perf_counter() - started
    stored = body_of(api.get(f"/api/trades/{trade['id']}", token=buyer), 200)
    return {"row": row, "codes": codes, "wall": wall, "retries": sum(row.retries), "status": stored["status"],
            "open": stored.get("openQuantity") or stored.get("openKg")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_tradedesk")
    parser.add_argument("--repeat", type=int, default=10, help="rounds of the per-route walk")
    parser.add_argument("--offers", type=int, default=20, help="concurrent acceptances on one request")
    args = parser.parse_args(argv)

    with gateway_api(PROJECT, "trade desk bench") as api:
        if api is None:
            return 0
        parties = seed(args.offers)
        api.get("/api/trades?scope=mine", token=parties["buyer"]())          # first-request imports
        rows = per_route(api, parties, max(1, args.repeat))
        contended = contended_acceptance(api, parties, max(2, args.offers))

    headers = ROUTE_HEADERS
    print(f"Trade desk routes ({args.repeat} rounds, in-process gateway, Firestore emulator; reads and writes "
          "include the pipeline's session read and rate-limit write)")
    print(table(headers, [row.cells() for row in rows]))
    row = contended["row"]
    print(f"\nContended acceptance: {args.offers} sellers' 30-bale offers on one 500-bale request, accepted at once")
    print(table(headers, [row.cells()]))
    print(f"outcomes {dict(contended['codes'])}; transaction retries {contended['retries']} in all; "
          f"wall {contended['wall']:.2f} s; request now {contended['status']}, open {contended['open']}; "
          f"max {max(row.ms):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
