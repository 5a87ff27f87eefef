"""Test session setup: configuration, the emulators (started once per session), clean data per test.

Unit tests need nothing running. Tests that take the `emulators`, `clean_db` or `api` fixtures run
against the real Google emulators through the real client libraries; where the emulators are not
installed they are skipped with that reason.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.capture", "tests.support.browser", "tests.support.tsclient"]

ROOT = Path(__file__).resolve().parents[1]
TEST_PROJECT = "demo-tradehub-test"

# Configuration for every test: fresh random secrets, test mode, nothing pointing at the internet.
os.environ.update({
    "TRADEHUB_ENV": "test",
    "GOOGLE_CLOUD_PROJECT": TEST_PROJECT,
    "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
    "JOBS_SHARED_SECRET": secrets.token_urlsafe(32),
    "SENDGRID_API_KEY": "SG.test-" + secrets.token_urlsafe(16),
    "TWILIO_AUTH_TOKEN": secrets.token_urlsafe(24),
    "STORAGE_BUCKET": f"{TEST_PROJECT}-documents",
    "PUBLIC_BASE_URL": "http://127.0.0.1:1",
})
for variable in ("FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST", "STORAGE_EMULATOR_HOST",
                 "CLOUD_TASKS_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "SENDGRID_API_HOST",
                 "TWILIO_API_BASE"):
    os.environ.pop(variable, None)


def pytest_report_header(config) -> str:
    """One line at the top of every run: whether the emulator tests can run here."""
    from local.emulators import availability

    return availability()


def _reset_clients() -> None:
    from shared import db
    from shared.config import reset_settings_cache
    from shared.events import outbox

    reset_settings_cache()
    db.reset_client()
    outbox.reset_publisher()


@pytest.fixture(scope="session")
def emulators():
    """The emulator processes for the whole session, on free ports."""
    from local.emulators import Emulators, EmulatorsMissing

    stack = Emulators(project=TEST_PROJECT, log_dir=ROOT / ".local" / f"test-emulators-{os.getpid()}")
    try:
        stack.start()
    except EmulatorsMissing as missing:
        pytest.skip(str(missing))
    os.environ.update(stack.env)
    _reset_clients()
    from local.pubsub_setup import ensure_topics

    ensure_topics(TEST_PROJECT)
    try:
        yield stack
    finally:
        stack.stop()
        for name in stack.env:
            os.environ.pop(name, None)
        _reset_clients()


@pytest.fixture
def clean_db(emulators):
    """An empty Firestore and a reset clock for one test."""
    from shared import clock, ratelimit

    emulators.clear_firestore()
    clock.reset()
    ratelimit.reset_local_state()
    yield emulators
    clock.reset()
    ratelimit.reset_local_state()


_gateway = None


@pytest.fixture
def api(clean_db):
    """An HTTP client for the whole API, served in-process by the local gateway (clock can be moved)."""
    global _gateway
    from tests.support.client import ApiClient

    if _gateway is None:
        from local.gateway import create_gateway

        _gateway = create_gateway()
    return ApiClient(_gateway)
