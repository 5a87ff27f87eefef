"""ETag and If-Match for mutable resources: the ETag is the document's integer `version`."""
from __future__ import annotations

from shared.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"v{int(version)}"'


def check_if_match(if_match: str | None, current_version: int) -> None:
    """Raise 412 when the client sent If-Match and it is not the current version (call inside the txn).

    Strong comparison (RFC 9110 §13.1.1): a weak tag `W/"v3"` never matches."""
    if if_match is None:
        return
    wanted = {tag.strip() for tag in if_match.split(",")}
    if "*" in wanted or etag(current_version) in wanted:
        return
    raise PreconditionFailed("STALE_VERSION", "The resource changed since you read it; reload and retry",
                             {"currentETag": etag(current_version)})
