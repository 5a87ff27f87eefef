"""`import main` must stay cheap: no heavy SDK (nor the settings library) may load until a function
uses it, and a production process with a missing secret or an emulator variable still refuses to start."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.environment import EMULATOR_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("google.cloud.firestore", "google.cloud.pubsub", "google.cloud.storage", "google.cloud.tasks",
         "firebase_admin", "sendgrid", "twilio", "grpc", "flask", "rapidfuzz", "argon2", "jwt",
         "pydantic", "pydantic_settings")
SECRETS = {"JWT_SIGNING_KEY": "k" * 40, "SENDGRID_API_KEY": "sg", "TWILIO_AUTH_TOKEN": "tw",
           "JOBS_SHARED_SECRET": "js"}


def _import_main(env: dict[str, str], code: str = "import main") -> subprocess.CompletedProcess:
    variables = {name: value for name, value in os.environ.items()
                 if name not in SECRETS and name not in EMULATOR_VARIABLES}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**variables, **env}, capture_output=True,
                          text=True, timeout=60)


def test_import_main_loads_no_heavy_sdk():
    code = (f"import sys, main; heavy = {HEAVY!r}; "
            "print(','.join(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy))))")
    result = _import_main({**SECRETS, "TRADEHUB_ENV": "test"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_production_imports_main_with_every_secret_and_no_emulator():
    result = _import_main({**SECRETS, "TRADEHUB_ENV": "production"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_production_main_refuses_to_start_without_a_secret(missing):
    env = {name: value for name, value in SECRETS.items() if name != missing}
    result = _import_main({**env, "TRADEHUB_ENV": "production"})
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and missing in result.stderr


def test_production_main_refuses_to_start_with_an_emulator_variable():
    result = _import_main({**SECRETS, "TRADEHUB_ENV": "production", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:1"})
    assert result.returncode != 0
    assert "emulator variable(s) set in production: FIRESTORE_EMULATOR_HOST" in result.stderr
