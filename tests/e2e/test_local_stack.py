"""`make run` end to end: the real stack (emulators, capture, gunicorn gateway, scheduler) in a
temporary state folder on free ports, driven over HTTP like a user, then stopped with Ctrl-C."""
from __future__ import annotations

import json
import os
import queue
import signal
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from local.emulators import EmulatorsMissing, free_port, google_emulators
from local.stack import PORTS, port_is_free
from shared.http.entry import router_for
from shared.routing import HTTP_FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


# Run against the stack (its stack.env in the environment): an offer, the same timer scheduled twice, then
# wait for both deliveries in the gateway's log and count the warnings.
TIMER_TWICE = """
import json, os, time
from datetime import UTC, datetime, timedelta
from google.cloud.firestore_v1.base_query import FieldFilter
from shared import clock
from shared.db import collection
from shared.uow import run_in_transaction
collection("offers").document("e2e-timer").set({"tradeId": "e2e-trade", "status": "COUNTERED", "negotiationVersion": 2,
    "turn": "OWNER", "ownerPartnerId": "buyer", "makerPartnerId": "seller",
    "validUntil": clock.now() + timedelta(hours=2), "version": 1})
at = datetime.now(UTC) + timedelta(seconds=1)
for _ in range(2):
    run_in_transaction(lambda uow: uow.schedule_timer("offer-expiring", "e2e-timer", 2, at))
log = os.path.join(os.environ["TRADEHUB_LOCAL_DIR"], "logs", "gateway.log")
deadline = time.monotonic() + 30
while True:
    with open(log) as lines:
        fired = [json.loads(line) for line in lines if '"timer fired"' in line and "e2e-timer" in line]
    if len(fired) >= 2 or time.monotonic() > deadline:
        break
    time.sleep(0.2)
events = collection("outbox").where(filter=FieldFilter("type", "==", "OfferExpiring")).stream()
print(json.dumps({"deliveries": sorted(entry["duplicate"] for entry in fired),
                  "warnings": sum(1 for event in events if event.get("subject") == "e2e-timer")}))
"""


def _call(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}{path}", data=data, method=method, headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _the_demo_desk_is_not_empty(base: str, logins: list[dict]) -> None:
    """What a new user sees with the demo logins: a seller, a buyer and a trader; the buyer's posted
    request with the seller's offer countered by the buyer (the seller's turn), the seller's tested lot,
    the trader's availability on the buyer's market, an active contract."""
    partners = {login["description"].rsplit("(", 1)[1].rstrip(")"): login for login in logins
                if login.get("kind") == "partner"}
    assert set(partners) == {"SELLER", "BUYER", "TRADER"}
    tokens = {}
    for kind, login in partners.items():
        status, body = _call(base, "POST", "/api/auth/login", {"email": login["email"], "password": login["password"]})
        assert status == 200, (kind, body)
        tokens[kind] = body["tokens"]["accessToken"]
    status, mine = _call(base, "GET", "/api/trades?scope=mine", token=tokens["BUYER"])
    assert status == 200, mine
    [request] = mine["items"]
    assert (request["side"], request["status"]) == ("BUY", "NEGOTIATING")
    assert request["number"].startswith("TR-")
    status, offers = _call(base, "GET", f"/api/trades/{request['id']}/offers", token=tokens["BUYER"])
    assert status == 200, offers
    [offer] = offers["items"]
    assert (offer["status"], offer["negotiationVersion"]) == ("COUNTERED", 2)
    status, market = _call(base, "GET", "/api/trades?scope=market", token=tokens["BUYER"])
    assert status == 200 and [t["side"] for t in market["items"]] == ["SELL"], market
    status, seller_market = _call(base, "GET", "/api/trades?scope=market", token=tokens["SELLER"])
    assert status == 200 and request["id"] in [t["id"] for t in seller_market["items"]], seller_market
    status, lots = _call(base, "GET", "/api/tested-lots", token=tokens["SELLER"])
    assert status == 200 and [lot["status"] for lot in lots["items"]] == ["AVAILABLE"], lots
    status, contracts = _call(base, "GET", "/api/contracts", token=tokens["SELLER"])
    assert status == 200 and [c["status"] for c in contracts["items"]] == ["ACTIVE"], contracts


@pytest.fixture
def stack_env(tmp_path):
    try:
        google_emulators()
    except EmulatorsMissing as missing:
        pytest.skip(str(missing))
    env = {key: value for key, value in os.environ.items()
           if key not in ("TRADEHUB_ENV", "PUBLIC_BASE_URL") and not key.endswith("_EMULATOR_HOST")}
    ports = {}
    for name, (_, variable) in PORTS.items():
        ports[name] = free_port()
        env[variable] = str(ports[name])
    env["TRADEHUB_LOCAL_DIR"] = str(tmp_path / "local")
    return env, ports, tmp_path / "local"


def test_make_run_serves_every_function_then_stops_everything(stack_env):
    env, ports, local = stack_env
    base = f"http://127.0.0.1:{ports['gateway']}"
    process = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    output: list[str] = []
    try:
        started = time.monotonic()
        while not any("Stop everything with Ctrl-C" in line for line in output):
            assert process.poll() is None, "".join(output)
            assert time.monotonic() - started < 60, "not serving within 60 s:\n" + "".join(output)
            try:
                output.append(lines.get(timeout=1))
            except queue.Empty:
                pass
        banner = "".join(output)
        assert f"{base}/api/docs" in banner
        assert f"http://127.0.0.1:{ports['capture']}/_capture/emails" in banner

        # Every function answers its health check through the one gateway port.
        for spec in HTTP_FUNCTIONS:
            for prefix in spec.prefixes:
                if prefix == "/api/openapi.json":
                    continue
                status, body, _ = _get(f"{base}{prefix}/health")
                assert status == 200, (prefix, body)
                assert json.loads(body)["function"] == spec.name
        # The gunicorn gateway passes CORS preflights to the functions (a dev-server origin is allowed).
        for path in ("/api/auth/login", "/api/partners/health", "/api/notifications"):
            preflight = urllib.request.Request(f"{base}{path}", method="OPTIONS", headers={
                "Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type"})
            with urllib.request.urlopen(preflight, timeout=10) as response:
                assert response.status == 204, path
                assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173", path
        status, body, _ = _get(f"{base}/api/openapi.json")
        assert status == 200
        paths = json.loads(body)["paths"]
        for spec in HTTP_FUNCTIONS:
            for route in router_for(spec.name).routes:
                assert route.method.lower() in paths.get(route.path, {}), (route.method, route.path)
        status, body, headers = _get(f"{base}/api/docs")
        assert status == 200 and b"swagger-ui-bundle.js" in body
        assert headers["Content-Type"].startswith("text/html")

        # State files: secrets and demo logins readable only by their owner; secrets never printed.
        secrets_file = local / "secrets.env"
        for path in (secrets_file, local / "demo-credentials.json", local / "stack.env"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        for line in secrets_file.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                assert line.split("=", 1)[1] not in banner
        credentials = json.loads((local / "demo-credentials.json").read_text())
        assert credentials["baseUrl"] == base
        _the_demo_desk_is_not_empty(base, credentials["logins"])

        # A second `make run` refuses clearly.
        second = subprocess.run([sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 1
        assert (f"TradeHub is already running (pid {process.pid}, {base}); stop it with Ctrl-C in its terminal"
                in second.stderr)

        # `make job NAME=outbox-relay` goes through the gateway with the job secret.
        job = subprocess.run([sys.executable, "-m", "local.scheduler", "--once", "outbox-relay"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
        assert job.returncode == 0, job.stderr
        assert json.loads(job.stdout)["job"] == "outbox-relay"

        # A timer scheduled twice reaches the gateway twice through the Tasks emulator and runs once.
        stack_vars = dict(line.split("=", 1) for line in (local / "stack.env").read_text().splitlines()
                          if "=" in line and not line.startswith("#"))
        if stack_vars.get("CLOUD_TASKS_EMULATOR_HOST"):
            fired = subprocess.run([sys.executable, "-c", TIMER_TWICE], cwd=ROOT, env={**env, **stack_vars},
                                   capture_output=True, text=True, timeout=120)
            assert fired.returncode == 0, fired.stderr
            assert json.loads(fired.stdout.strip().splitlines()[-1]) == {"deliveries": [False, True], "warnings": 1}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    time.sleep(0.5)
    rest = "".join(output) + "".join(lines.get() for _ in range(lines.qsize()))
    assert code == 0, rest
    assert "Stopped." in rest
    assert not (local / "stack.pid").exists() and not (local / "stack.env").exists()
    busy = [name for name, port in ports.items() if not port_is_free(port)]
    assert busy == [], f"still listening after Ctrl-C: {busy}"
