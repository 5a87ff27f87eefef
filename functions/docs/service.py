"""The OpenAPI document (built once per process) and the Swagger UI page and assets."""
from __future__ import annotations

import json
from functools import lru_cache

from shared.errors import NotFound
from shared.openapi import build_document

# The files the page loads, and nothing else (no path from the URL ever reaches the file system).
ASSETS: dict[str, str] = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "index.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}


@lru_cache(maxsize=1)
def document_json() -> bytes:
    return json.dumps(build_document(), ensure_ascii=False, separators=(",", ":")).encode()


@lru_cache(maxsize=4)
def docs_page(document_url: str, assets_url: str) -> str:
    """The package's own page template, pointed at our document, with absolute asset links."""
    from jinja2 import Template
    from swagger_ui_bundle import swagger_ui_path

    template = Template((swagger_ui_path / "index.j2").read_text(encoding="utf-8"))
    html = template.render(openapi_spec_url=document_url)
    # The template links "./swagger-ui.css" etc.; the page is served at /api/docs (no trailing
    # slash), where "./" would mean /api/, so the links are made absolute.
    for name in ASSETS:
        html = html.replace(f'"./{name}"', f'"{assets_url}/{name}"')
    return html.replace("<title>Swagger UI</title>", "<title>RNRL TradeHub API</title>")


@lru_cache(maxsize=len(ASSETS))
def _asset_bytes(name: str) -> bytes:
    from swagger_ui_bundle import swagger_ui_path

    return (swagger_ui_path / name).read_bytes()


def asset(name: str) -> tuple[bytes, str]:
    """(bytes, content type) of a whitelisted asset; 404 for any other name."""
    if name not in ASSETS:
        raise NotFound("ASSET_NOT_FOUND", f"No documentation asset named {name}")
    return _asset_bytes(name), ASSETS[name]
