"""With Firestore unreachable, a function answers 503 with Retry-After, never a 500 or a hang."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SERVE = """
import json, sys, functions_framework
target, method, path = sys.argv[1:4]
app = functions_framework.create_app(target=target, source="main.py")
client = app.test_client()
response = client.open(path, method=method, json={"email": "a@b.in", "password": "x"} if method == "POST" else None)
print(json.dumps({"status": response.status_code, "retryAfter": response.headers.get("Retry-After"),
                  "body": response.get_json()}))
"""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]      # released at once: nothing listens there


def serve(target: str, method: str, path: str) -> dict:
    """One request to a fresh function instance whose Firestore address has nothing listening."""
    # functions_framework records the last app's target and signature type in os.environ: drop them.
    env = {key: value for key, value in os.environ.items() if not key.startswith("FUNCTION_")}
    env["FIRESTORE_EMULATOR_HOST"] = f"127.0.0.1:{closed_port()}"
    result = subprocess.run([sys.executable, "-c", SERVE, target, method, path], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    answer["log"] = result.stdout[-1500:]      # shown when an assertion fails
    return answer


def test_health_is_503_with_retry_after_when_firestore_is_unreachable():
    answer = serve("masters", "GET", "/api/settings/health")
    assert answer["status"] == 503, answer["log"]
    assert answer["retryAfter"] == "5"
    assert answer["body"]["code"] == "DEPENDENCY_UNAVAILABLE"
    assert answer["body"]["details"]["checks"]["firestore"]["ok"] is False


def test_a_request_that_needs_a_transaction_is_503_not_500_when_firestore_is_unreachable():
    answer = serve("auth", "POST", "/api/auth/login")     # its rate-limit count is a commit
    assert answer["status"] == 503, answer["log"]
    assert answer["retryAfter"] == "5"
    assert answer["body"]["code"] == "DEPENDENCY_UNAVAILABLE"
