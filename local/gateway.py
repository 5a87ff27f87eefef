"""The local gateway: every function of shared/routing.py behind one port, like the cloud front door.

- `/api/...` goes to the HTTP function that owns the prefix (the path is passed on unchanged);
- `/jobs/<name>` goes to the `jobs` function (the local scheduler calls it);
- `/_events/<function>` receives Pub/Sub push deliveries for the CloudEvent functions;
- `/dev/...` serves local-only developer pages (never deployed).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.routing import EVENT_FUNCTIONS, HTTP_FUNCTIONS, SCHEDULER_FUNCTIONS, function_for_path

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "main.py")


def _not_found(start_response: Any, path: str) -> list[bytes]:
    body = json.dumps({"code": "ROUTE_NOT_FOUND", "message": f"No function serves {path}", "details": {}}).encode()
    start_response("404 Not Found", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def create_gateway() -> Any:
    import functions_framework

    http_apps = {spec.name: functions_framework.create_app(target=spec.name, source=MAIN, signature_type="http")
                 for spec in HTTP_FUNCTIONS + SCHEDULER_FUNCTIONS}
    event_apps = {spec.name: functions_framework.create_app(target=spec.name, source=MAIN,
                                                           signature_type="cloudevent")
                  for spec in EVENT_FUNCTIONS}

    def gateway(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "/")
        if path.startswith("/_events/"):
            name = path.removeprefix("/_events/").strip("/")
            if name in event_apps:
                environ = {**environ, "PATH_INFO": "/"}
                return event_apps[name](environ, start_response)
            return _not_found(start_response, path)
        if path.startswith("/dev/"):
            from local.devpages import serve_dev_page

            return serve_dev_page(environ, start_response)
        spec = function_for_path(path)
        if spec is None:
            return _not_found(start_response, path)
        return http_apps[spec.name](environ, start_response)

    return gateway
