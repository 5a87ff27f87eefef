"""`import main` must stay cheap: no heavy SDK may load until a function uses it."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("google.cloud.firestore", "google.cloud.pubsub", "google.cloud.storage", "google.cloud.tasks",
         "firebase_admin", "sendgrid", "twilio", "grpc", "flask", "rapidfuzz", "argon2", "jwt")


def test_import_main_loads_no_heavy_sdk():
    code = (f"import sys, main; heavy = {HEAVY!r}; "
            "print(','.join(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy))))")
    env = {**os.environ, "TRADEHUB_ENV": "test"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == ""
