"""Sessions and access tokens for tests of groups other than `auth` (real session documents)."""
from __future__ import annotations

import uuid

from shared import clock
from shared.auth.principal import BACK_OFFICE, Principal
from shared.auth.tokens import issue_access_token


def token_for(permissions: set[str] | frozenset[str], *, kind: str = BACK_OFFICE, role: str = "TEST",
              user_id: str | None = None, partner_id: str | None = None,
              organization_ids: tuple[str, ...] = ()) -> tuple[str, Principal]:
    """Create a live session for a (possibly made-up) user and return (access token, principal)."""
    from shared.auth.guard import SESSIONS
    from shared.db import collection

    principal = Principal(
        user_id=user_id or f"user-{uuid.uuid4().hex[:8]}",
        session_id=uuid.uuid4().hex,
        kind=kind,
        role=role,
        permissions=frozenset(permissions),
        partner_id=partner_id,
        organization_ids=organization_ids,
    )
    moment = clock.now()
    collection(SESSIONS).document(principal.session_id).set({
        "userId": principal.user_id, "createdAt": moment, "lastActivityAt": moment, "revokedAt": None,
        "expiresAt": moment,
    })
    token, _ = issue_access_token(principal)
    return token, principal
