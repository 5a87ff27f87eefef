"""Who is calling: the authenticated principal and the actor recorded in audit entries."""
from __future__ import annotations

from dataclasses import dataclass, field

BACK_OFFICE, PARTNER = "back_office", "partner"


@dataclass(frozen=True)
class Principal:
    user_id: str
    session_id: str
    kind: str                                   # BACK_OFFICE or PARTNER
    role: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    partner_id: str | None = None
    organization_ids: tuple[str, ...] = ()
    restricted: bool = False                    # may only change its password
    branch_ids: tuple[str, ...] = ()            # a partner sub-user's branch access (empty: all branches)

    def has(self, permission: str) -> bool:
        """`module:action`; a grant of `module:*` or `*` covers every action.

        `a:x|b:y` asks for either permission: routes shared by back-office and partner users (for
        example `partners:read|self:profile`) whose services then check the row scope.
        """
        if not permission:
            return False
        if "|" in permission:
            return any(self.has(option) for option in permission.split("|") if option)
        module = permission.split(":", 1)[0]
        return bool({permission, f"{module}:*", "*"} & self.permissions)

    @property
    def is_back_office(self) -> bool:
        return self.kind == BACK_OFFICE


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
    # The acting user's organizations: the audit entries of its changes belong to them (shared/audit.py).
    organization_ids: tuple[str, ...] = ()


SYSTEM = Actor(user_id="system")
