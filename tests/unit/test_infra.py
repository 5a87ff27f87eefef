"""Infra declarations stay in step with the code they come from (no cloud, no Terraform state)."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.config import SECRET_VARIABLES
from shared.jobs import JOBS
from shared.routing import EVENT_FUNCTIONS, HTTP_FUNCTIONS, SCHEDULER_FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "infra" / "terraform"


def _generator():
    spec = importlib.util.spec_from_file_location("infra_generate", ROOT / "infra" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _terraform_text() -> str:
    return "\n".join(path.read_text() for path in sorted(TERRAFORM.glob("*.tf")))


def test_generated_tfvars_are_up_to_date():
    stale = _generator().stale()
    assert stale == [], f"out of date: {[str(p.relative_to(ROOT)) for p in stale]}; run python infra/generate.py"


def test_generated_tfvars_hold_every_function_and_job():
    functions = json.loads((TERRAFORM / "functions.auto.tfvars.json").read_text())
    assert {name: fn["prefixes"] for name, fn in functions["http_functions"].items()} == {
        spec.name: list(spec.prefixes) for spec in HTTP_FUNCTIONS}
    assert set(functions["scheduler_functions"]) == {spec.name for spec in SCHEDULER_FUNCTIONS}
    assert {name: fn["topic"] for name, fn in functions["event_functions"].items()} == {
        spec.name: spec.topic for spec in EVENT_FUNCTIONS}
    for group in ("http_functions", "scheduler_functions", "event_functions"):
        for name, fn in functions[group].items():
            assert fn["entry_point"] == name
            assert re.fullmatch(r"[a-z][a-z0-9-]{0,48}[a-z0-9]", fn["cloud_name"]), fn["cloud_name"]
    jobs = json.loads((TERRAFORM / "jobs.auto.tfvars.json").read_text())["scheduled_jobs"]
    assert {name: (job["schedule"], job["time_zone"], job["path"]) for name, job in jobs.items()} == {
        job.name: (job.cron, "Asia/Kolkata", f"/jobs/{job.name}") for job in JOBS}


def test_every_declared_variable_of_the_generated_files_exists():
    declared = set(re.findall(r'^variable "(\w+)"', _terraform_text(), re.MULTILINE))
    for name in ("functions.auto.tfvars.json", "jobs.auto.tfvars.json"):
        assert set(json.loads((TERRAFORM / name).read_text())) <= declared, name


def test_composite_index_file_is_well_formed_and_has_the_outbox_index():
    indexes = json.loads((TERRAFORM / "firestore_indexes.json").read_text())["indexes"]
    keys = set()
    for index in indexes:
        assert index.get("queryScope", "COLLECTION") in ("COLLECTION", "COLLECTION_GROUP")
        assert len(index["fields"]) >= 2, index
        for field in index["fields"]:
            assert (field.get("order") in ("ASCENDING", "DESCENDING")) != ("arrayConfig" in field), field
        key = (index["collectionGroup"], index.get("queryScope", "COLLECTION"),
               tuple((f["fieldPath"], f.get("order") or f.get("arrayConfig")) for f in index["fields"]))
        assert key not in keys, f"duplicate index {key}"
        keys.add(key)
    assert ("outbox", "COLLECTION", (("status", "ASCENDING"), ("occurredAt", "ASCENDING"))) in keys


def test_ttl_policies_bucket_and_secrets():
    text = _terraform_text()
    for collection in ("idempotencyKeys", "sessions", "rateLimits", "loginFailures", "otpChallenges",
                       "passwordResets", "processedTimers"):
        assert re.search(rf'collection = "{collection}", field = "expiresAt"', text), collection
    counters = text.split('resource "google_firestore_field" "rate_limit_counters"', 1)[1].split("\n}", 1)[0]
    assert 'collection = "rateLimits"' in counters and 'field      = "w"' in counters
    assert "index_config {}" in counters
    assert "uniform_bucket_level_access = true" in text
    assert 'public_access_prevention    = "enforced"' in text
    secrets_block = (TERRAFORM / "secrets.tf").read_text().split("secrets = {", 1)[1].split("}", 1)[0]
    secrets = dict(re.findall(r'^\s+(\w+)\s+= "(tradehub-[a-z-]+)"$', secrets_block, re.MULTILINE))
    assert set(secrets) == set(SECRET_VARIABLES)
    assert "secret_data" not in text          # names only: values never pass through Terraform state


def test_functions_get_every_production_setting():
    text = _terraform_text()
    env_block = text.split("function_env = {", 1)[1].split("}", 1)[0]
    names = set(re.findall(r"^\s+(\w+)\s+=", env_block, re.MULTILINE))
    assert {"TRADEHUB_ENV", "GOOGLE_CLOUD_PROJECT", "STORAGE_BUCKET", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID",
            "SCHEDULER_SERVICE_ACCOUNT", "TASKS_SERVICE_ACCOUNT", "SIGNING_SERVICE_ACCOUNT",
            "WEB_APP_ORIGINS"} <= names
    assert 'TRADEHUB_ENV              = "production"' in env_block
    assert not names & set(SECRET_VARIABLES)            # secrets come from Secret Manager, not plain env
    emulator = re.compile(r"EMULATOR_HOST|SENDGRID_API_HOST|TWILIO_API_BASE")
    assert not emulator.search(env_block)


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed on this machine")
def test_terraform_files_are_canonically_formatted():
    result = subprocess.run(["terraform", "fmt", "-check", "-no-color", "-list=true", str(TERRAFORM)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "CHECKPOINT_DISABLE": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_cors_has_one_behaviour_the_applications():
    text = _terraform_text()
    code = re.sub(r"#.*", "", text)
    # The load balancer passes OPTIONS to the functions: it answers no preflight of its own.
    assert "cors_policy" not in code
    assert "security_policy" not in code
    assert re.search(r'WEB_APP_ORIGINS\s+= join\(",", var\.web_origins\)', text)
    # The same origins, validated as production's config validates them (https, no '*').
    variable = text.split('variable "web_origins" {', 1)[1].split("\n}\n", 1)[0]
    assert "validation {" in variable and "^https://" in variable


def test_the_bucket_cors_allows_every_header_of_a_signed_upload():
    from shared.adapters.storage import UPLOAD_SIGNED_HEADERS

    bucket = _terraform_text().split('resource "google_storage_bucket" "documents"', 1)[1].split("\n}\n", 1)[0]
    allowed = re.search(r"response_header\s+=\s+\[([^\]]*)\]", bucket).group(1)
    names = {name.lower() for name in re.findall(r'"([^"]+)"', allowed)}
    assert {header.lower() for header in UPLOAD_SIGNED_HEADERS} <= names
