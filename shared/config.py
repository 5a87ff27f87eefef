"""Configuration from the environment, validated once on first use (pydantic-settings).

`TRADEHUB_ENV` is `local` (make run), `test` (the test suite) or `production` (the cloud). Production
refuses to start when a secret is missing or an emulator variable is set (shared/environment.py, which
`main.py` runs at import); the rest is validated here, when `settings()` is first called. Secrets are
`SecretStr`: they print as `**********` and are read with `.get_secret_value()` where they are used.

pydantic-settings costs about a tenth of a second to import: nothing imports this module while `import
main` runs, only the code that serves a request.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

from shared.environment import EMULATOR_VARIABLES, ENVIRONMENTS, SECRET_VARIABLES, ConfigError, refuse_to_start

__all__ = ["EMULATOR_VARIABLES", "ENVIRONMENTS", "SECRET_VARIABLES", "ConfigError", "Settings", "load_settings",
           "reset_settings_cache", "settings"]

# The usual dev-server origins (Vite, Create React App / Next.js): allowed by default outside production.
LOCAL_WEB_APP_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:3000",
                         "http://127.0.0.1:3000")
_ORIGIN = re.compile(r"^(https?)://[a-z0-9.-]+(:[0-9]{1,5})?$")
# Settings production cannot do without (their defaults are the local ones).
PRODUCTION_REQUIRED = ("GOOGLE_CLOUD_PROJECT", "STORAGE_BUCKET", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID")


def _setting(default: Any, variable: str) -> Any:
    return Field(default, validation_alias=variable)


class Settings(BaseSettings):
    """One process's configuration; each field is read from the environment variable it names."""

    model_config = SettingsConfigDict(frozen=True, case_sensitive=True, env_ignore_empty=True,
                                      str_strip_whitespace=True, extra="ignore")

    env: Literal["local", "test", "production"] = _setting("local", "TRADEHUB_ENV")
    project_id: str = _setting("demo-tradehub", "GOOGLE_CLOUD_PROJECT")
    jwt_signing_key: SecretStr = _setting(..., "JWT_SIGNING_KEY")
    jobs_shared_secret: SecretStr = _setting(..., "JOBS_SHARED_SECRET")
    storage_bucket: str = _setting("demo-tradehub-documents", "STORAGE_BUCKET")   # <project>-documents
    public_base_url: str = _setting("http://127.0.0.1:8000", "PUBLIC_BASE_URL")
    web_app_url: str = _setting("http://127.0.0.1:8000", "WEB_APP_URL")   # default: PUBLIC_BASE_URL
    region: str = _setting("asia-south1", "FUNCTION_REGION")
    tasks_queue: str = _setting("timers", "TASKS_QUEUE")
    sendgrid_api_key: SecretStr = _setting(..., "SENDGRID_API_KEY")
    sendgrid_api_host: str | None = _setting(None, "SENDGRID_API_HOST")
    email_from: str = _setting("no-reply@tradehub.rnrl.in", "EMAIL_FROM")
    twilio_account_sid: str = _setting("AC00000000000000000000000000000000", "TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr = _setting(..., "TWILIO_AUTH_TOKEN")
    twilio_api_base: str | None = _setting(None, "TWILIO_API_BASE")
    sms_sender_id: str = _setting("RNRLTH", "SMS_SENDER_ID")
    sms_dlt_entity_id: str = _setting("1101000000000000000", "SMS_DLT_ENTITY_ID")
    firestore_emulator_host: str | None = _setting(None, "FIRESTORE_EMULATOR_HOST")
    firebase_auth_emulator_host: str | None = _setting(None, "FIREBASE_AUTH_EMULATOR_HOST")
    tasks_emulator_host: str | None = _setting(None, "CLOUD_TASKS_EMULATOR_HOST")
    storage_emulator_host: str | None = _setting(None, "STORAGE_EMULATOR_HOST")
    signing_service_account: str | None = _setting(None, "SIGNING_SERVICE_ACCOUNT")
    trusted_proxy_hops: int = _setting(1, "TRUSTED_PROXY_HOPS")
    version: str = _setting("0.1.0", "TRADEHUB_VERSION")
    # Browser origins allowed by CORS (shared/http/cors.py), a comma list in WEB_APP_ORIGINS.
    web_app_origins: Annotated[tuple[str, ...], NoDecode] = _setting(LOCAL_WEB_APP_ORIGINS, "WEB_APP_ORIGINS")
    # The service accounts whose OIDC tokens the jobs function accepts in the cloud (none: nobody).
    scheduler_service_account: str | None = _setting(None, "SCHEDULER_SERVICE_ACCOUNT")
    tasks_service_account: str | None = _setting(None, "TASKS_SERVICE_ACCOUNT")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        # Only what load_settings passes (read from one mapping): no .env file, no secrets directory.
        return (init_settings,)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @field_validator("web_app_origins", mode="before")
    @classmethod
    def _origins_list(cls, value: Any) -> Any:
        """WEB_APP_ORIGINS, a comma list of origins (`scheme://host[:port]`, no path); `*` is refused
        everywhere (a credentialed API lists its origins)."""
        if not isinstance(value, str):
            return value
        origins: list[str] = []
        for entry in (part.strip().lower().rstrip("/") for part in value.split(",")):
            if not entry:
                continue
            if entry == "*":
                raise ValueError("WEB_APP_ORIGINS must list the origins, not '*'")
            if _ORIGIN.match(entry) is None:
                raise ValueError(f"WEB_APP_ORIGINS: {entry!r} is not an origin like https://desk.example.com")
            if entry not in origins:
                origins.append(entry)
        if not origins:
            raise ValueError("WEB_APP_ORIGINS lists no origin")
        return tuple(origins)

    @model_validator(mode="before")
    @classmethod
    def _present_values_and_defaults(cls, data: Any) -> Any:
        """Blank variables count as unset; the defaults that depend on other variables; the settings
        production cannot do without (their defaults are the local ones)."""
        if not isinstance(data, dict):
            return data
        values = {name: value.strip() if isinstance(value, str) else value for name, value in data.items()
                  if not isinstance(value, str) or value.strip()}
        production = values.get("TRADEHUB_ENV") == "production"
        for name in PRODUCTION_REQUIRED if production else ():
            if name not in values:
                raise ValueError(f"missing setting: {name}")
        if production and "WEB_APP_ORIGINS" not in values:
            raise ValueError("missing setting: WEB_APP_ORIGINS (the web client's origins, comma-separated)")
        values.setdefault("STORAGE_BUCKET", f"{values.get('GOOGLE_CLOUD_PROJECT', 'demo-tradehub')}-documents")
        if "PUBLIC_BASE_URL" in values:
            values.setdefault("WEB_APP_URL", values["PUBLIC_BASE_URL"])
        return values

    @field_validator("public_base_url", "web_app_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_rules(self) -> Settings:
        if self.is_production:
            if len(self.jwt_signing_key.get_secret_value()) < 32:
                raise ValueError("JWT_SIGNING_KEY must be at least 32 characters in production")
            plain = [origin for origin in self.web_app_origins if not origin.startswith("https://")]
            if plain:
                raise ValueError(f"WEB_APP_ORIGINS: {plain[0]!r} must be https in production")
        return self


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping (os.environ in a process, a dict in
    the tests), so the tests exercise the same parsing as the cloud."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


def _message(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    variable = ".".join(str(part) for part in first["loc"])
    text = first["msg"].removeprefix("Value error, ")
    return text if not variable or variable in text else f"{variable}: {text}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build and validate settings from `environ` (os.environ by default); ConfigError if invalid."""
    env_map = os.environ if environ is None else environ
    refuse_to_start(env_map)
    try:
        return Settings(**_MappingSource(Settings, env_map)())
    except ValidationError as error:
        raise ConfigError(_message(error)) from None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process's settings, built on the first call."""
    return load_settings()


def reset_settings_cache() -> None:
    """For tests that change the environment."""
    settings.cache_clear()
