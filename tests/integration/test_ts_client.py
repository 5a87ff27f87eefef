"""The TypeScript client (clients/typescript) against the real local stack: its node tests
(clients/typescript/test/*.test.ts, node's test runner) call the gateway served on a local port over the
emulators, as a browser would.

They cover sign-in, five parallel calls on an expired token (one refresh), a refused refresh (sign-out),
a 429 with its retry time, Idempotency-Key on creating POSTs, paging, and If-Match with a stale ETag. The
clock is moved through a test-only route in front of the gateway (tests/support/tsclient.py).
"""
from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from tests.support.auth import GOOD_PASSWORD, make_user
from tests.support.notifications import served_gateway_with_push
from tests.support.tsclient import CLIENT, build_client, with_test_controls

NODE_TIMEOUT = 180


def run_node_tests(base: str, email: str, *files: str) -> subprocess.CompletedProcess:
    return subprocess.run(["node", "--test", *files], cwd=CLIENT, capture_output=True, text=True,
                          timeout=NODE_TIMEOUT, check=False,
                          env={**os.environ, "TRADEHUB_BASE_URL": base, "TRADEHUB_EMAIL": email,
                               "TRADEHUB_PASSWORD": GOOD_PASSWORD})


@pytest.mark.timeout(1800)     # the first run installs the npm packages
def test_the_typescript_client_against_the_stack(api, clean_db):
    build_client()
    email = f"ts.client.{uuid.uuid4().hex[:6]}@example.com"
    make_user(email, GOOD_PASSWORD, role="ADMIN")
    with served_gateway_with_push(wrap=with_test_controls) as base:
        done = run_node_tests(base, email, "dist/test/client.test.js")
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "# fail 0" in report and "# pass 8" in report, report
