"""Serve an HTTP function: load its group's router once, then run the pipeline."""
from __future__ import annotations

import importlib
from typing import Any

from shared.http.pipeline import handle
from shared.http.router import Router
from shared.routing import spec

_routers: dict[str, Router] = {}


def router_for(function_name: str) -> Router:
    if function_name not in _routers:
        module = importlib.import_module(f"{spec(function_name).module}.routes")
        _routers[function_name] = module.router
    return _routers[function_name]


def serve(function_name: str, request: Any) -> Any:
    return handle(router_for(function_name), request, spec(function_name).prefixes)
