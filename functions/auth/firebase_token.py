"""Firebase custom tokens for the web client's realtime listeners (DESIGN.md §8).

Where the signature comes from:
- production: the runtime service account, through IAM signBlob (`SIGNING_SERVICE_ACCOUNT`, else the
  metadata server's account); no key file anywhere;
- `FIREBASE_AUTH_EMULATOR_HOST` set (local only; config refuses it in production): firebase-admin
  makes the unsigned tokens the Auth emulator accepts;
- otherwise (tests, local without the Auth emulator): a service-account key generated in memory for
  this process, so tokens are really signed without any network or key file.

firebase_admin is imported here only, on the first sign-in.
"""
from __future__ import annotations

import threading
from typing import Any

from shared.config import settings

APP_NAME = "tradehub-auth"
_app: Any = None
_lock = threading.Lock()


def _local_certificate(project_id: str) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from firebase_admin import credentials

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return credentials.Certificate({
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": "local-process-key",
        "private_key": pem,
        "client_email": f"local-signer@{project_id}.iam.gserviceaccount.com",
        "client_id": "0",
        "token_uri": "https://oauth2.googleapis.com/token",
    })


class _EmulatorCredential:
    """Anonymous credentials for firebase-admin against the Auth emulator (no ADC lookup)."""

    def get_credential(self) -> Any:
        import google.auth.credentials

        return google.auth.credentials.AnonymousCredentials()


def app() -> Any:
    global _app
    import firebase_admin
    from firebase_admin import credentials

    config = settings()
    with _lock:
        if _app is not None:
            return _app
        options: dict[str, Any] = {"projectId": config.project_id}
        if config.is_production:    # the settings refuse FIREBASE_AUTH_EMULATOR_HOST in production
            if config.signing_service_account:
                options["serviceAccountId"] = config.signing_service_account
            _app = firebase_admin.initialize_app(credentials.ApplicationDefault(), options, name=APP_NAME)
        elif config.firebase_auth_emulator_host:
            emulator = type("EmulatorCredential", (_EmulatorCredential, credentials.Base), {})()
            _app = firebase_admin.initialize_app(emulator, options, name=APP_NAME)
        else:
            _app = firebase_admin.initialize_app(_local_certificate(config.project_id), options, name=APP_NAME)
        return _app


def create_custom_token(uid: str, claims: dict[str, Any]) -> str:
    from firebase_admin import auth

    token = auth.create_custom_token(uid, claims, app=app())
    return token.decode() if isinstance(token, bytes) else token


def reset() -> None:
    """Forget the app (tests that switch configuration)."""
    global _app
    import firebase_admin

    with _lock:
        if _app is not None:
            firebase_admin.delete_app(_app)
            _app = None
