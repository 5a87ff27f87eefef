"""Cloud Storage: the private documents bucket, V4 signed URLs for direct uploads and downloads.

The bucket is never public (uniform bucket-level access, public access prevention: infra) and nothing
here grants access to anyone: clients read and write only through short-lived signed URLs.

Signing: in the cloud the function's runtime service account has no private key, so the URL is signed
by IAM `signBlob` (`service_account_email` + an access token; the account needs the Service Account
Token Creator role on itself). Locally the emulator does not check signatures, so a throwaway RSA key
generated once per process is wrapped as service-account credentials (no network) and the URL points
at the emulator.
"""
from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.adapters.lazy import LazyClient
from shared.config import settings
from shared.files import HEAD_BYTES, TAIL_BYTES, Kind, is_zip, sniff

UPLOAD_EXPIRY = timedelta(minutes=15)
DOWNLOAD_EXPIRY = timedelta(minutes=5)
MAX_EXPIRY = timedelta(days=7)  # the V4 limit

_clients = LazyClient()
_lock = threading.Lock()          # the signing credentials below
_local_signer: Any = None
_runtime_credentials: Any = None


@dataclass(frozen=True)
class ObjectInfo:
    exists: bool
    size: int = 0
    content_type: str | None = None
    head_bytes: bytes = b""       # the first 8 KiB (all of a smaller object)
    kind: Kind | None = None      # what the bytes are (shared.files.sniff), whatever the declared type
    generation: int | None = None


def client() -> Any:
    """The Storage client, created on first use (anonymous against the emulator)."""
    config = settings()

    def build() -> Any:
        from google.cloud import storage

        return storage.Client(project=config.project_id)

    return _clients.get((config.project_id, config.storage_emulator_host), build)


def reset_client() -> None:
    _clients.reset()


def bucket() -> Any:
    return client().bucket(settings().storage_bucket)


def _check_name(object_name: str) -> str:
    name = object_name or ""
    if (not name or name.startswith("/") or len(name.encode()) > 1024 or ".." in name.split("/")
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)):
        raise ValueError("invalid object name")
    return name


def _check_expiry(expires: timedelta) -> timedelta:
    if not timedelta(seconds=1) <= expires <= MAX_EXPIRY:
        raise ValueError("a signed URL must expire between 1 second and 7 days from now")
    return expires


def _local_signing_credentials() -> Any:
    """Service-account credentials around a key made for this process: enough for the emulator."""
    global _local_signer
    with _lock:
        if _local_signer is None:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa
            from google.oauth2 import service_account

            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
            project = settings().project_id
            _local_signer = service_account.Credentials.from_service_account_info({
                "type": "service_account",
                "project_id": project,
                "private_key_id": "local",
                "private_key": pem,
                "client_email": f"local-signer@{project}.iam.gserviceaccount.com",
                "token_uri": "https://oauth2.googleapis.com/token",
            })
        return _local_signer


def _signing_arguments() -> dict[str, Any]:
    """Keyword arguments for `generate_signed_url` that select the signer and the endpoint."""
    global _runtime_credentials

    config = settings()
    if config.storage_emulator_host:
        return {"credentials": _local_signing_credentials(), "api_access_endpoint": config.storage_emulator_host}
    import google.auth
    from google.auth.transport.requests import Request

    with _lock:
        if _runtime_credentials is None:
            _runtime_credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
        if not _runtime_credentials.valid:
            _runtime_credentials.refresh(Request())
        email = config.signing_service_account or getattr(_runtime_credentials, "service_account_email", None)
        token = _runtime_credentials.token
    if not email or email == "default":
        raise RuntimeError("no service account to sign URLs with: set SIGNING_SERVICE_ACCOUNT")
    return {"service_account_email": email, "access_token": token}


# The headers a signed upload must carry; a browser sends them cross-origin, so the bucket's CORS
# (infra/terraform/storage.tf) must allow each one.
UPLOAD_SIGNED_HEADERS = ("Content-Type", "x-goog-content-length-range")


def signed_upload_url(object_name: str, content_type: str, max_bytes: int,
                      expires: timedelta = UPLOAD_EXPIRY) -> dict[str, Any]:
    """A V4 signed PUT URL for one object; the client must send exactly `headers` with the upload.

    The content type and the size range are signed headers, so Cloud Storage refuses an upload with
    another type or more than `max_bytes` bytes.
    """
    if not content_type or any(ch in content_type for ch in "\r\n"):
        raise ValueError("invalid content type")
    if int(max_bytes) < 1:
        raise ValueError("max_bytes must be positive")
    headers = dict(zip(UPLOAD_SIGNED_HEADERS, (content_type, f"0,{int(max_bytes)}"), strict=True))
    url = bucket().blob(_check_name(object_name)).generate_signed_url(
        version="v4", method="PUT", expiration=_check_expiry(expires), headers=dict(headers), **_signing_arguments())
    return {"url": url, "method": "PUT", "headers": headers}


def _attachment(filename: str) -> str:
    """A Content-Disposition value safe for any file name (RFC 6266 with an RFC 5987 UTF-8 form)."""
    cleaned = "".join(ch for ch in filename if ord(ch) >= 32 and ch not in '"\\/').strip() or "download"
    ascii_name = cleaned.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(cleaned, safe='')}"


def signed_download_url(object_name: str, expires: timedelta = DOWNLOAD_EXPIRY, filename: str | None = None) -> str:
    """A V4 signed GET URL; with `filename` the browser saves it under that name."""
    return bucket().blob(_check_name(object_name)).generate_signed_url(
        version="v4", method="GET", expiration=_check_expiry(expires),
        response_disposition=_attachment(filename) if filename else None, **_signing_arguments())


def inspect(object_name: str) -> ObjectInfo:
    """Size, declared type and the real kind of an uploaded object (reads at most ~136 KiB of it)."""
    blob = bucket().get_blob(_check_name(object_name))
    if blob is None:
        return ObjectInfo(exists=False)
    size = int(blob.size or 0)
    head = blob.download_as_bytes(start=0, end=min(size, HEAD_BYTES) - 1, checksum=None) if size else b""
    tail = b""
    if is_zip(head) and size > len(head):
        # Office files are ZIPs: their central directory (entry names) is at the end.
        tail = blob.download_as_bytes(start=max(len(head), size - TAIL_BYTES), end=size - 1, checksum=None)
    return ObjectInfo(exists=True, size=size, content_type=blob.content_type, head_bytes=head,
                      kind=sniff(head, tail), generation=blob.generation)


def delete(object_name: str) -> bool:
    """Delete an object; False when it was not there."""
    from google.api_core.exceptions import NotFound

    try:
        bucket().blob(_check_name(object_name)).delete()
    except NotFound:
        return False
    return True


def upload_bytes(object_name: str, data: bytes, content_type: str) -> None:
    """Write an object the backend itself produces (e.g. a generated contract PDF)."""
    bucket().blob(_check_name(object_name)).upload_from_string(data, content_type=content_type)


def ensure_bucket() -> bool:
    """Create the bucket on the emulator if missing (True if created). In the cloud Terraform owns it."""
    config = settings()
    if not config.storage_emulator_host:
        return False
    if client().lookup_bucket(config.storage_bucket) is not None:
        return False
    from google.api_core.exceptions import Conflict

    try:
        client().create_bucket(config.storage_bucket)
    except Conflict:
        return False
    return True
