"""Contracts and settlement: Firestore reads and writes per route, and the contended invoice numbering.

    python -m bench.bench_settlement [--repeat N] [--invoices 20]

Starts its own emulators, seeds the masters and two contract parties (documents, as the integration
tests do) and calls the API in-process through the local gateway (the real pipeline). Reads, writes and
transaction retries per request come from the `X-Firestore-Reads`, `X-Firestore-Writes` and
`X-Transaction-Retries` headers.

The contended numbering: `--invoices` ACTIVE contracts of one organization, one invoice on each issued at
once from as many threads; every invoice takes the next number of the organization's INV series of the
year in its own transaction. Nothing is asserted: this prints tables (and whether the numbers came out
consecutive).
"""
from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from collections import Counter
from typing import Any

from bench.common import ROUTE_HEADERS, Row, body_of, gateway_api, table, timed

PROJECT = "demo-tradehub-bench-settlement"


def seed() -> dict[str, Any]:
    from functions.masters.seed import seed_masters
    from tests.support.contracts import ACCOUNTS, APPROVER, MANAGER, partner_token, seed_party, staff

    seed_masters()
    seed_party("buyer-1", legal_name="Shree Ganesh Cotton Mills", state_code="24", pan="AAACS1234F")
    seed_party("seller-1", legal_name="Patel Ginning Factory", state_code="27", pan="AAAFP5678K")
    return {"maker": lambda: staff(MANAGER)[0], "checker": lambda: staff(APPROVER)[0],
            "accounts": lambda: staff(ACCOUNTS | {"commissions:read"})[0],
            "buyer": lambda: partner_token("buyer-1")}


def active_contract(api: Any, parties: dict[str, Any], rows: dict[str, Row] | None = None) -> dict[str, Any]:
    """A contract entered, submitted and approved (maker-checker); counted in `rows` when given."""
    from tests.support.contracts import contract_body

    def call(label: str, path: str, status: int, **kwargs: Any) -> dict[str, Any]:
        response = timed(rows[label], api.post, path, **kwargs) if rows is not None else api.post(path, **kwargs)
        return body_of(response, status)

    maker, checker = parties["maker"](), parties["checker"]()
    cid = call("POST /api/contracts", "/api/contracts", 201, json=contract_body(), token=maker)["id"]
    call("POST /api/contracts/{id}/submit", f"/api/contracts/{cid}/submit", 200, token=maker)
    return call("POST /api/contracts/{id}/approve", f"/api/contracts/{cid}/approve", 200, token=checker)


def per_route(api: Any, parties: dict[str, Any], repeat: int) -> list[Row]:
    from tests.support.contracts import ORG

    rows = {name: Row(name) for name in (
        "POST /api/contracts", "POST /api/contracts/{id}/submit", "POST /api/contracts/{id}/approve",
        "GET /api/contracts/{id}", "GET /api/contracts", "GET /api/contracts/{id}/versions",
        "POST /api/invoices", "GET /api/invoices/{id}", "GET /api/invoices", "POST /api/payments",
        "POST /api/payments/{id}/allocations", "GET /api/payments", "POST /api/invoices/{id}/notes",
        "GET /api/commissions", "GET /api/invoices/aging", "GET /api/invoices/statement",
        "GET /api/invoices/statement (partner)")}
    for round_number in range(repeat):
        accounts, buyer = parties["accounts"](), parties["buyer"]()

        def call(label: str, path: str, status: int | None = None, accounts: str = accounts, **kwargs: Any) -> Any:
            method = api.post if label.startswith("POST") else api.get
            response = timed(rows[label], method, path, **{"token": accounts, **kwargs})
            return body_of(response, status) if status else response

        cid = active_contract(api, parties, rows)["id"]
        call("GET /api/contracts/{id}", f"/api/contracts/{cid}")
        call("GET /api/contracts", "/api/contracts")
        call("GET /api/contracts/{id}/versions", f"/api/contracts/{cid}/versions")
        iid = call("POST /api/invoices", "/api/invoices", 201,
                   json={"contractId": cid, "quantity": {"value": 2, "unit": "BALE"}})["id"]
        call("GET /api/invoices/{id}", f"/api/invoices/{iid}")
        call("GET /api/invoices", "/api/invoices")
        reference = f"N{round_number:05d}{int(time.time() * 1000) % 10**10:010d}"
        payment_id = call("POST /api/payments", "/api/payments", 201, json={
            "orgId": ORG, "buyerPartnerId": "buyer-1", "amount": 1000.0, "paymentDate": "2026-12-02",
            "mode": "NEFT", "reference": reference, "allocations": [{"invoiceId": iid, "amount": 500.0}]})["id"]
        call("POST /api/payments/{id}/allocations", f"/api/payments/{payment_id}/allocations", 200,
             json={"allocations": [{"invoiceId": iid, "amount": 500.0}]})
        call("GET /api/payments", "/api/payments")
        call("POST /api/invoices/{id}/notes", f"/api/invoices/{iid}/notes", 201,
             json={"kind": "CREDIT", "taxableValue": 100.10, "reason": "quality claim: micronaire"})
        call("GET /api/commissions", "/api/commissions")
        call("GET /api/invoices/aging", f"/api/invoices/aging?orgId={ORG}")
        call("GET /api/invoices/statement", f"/api/invoices/statement?partnerId=buyer-1&orgId={ORG}")
        call("GET /api/invoices/statement (partner)", "/api/invoices/statement", token=buyer)
    return list(rows.values())


def contended_numbering(api: Any, parties: dict[str, Any], invoices: int) -> dict[str, Any]:
    contracts = [active_contract(api, parties)["id"] for _ in range(invoices)]
    accounts = [parties["accounts"]() for _ in range(invoices)]
    row, lock, barrier = Row("POST /api/invoices (contended)"), threading.Lock(), threading.Barrier(invoices)
    numbers: list[str] = []
    codes: Counter[str] = Counter()

    def issue(index: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        response = api.post("/api/invoices", json={"contractId": contracts[index],
                                                   "quantity": {"value": 2, "unit": "BALE"}}, token=accounts[index])
        with lock:
            row.add(response, (time.perf_counter() - started) * 1000)
            if response.status_code == 201:
                numbers.append(response.get_json()["number"])
            codes[str(response.status_code) if response.status_code == 201 else response.get_json().get("code")] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=issue, args=(index,)) for index in range(invoices)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    wall = time.perf_counter() - started
    serials = sorted(int(re.split(r"[/-]", number)[-1]) for number in numbers)
    consecutive = serials == list(range(serials[0], serials[0] + len(serials))) if serials else False
    return {"row": row, "codes": codes, "wall": wall, "consecutive": consecutive, "numbers": sorted(numbers)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_settlement")
    parser.add_argument("--repeat", type=int, default=10, help="rounds of the per-route walk")
    parser.add_argument("--invoices", type=int, default=20, help="invoices issued at once in one organization")
    args = parser.parse_args(argv)

    with gateway_api(PROJECT, "settlement bench") as api:
        if api is None:
            return 0
        parties = seed()
        api.get("/api/contracts", token=parties["maker"]())            # first-request imports
        rows = per_route(api, parties, max(1, args.repeat))
        contended = contended_numbering(api, parties, max(2, args.invoices))

    headers = ROUTE_HEADERS
    print(f"Contracts and settlement routes ({args.repeat} rounds, in-process gateway, Firestore emulator; reads "
          "and writes include the pipeline's session read and rate-limit write)")
    print(table(headers, [row.cells() for row in rows]))
    row = contended["row"]
    print(f"\nContended numbering: {args.invoices} invoices of one organization and year issued at once")
    print(table(headers, [row.cells()]))
    print(f"outcomes {dict(contended['codes'])}; transaction retries {sum(row.retries)} in all; wall "
          f"{contended['wall']:.2f} s = {len(contended['numbers']) / contended['wall']:.1f} invoices/s; numbers "
          f"{contended['numbers'][0] if contended['numbers'] else '-'} .. "
          f"{contended['numbers'][-1] if contended['numbers'] else '-'}, consecutive: {contended['consecutive']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
