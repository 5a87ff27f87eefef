"""shared/config.py: loading and checking the settings per environment."""
import pytest

from shared.config import ConfigError, load_settings

SECRETS = {"JWT_SIGNING_KEY": "k" * 40, "SENDGRID_API_KEY": "sg", "TWILIO_AUTH_TOKEN": "tw",
           "JOBS_SHARED_SECRET": "js"}
PRODUCTION = {**SECRETS, "TRADEHUB_ENV": "production", "GOOGLE_CLOUD_PROJECT": "rnrl-prod",
              "STORAGE_BUCKET": "b", "PUBLIC_BASE_URL": "https://api.example", "TWILIO_ACCOUNT_SID": "AC1",
              "WEB_APP_ORIGINS": "https://desk.example"}


def test_production_starts_with_every_secret_and_no_emulator():
    assert load_settings(PRODUCTION).is_production


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_production_refuses_a_missing_secret(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_settings(env)


@pytest.mark.parametrize("variable", ["FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST",
                                      "SENDGRID_API_HOST", "TWILIO_API_BASE"])
def test_production_refuses_an_emulator_variable(variable):
    with pytest.raises(ConfigError, match=variable):
        load_settings({**PRODUCTION, variable: "127.0.0.1:1"})


def test_production_refuses_a_short_signing_key():
    with pytest.raises(ConfigError, match="JWT_SIGNING_KEY"):
        load_settings({**PRODUCTION, "JWT_SIGNING_KEY": "short"})


def test_local_mode_still_needs_its_secrets():
    with pytest.raises(ConfigError, match="missing secret"):
        load_settings({"TRADEHUB_ENV": "local"})


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="TRADEHUB_ENV"):
        load_settings({**SECRETS, "TRADEHUB_ENV": "staging"})


def test_links_go_to_the_web_app_url_when_set_and_to_the_api_otherwise():
    assert load_settings(PRODUCTION).web_app_url == "https://api.example"
    assert load_settings({**PRODUCTION, "WEB_APP_URL": "https://desk.example/"}).web_app_url == "https://desk.example"


def test_production_refuses_to_start_without_web_app_origins():
    env = {k: v for k, v in PRODUCTION.items() if k != "WEB_APP_ORIGINS"}
    with pytest.raises(ConfigError, match="WEB_APP_ORIGINS"):
        load_settings(env)
    with pytest.raises(ConfigError, match="WEB_APP_ORIGINS lists no origin"):
        load_settings({**PRODUCTION, "WEB_APP_ORIGINS": " , "})


@pytest.mark.parametrize("origins", ["*", "https://desk.example,*", "http://desk.example",
                                     "https://desk.example,http://localhost:5173"])
def test_production_refuses_a_wildcard_or_a_plain_http_origin(origins):
    with pytest.raises(ConfigError, match="WEB_APP_ORIGINS"):
        load_settings({**PRODUCTION, "WEB_APP_ORIGINS": origins})


@pytest.mark.parametrize("origin", ["https://desk.example/app", "desk.example", "https://desk.example?x=1",
                                    "ftp://desk.example", "https://user@desk.example"])
def test_an_origin_with_a_path_or_without_a_scheme_is_refused(origin):
    with pytest.raises(ConfigError, match="not an origin"):
        load_settings({**SECRETS, "WEB_APP_ORIGINS": origin})


def test_web_app_origins_are_normalized_and_local_defaults_are_the_dev_servers():
    settings = load_settings({**PRODUCTION, "WEB_APP_ORIGINS": " https://Desk.Example/ ,https://desk.example:8443"})
    assert settings.web_app_origins == ("https://desk.example", "https://desk.example:8443")
    assert load_settings(SECRETS).web_app_origins == (
        "http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:3000", "http://127.0.0.1:3000")
    assert load_settings({**SECRETS, "WEB_APP_ORIGINS": "http://127.0.0.1:18300"}).web_app_origins == (
        "http://127.0.0.1:18300",)
    with pytest.raises(ConfigError, match="'\\*'"):
        load_settings({**SECRETS, "WEB_APP_ORIGINS": "*"})


def test_the_callers_service_accounts_are_settings_like_the_rest():
    assert (load_settings(PRODUCTION).scheduler_service_account, load_settings(PRODUCTION).tasks_service_account) \
        == (None, None)
    configured = load_settings({**PRODUCTION, "SCHEDULER_SERVICE_ACCOUNT": " sched@p.iam.gserviceaccount.com ",
                                "TASKS_SERVICE_ACCOUNT": "tasks@p.iam.gserviceaccount.com"})
    assert configured.scheduler_service_account == "sched@p.iam.gserviceaccount.com"
    assert configured.tasks_service_account == "tasks@p.iam.gserviceaccount.com"


def test_secrets_are_secret_strings_that_never_print():
    secrets = {"JWT_SIGNING_KEY": "signing-" + "k" * 32, "SENDGRID_API_KEY": "SG.sendgrid-secret",
               "TWILIO_AUTH_TOKEN": "twilio-secret", "JOBS_SHARED_SECRET": "jobs-secret"}
    settings = load_settings({**PRODUCTION, **secrets})
    assert settings.jwt_signing_key.get_secret_value() == "signing-" + "k" * 32
    shown = repr(settings) + str(settings) + str(settings.model_dump())
    assert all(value not in shown for value in secrets.values())
    assert "jwt_signing_key=SecretStr('**********')" in shown


def test_blank_variables_count_as_unset_and_values_are_stripped():
    settings = load_settings({**SECRETS, "JWT_SIGNING_KEY": "  padded-key  ", "SENDGRID_API_HOST": "   ",
                              "GOOGLE_CLOUD_PROJECT": " p1 ", "STORAGE_BUCKET": "", "TRUSTED_PROXY_HOPS": " 2 "})
    assert settings.jwt_signing_key.get_secret_value() == "padded-key"
    assert settings.sendgrid_api_host is None
    assert (settings.project_id, settings.storage_bucket, settings.trusted_proxy_hops) == ("p1", "p1-documents", 2)


def test_a_malformed_number_names_its_variable():
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        load_settings({**SECRETS, "TRUSTED_PROXY_HOPS": "two"})


def test_the_emulator_hosts_come_from_the_settings():
    settings = load_settings({**SECRETS, "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080",
                              "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"})
    assert (settings.firestore_emulator_host, settings.firebase_auth_emulator_host) == ("127.0.0.1:8080",
                                                                                         "127.0.0.1:9099")
    assert load_settings(SECRETS).firestore_emulator_host is None


def test_only_the_given_mapping_is_read(monkeypatch):
    monkeypatch.setenv("EMAIL_FROM", "from-the-process@example.com")
    assert load_settings(SECRETS).email_from == "no-reply@tradehub.rnrl.in"
