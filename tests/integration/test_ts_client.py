"""The TypeScript client (clients/typescript) against the real local stack: its node tests
(clients/typescript/test/*.test.ts, node's test runner) call the gateway served on a local port over the
emulators, as a browser would.

test_the_realtime_helpers runs test/realtime.test.ts with the Auth emulator and infra/firestore.rules
loaded into the Firestore emulator.

The client tests cover sign-in, five parallel calls on an expired token (one refresh), a refused refresh (sign-out),
a 429 with its retry time, Idempotency-Key on creating POSTs, paging, and If-Match with a stale ETag. The
clock is moved through a test-only route in front of the gateway (tests/support/tsclient.py).
"""
from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from shared import clock
from tests.support.auth import GOOD_PASSWORD, make_user
from tests.support.notifications import seed_partner, served_gateway_with_push
from tests.support.tsclient import CLIENT, build_client, with_test_controls

NODE_TIMEOUT = 180


def run_node_tests(base: str, email: str, *files: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["node", "--test", *files], cwd=CLIENT, capture_output=True, text=True,
                          timeout=NODE_TIMEOUT, check=False,
                          env={**os.environ, "TRADEHUB_BASE_URL": base, "TRADEHUB_EMAIL": email,
                               "TRADEHUB_PASSWORD": GOOD_PASSWORD, **env})


@pytest.mark.timeout(1800)     # the first run installs the npm packages
def test_the_typescript_client_against_the_stack(api, clean_db):
    build_client()
    email = f"ts.client.{uuid.uuid4().hex[:6]}@example.com"
    make_user(email, GOOD_PASSWORD, role="ADMIN")
    with served_gateway_with_push(wrap=with_test_controls) as base:
        done = run_node_tests(base, email, "dist/test/client.test.js")
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "# fail 0" in report and "# pass 9" in report, report


@pytest.mark.timeout(1800)
def test_the_realtime_helpers(api, clean_db, firebase_auth_emulator, firestore_rules):
    from functions.contracts.views import contract_view
    from shared.config import settings
    from shared.db import collection

    build_client()
    mine, other = f"p-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
    seed_partner(mine)
    seed_partner(other)
    email = f"partner.{uuid.uuid4().hex[:6]}@example.com"
    user_id = make_user(email, GOOD_PASSWORD, role="PARTNER_PRIMARY", kind="partner", partner_id=mine)
    collection("users").document(user_id).collection("notifications").document("n1").set({
        "title": "Contract ready to sign", "body": "Contract C-1 awaits your signature", "category": "contracts",
        "severity": "info", "read": False, "createdAt": clock.now()})
    collection("partnerViews").document(mine).collection("trades").document("trade-mine").set({"status": "OPEN"})
    collection("partnerViews").document(other).collection("trades").document("trade-theirs").set({"status": "OPEN"})
    # a contract view as functions/contracts/views.py writes it (the buyer's side), and one of the other partner
    contract = {"number": "SC/25-26/00042", "status": "ACTIVE", "contractDate": "2026-04-20",
                "financialYear": "2026-27", "contractVersion": 1, "pendingAmendment": None,
                "commodity": {"name": "Cotton"}, "variety": {"code": "SHANKAR-6", "name": "Shankar-6"},
                "quantity": {"value": "100", "unit": "BALE", "kg": "17000"},
                "rate": {"amountPaise": 5600000, "unit": "CANDY"}, "valuePaise": 1680000000,
                "gst": {"amountPaise": 84000000}, "updatedAt": clock.now(),
                "buyer": {"partnerId": mine, "code": "BP-000001", "name": "Sunrise Spinning Mills"},
                "seller": {"partnerId": other, "code": "BP-000002", "name": "Patel Ginning Factory"}}
    for partner, role in ((mine, "BUYER"), (other, "SELLER")):
        collection("partnerViews").document(partner).collection("contracts").document("contract-1").set(
            contract_view("contract-1", contract, role))

    with served_gateway_with_push(wrap=with_test_controls) as base:
        done = run_node_tests(base, email, "dist/test/realtime.test.js", TRADEHUB_PROJECT=settings().project_id,
                              TRADEHUB_AUTH_EMULATOR=firebase_auth_emulator,
                              TRADEHUB_FIRESTORE=f"127.0.0.1:{clean_db.ports['firestore']}",
                              TRADEHUB_PARTNER_ID=mine, TRADEHUB_OTHER_PARTNER_ID=other)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "# fail 0" in report and "# pass 1" in report, report


def test_the_client_logic_with_a_scripted_fetch():
    """test/unit.test.ts: error mapping, Retry-After, storage, paging limits, ETag keys, a refresh rotated by
    another tab (no server)."""
    build_client()
    done = subprocess.run(["node", "--test", "dist/test/unit.test.js"], cwd=CLIENT, capture_output=True, text=True,
                          timeout=NODE_TIMEOUT, check=False)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "# fail 0" in report and "# pass 8" in report, report
