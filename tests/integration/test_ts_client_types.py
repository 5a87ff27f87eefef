"""The TypeScript client's generated types (clients/typescript/src/generated) are what openapi-typescript
makes of the live OpenAPI document: a route or schema change without `npm run generate` fails here.

Regenerate with: make client-types
"""
from __future__ import annotations

import json
import subprocess

from tests.support.tsclient import CLIENT, ensure_client_packages

GENERATED = CLIENT / "src" / "generated"


def generate(document: dict, tmp_path) -> dict[str, str]:
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(document))
    out = tmp_path / "generated"
    done = subprocess.run(["node", "scripts/generate.mjs", str(source), str(out)], cwd=CLIENT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return {path.name: path.read_text() for path in sorted(out.iterdir())}


def test_the_checked_in_types_match_the_live_openapi_document(api, tmp_path):
    ensure_client_packages()
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    made = generate(response.get_json(), tmp_path)
    assert set(made) == {"schema.ts", "operations.ts"}
    for name, text in made.items():
        checked_in = (GENERATED / name).read_text()
        assert checked_in == text, f"clients/typescript/src/generated/{name} is stale: run `make client-types`"

