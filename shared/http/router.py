"""Route declarations: each route names its method, path, permission and pydantic shapes.

Paths use OpenAPI syntax (`/api/commodities/{commodityId}`); the same declarations drive request
handling and the OpenAPI document, so the two cannot drift apart.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Callable[..., Any]
    permission: str | None = None        # "module:action"; None only together with public=True
    public: bool = False                 # no access token (login, health, docs, ...)
    # A public route's own credential, for the OpenAPI document: the name of a security scheme of
    # shared/openapi.py (SECURITY_SCHEMES) the handler checks instead of the access token.
    credential: str | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None                 # a pydantic model (or list[...]) for the OpenAPI document
    status: int = 200
    idempotent: bool = False             # creating POST that honours Idempotency-Key
    rate_limit: str = "api"              # the rate-limit policy (shared/ratelimit.py)
    allow_restricted: bool = False       # callable with a password-change-only token
    summary: str = ""
    tags: tuple[str, ...] = ()
    # Answers this route gives beyond what the pipeline's behaviour implies, for the OpenAPI document:
    # status -> the codes (e.g. {423: ("ACCOUNT_LOCKED",)}); shared/openapi.py adds the generic ones.
    errors: dict[int, tuple[str, ...]] | None = None
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.public and not self.permission:
            raise ValueError(f"{self.method} {self.path}: a non-public route must declare a permission")
        if self.credential and not self.public:
            raise ValueError(f"{self.method} {self.path}: only a public route names its own credential")
        regex = "^" + _PARAM.sub(r"(?P<\1>[^/]+)", re.escape(self.path).replace(r"\{", "{").replace(r"\}", "}")) + "$"
        object.__setattr__(self, "pattern", re.compile(regex))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.match(path)
        return found.groupdict() if found else None


class Router:
    """The routes of one Cloud Function."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.routes: list[Route] = []

    def route(self, method: str, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            summary = options.pop("summary", None) or (handler.__doc__ or "").strip().split("\n")[0]
            self.routes.append(Route(method.upper(), path, handler, summary=summary, **options))
            return handler

        return register

    def get(self, path: str, **options: Any):
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any):
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any):
        return self.route("PUT", path, **options)

    def patch(self, path: str, **options: Any):
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any):
        return self.route("DELETE", path, **options)

    def resolve(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, path params, path_known): path_known is True when only the method did not match."""
        path_known = False
        # Literal segments win over parameters: /api/users/me before /api/users/{id}.
        for route in sorted(self.routes, key=lambda r: r.path.count("{")):
            params = route.match(path)
            if params is None:
                continue
            path_known = True
            if route.method == method:
                return route, params, True
        return None, {}, path_known

    def allowed_methods(self, path: str) -> list[str]:
        """The methods some route serves on `path` (for a 405's `Allow` header), sorted."""
        return sorted({route.method for route in self.routes if route.match(path) is not None})
