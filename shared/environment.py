"""The environment variables the product reads, and the refusals checked before anything else loads.

Standard library only: `main.py` runs `refuse_to_start` at import, so a production process with a
missing secret or an emulator variable stops before serving, while `import main` stays cheap (the
validated settings, on pydantic-settings, are built on first use: shared/config.py).
"""
from __future__ import annotations

from collections.abc import Mapping

ENVIRONMENTS = ("local", "test", "production")

# Variables that point a client at an emulator or a capture endpoint: never allowed in production (an
# emulator variable in the cloud would, for example, make firebase-admin accept unsigned tokens).
EMULATOR_VARIABLES = (
    "FIRESTORE_EMULATOR_HOST",
    "PUBSUB_EMULATOR_HOST",
    "STORAGE_EMULATOR_HOST",
    "CLOUD_TASKS_EMULATOR_HOST",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "SENDGRID_API_HOST",
    "TWILIO_API_BASE",
)

# Secrets: required in production (from Secret Manager), required locally too (make run writes them).
SECRET_VARIABLES = ("JWT_SIGNING_KEY", "SENDGRID_API_KEY", "TWILIO_AUTH_TOKEN", "JOBS_SHARED_SECRET")


class ConfigError(RuntimeError):
    """The process must not start with this configuration."""


def refuse_to_start(environ: Mapping[str, str]) -> None:
    """Raise ConfigError for an unknown TRADEHUB_ENV, a missing secret, or an emulator variable in
    production. The settings run the same check before they validate the rest."""

    def given(name: str) -> str:
        return environ.get(name, "").strip()

    env = given("TRADEHUB_ENV") or "local"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"TRADEHUB_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    missing = [name for name in SECRET_VARIABLES if not given(name)]
    if missing:
        raise ConfigError(f"missing secret(s): {', '.join(missing)}")
    if env == "production":
        present = [name for name in EMULATOR_VARIABLES if given(name)]
        if present:
            raise ConfigError(f"emulator variable(s) set in production: {', '.join(present)}")
