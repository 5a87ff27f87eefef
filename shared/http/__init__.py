"""The HTTP pipeline every endpoint group uses: routing, parsing, auth hooks, validation, errors."""
from shared.http.request import ApiRequest, ApiResponse
from shared.http.router import Route, Router

__all__ = ["ApiRequest", "ApiResponse", "Route", "Router"]
