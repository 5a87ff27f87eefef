"""Configuration from the environment, read once and validated.

`TRADEHUB_ENV` is `local` (make run), `test` (the test suite) or `production` (the cloud). Production
refuses to start when a secret is missing or an emulator variable is set: an emulator variable in the
cloud would, for example, make firebase-admin accept unsigned tokens.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

ENVIRONMENTS = ("local", "test", "production")

# Variables that point a client at an emulator or a capture endpoint: never allowed in production.
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

# The usual dev-server origins (Vite, Create React App / Next.js): allowed by default outside production.
LOCAL_WEB_APP_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:3000",
                         "http://127.0.0.1:3000")
_ORIGIN = re.compile(r"^(https?)://[a-z0-9.-]+(:[0-9]{1,5})?$")


class ConfigError(RuntimeError):
    """The process must not start with this configuration."""


@dataclass(frozen=True)
class Settings:
    env: str
    project_id: str
    jwt_signing_key: str = field(repr=False)
    jobs_shared_secret: str = field(repr=False)
    storage_bucket: str
    public_base_url: str
    web_app_url: str
    region: str
    tasks_queue: str
    sendgrid_api_key: str = field(repr=False)
    sendgrid_api_host: str | None
    email_from: str
    twilio_account_sid: str
    twilio_auth_token: str = field(repr=False)
    twilio_api_base: str | None
    sms_sender_id: str
    sms_dlt_entity_id: str
    tasks_emulator_host: str | None
    storage_emulator_host: str | None
    signing_service_account: str | None
    trusted_proxy_hops: int
    version: str
    web_app_origins: tuple[str, ...] = ()   # browser origins allowed by CORS (shared/http/cors.py)
    # The service accounts whose OIDC tokens the jobs function accepts in the cloud (none: nobody).
    scheduler_service_account: str | None = None
    tasks_service_account: str | None = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def _web_app_origins(value: str, production: bool) -> tuple[str, ...]:
    """WEB_APP_ORIGINS, a comma list of origins (`scheme://host[:port]`, no path). Production needs at
    least one and only https; `*` is refused everywhere (a credentialed API lists its origins)."""
    if not value:
        if production:
            raise ConfigError("missing setting: WEB_APP_ORIGINS (the web client's origins, comma-separated)")
        return LOCAL_WEB_APP_ORIGINS
    origins: list[str] = []
    for entry in (part.strip().lower().rstrip("/") for part in value.split(",")):
        if not entry:
            continue
        if entry == "*":
            raise ConfigError("WEB_APP_ORIGINS must list the origins, not '*'")
        found = _ORIGIN.match(entry)
        if found is None:
            raise ConfigError(f"WEB_APP_ORIGINS: {entry!r} is not an origin like https://desk.example.com")
        if production and found.group(1) != "https":
            raise ConfigError(f"WEB_APP_ORIGINS: {entry!r} must be https in production")
        if entry not in origins:
            origins.append(entry)
    if not origins:
        raise ConfigError("WEB_APP_ORIGINS lists no origin")
    return tuple(origins)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build and validate settings from `environ` (os.environ by default)."""
    env_map = os.environ if environ is None else environ

    def get(name: str, default: str = "") -> str:
        return env_map.get(name, default).strip()

    env = get("TRADEHUB_ENV", "local")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"TRADEHUB_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    missing = [name for name in SECRET_VARIABLES if not get(name)]
    if missing:
        raise ConfigError(f"missing secret(s): {', '.join(missing)}")
    if env == "production":
        present = [name for name in EMULATOR_VARIABLES if get(name)]
        if present:
            raise ConfigError(f"emulator variable(s) set in production: {', '.join(present)}")
        if len(get("JWT_SIGNING_KEY")) < 32:
            raise ConfigError("JWT_SIGNING_KEY must be at least 32 characters in production")
        for name in ("GOOGLE_CLOUD_PROJECT", "STORAGE_BUCKET", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID"):
            if not get(name):
                raise ConfigError(f"missing setting: {name}")
    project = get("GOOGLE_CLOUD_PROJECT", "demo-tradehub")
    return Settings(
        env=env,
        project_id=project,
        jwt_signing_key=get("JWT_SIGNING_KEY"),
        jobs_shared_secret=get("JOBS_SHARED_SECRET"),
        storage_bucket=get("STORAGE_BUCKET", f"{project}-documents"),
        public_base_url=get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        web_app_url=(get("WEB_APP_URL") or get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/"),
        region=get("FUNCTION_REGION", "asia-south1"),
        tasks_queue=get("TASKS_QUEUE", "timers"),
        sendgrid_api_key=get("SENDGRID_API_KEY"),
        sendgrid_api_host=get("SENDGRID_API_HOST") or None,
        email_from=get("EMAIL_FROM", "no-reply@tradehub.rnrl.in"),
        twilio_account_sid=get("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
        twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
        twilio_api_base=get("TWILIO_API_BASE") or None,
        sms_sender_id=get("SMS_SENDER_ID", "RNRLTH"),
        sms_dlt_entity_id=get("SMS_DLT_ENTITY_ID", "1101000000000000000"),
        tasks_emulator_host=get("CLOUD_TASKS_EMULATOR_HOST") or None,
        storage_emulator_host=get("STORAGE_EMULATOR_HOST") or None,
        signing_service_account=get("SIGNING_SERVICE_ACCOUNT") or None,
        trusted_proxy_hops=_int(get("TRUSTED_PROXY_HOPS", "1"), "TRUSTED_PROXY_HOPS"),
        version=get("TRADEHUB_VERSION", "0.1.0"),
        web_app_origins=_web_app_origins(get("WEB_APP_ORIGINS"), env == "production"),
        scheduler_service_account=get("SCHEDULER_SERVICE_ACCOUNT") or None,
        tasks_service_account=get("TASKS_SERVICE_ACCOUNT") or None,
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


def reset_settings_cache() -> None:
    """For tests that change the environment."""
    settings.cache_clear()
