"""A contract's invoices together never bill more than its quantity and 5% tolerance, also when they are
issued at the same moment from several threads; a cancelled invoice gives its quantity back."""
from __future__ import annotations

import threading
from decimal import Decimal

from shared.db import collection
from tests.support.contracts import ACCOUNTS, active_contract, staff


def _bales(n):
    return {"value": n, "unit": "BALE"}


def _issue(api, token, contract_id, bales):
    return api.post("/api/invoices", json={"contractId": contract_id, "quantity": _bales(bales)}, token=token)


def test_invoices_together_stay_within_the_contract_quantity(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    contract = active_contract(api)                        # 100 bales: at most 105 with the tolerance
    first = _issue(api, token, contract["id"], 60)
    assert first.status_code == 201, first.get_json()
    over = _issue(api, token, contract["id"], 50)
    assert (over.status_code, over.get_json()["code"]) == (409, "QUANTITY_EXCEEDS_CONTRACT")
    assert Decimal(over.get_json()["details"]["remainingKg"]) == Decimal(contract["quantity"]["kg"]) * Decimal(
        "1.05") - Decimal(str(first.get_json()["quantity"]["kg"]))
    assert _issue(api, token, contract["id"], 45).status_code == 201          # 105 bales: the limit exactly
    assert _issue(api, token, contract["id"], 1).status_code == 409
    cancelled = api.post(f"/api/invoices/{first.get_json()['id']}/cancel", json={"reason": "Data entry error"},
                         token=token)
    assert cancelled.status_code == 200
    again = _issue(api, token, contract["id"], 60)
    assert again.status_code == 201, again.get_json()
    assert _issue(api, token, contract["id"], 1).status_code == 409


def test_concurrent_invoices_never_exceed_the_contract_quantity(api, contract_parties):
    token, _ = staff(ACCOUNTS)
    contract = active_contract(api)
    results: list = []
    lock = threading.Lock()

    def issue():
        response = _issue(api, token, contract["id"], 15)
        with lock:
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=issue) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 7 + [409] * 3, [body for status, body in results if status not in (201, 409)][:2]
    assert {body["code"] for status, body in results if status == 409} == {"QUANTITY_EXCEEDS_CONTRACT"}
    stored = [s.to_dict() for s in collection("invoices").stream() if s.to_dict()["contractId"] == contract["id"]]
    billed = sum(Decimal(invoice["quantity"]["kg"]) for invoice in stored)
    assert len(stored) == 7 and billed <= Decimal(contract["quantity"]["kg"]) * Decimal("1.05")
