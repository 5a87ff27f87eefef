"""What a route handler receives and may return."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shared.auth.principal import Actor

if TYPE_CHECKING:
    from shared.auth.principal import Principal


@dataclass
class ApiRequest:
    method: str
    path: str
    request_id: str
    ip: str
    user_agent: str
    headers: dict[str, str]
    principal: Principal | None = None
    body: Any = None            # the validated pydantic model of the route's body, if any
    query: Any = None           # the validated pydantic model of the route's query, if any
    raw_json: Any = None

    @property
    def if_match(self) -> str | None:
        return self.headers.get("if-match")

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    @property
    def user(self) -> Principal:
        """The authenticated caller; routes declared public must not use this."""
        assert self.principal is not None, "route is public: no principal"
        return self.principal

    @property
    def actor(self) -> Actor:
        """Who is acting, for audit entries: the caller plus where the request came from."""
        principal = self.principal
        return Actor(
            user_id=principal.user_id if principal else None,
            ip=self.ip,
            user_agent=self.user_agent,
            request_id=self.request_id,
            organization_ids=tuple(principal.organization_ids) if principal else (),
        )


@dataclass
class ApiResponse:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
