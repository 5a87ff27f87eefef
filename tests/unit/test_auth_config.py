"""Production safety of identity: no start without a signing key or with the Auth emulator; no demo seed."""
from __future__ import annotations

import pytest

from shared.config import ConfigError, load_settings

PRODUCTION = {
    "TRADEHUB_ENV": "production",
    "JWT_SIGNING_KEY": "k" * 48,
    "SENDGRID_API_KEY": "SG.x",
    "TWILIO_AUTH_TOKEN": "t",
    "JOBS_SHARED_SECRET": "j",
    "GOOGLE_CLOUD_PROJECT": "rnrl-tradehub",
    "STORAGE_BUCKET": "rnrl-docs",
    "PUBLIC_BASE_URL": "https://tradehub.rnrl.in",
    "TWILIO_ACCOUNT_SID": "AC1",
    "WEB_APP_ORIGINS": "https://desk.rnrl.in",
}


def test_production_config_with_every_secret_loads():
    assert load_settings(PRODUCTION).is_production


@pytest.mark.parametrize("key", ["", "short-key"])
def test_production_refuses_a_missing_or_weak_signing_key(key):
    with pytest.raises(ConfigError, match="JWT_SIGNING_KEY"):
        load_settings({**PRODUCTION, "JWT_SIGNING_KEY": key})


def test_production_refuses_the_firebase_auth_emulator():
    with pytest.raises(ConfigError, match="FIREBASE_AUTH_EMULATOR_HOST"):
        load_settings({**PRODUCTION, "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"})


def test_demo_seeding_refuses_production(monkeypatch):
    from functions.auth import seed

    monkeypatch.setattr(seed, "settings", lambda: load_settings(PRODUCTION))
    with pytest.raises(seed.SeedRefused):
        seed.seed_identity(["org-a"], None)

