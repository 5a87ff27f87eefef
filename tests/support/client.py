"""An in-process HTTP client for the gateway with JSON helpers."""
from __future__ import annotations

from typing import Any

from werkzeug.test import Client


class ApiClient:
    def __init__(self, wsgi_app: Any) -> None:
        self.client = Client(wsgi_app)

    def request(self, method: str, path: str, *, json: Any = None, token: str | None = None,
                headers: dict[str, str] | None = None, **kwargs: Any):
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, json=json, headers=all_headers, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any):
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.request("DELETE", path, **kwargs)
