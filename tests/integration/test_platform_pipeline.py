"""The request pipeline against the real Firestore emulator, through a small sample router."""
from __future__ import annotations

import json

import pytest

from shared.http.pipeline import MAX_BODY_BYTES
from tests.support.identity import token_for
from tests.support.sample_router import THINGS


@pytest.fixture
def token(clean_db):
    return token_for({"sample:write"})[0]


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_malformed_json_is_400(sample_client, token):
    response = sample_client.post("/api/sample/things", data="{not json", content_type="application/json",
                           headers=auth(token))
    assert response.status_code == 400
    assert response.get_json()["code"] == "MALFORMED_JSON"


def test_wrong_content_type_is_415(sample_client, token):
    response = sample_client.post("/api/sample/things", data="name=x", content_type="application/x-www-form-urlencoded",
                           headers=auth(token))
    assert response.status_code == 415
    assert response.get_json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_oversized_body_is_413(sample_client, token):
    body = json.dumps({"name": "x" * (MAX_BODY_BYTES + 10), "quantityKg": 1})
    response = sample_client.post("/api/sample/things", data=body, content_type="application/json", headers=auth(token))
    assert response.status_code == 413
    assert response.get_json()["code"] == "PAYLOAD_TOO_LARGE"


def test_unknown_and_invalid_fields_are_422_with_field_errors(sample_client, token):
    response = sample_client.post("/api/sample/things", json={"name": "", "quantityKg": -1, "colour": "red"},
                           headers=auth(token))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "VALIDATION_FAILED"
    fields = {entry["field"]: entry["type"] for entry in body["details"]["fields"]}
    assert fields == {"name": "string_too_short", "quantityKg": "greater_than_equal", "colour": "extra_forbidden"}


def test_missing_token_is_401_and_missing_permission_is_403(sample_client, clean_db):
    anonymous = sample_client.post("/api/sample/things", json={"name": "a", "quantityKg": 1})
    assert anonymous.get_json()["code"] == "MISSING_TOKEN"
    reader = token_for({"sample:read"})[0]
    response = sample_client.post("/api/sample/things", json={"name": "a", "quantityKg": 1}, headers=auth(reader))
    assert response.status_code == 403
    assert response.get_json()["details"] == {"permission": "sample:write"}


def test_created_resource_is_camel_case_with_etag_and_audit(sample_client, token):
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    response = sample_client.post("/api/sample/things", json={"name": "Lint", "quantityKg": 170}, headers=auth(token))
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "name": "Lint", "quantityKg": 170, "version": 1}
    assert response.headers["ETag"] == '"v1"'
    entries = collection("auditLog").where(filter=FieldFilter("entityId", "==", body["id"])).stream()
    audit = [doc.to_dict() for doc in entries]
    assert len(audit) == 1 and audit[0]["action"] == "create"
    assert audit[0]["changes"]["name"] == {"before": None, "after": "Lint"}


def test_error_inside_the_transaction_leaves_no_write_no_audit_no_event(sample_client, token):
    from shared.db import collection

    collection(THINGS).document("guard").set({"name": "first"})
    response = sample_client.post("/api/sample/explode", json={"name": "x", "quantityKg": 1}, headers=auth(token))
    # The commit failed (the guard exists), after the thing, audit entry and event were all in it.
    assert response.status_code == 409 and response.get_json()["code"] == "ALREADY_EXISTS"
    assert "Traceback" not in response.get_data(as_text=True)
    assert not collection(THINGS).document("exploded").get().exists
    assert collection(THINGS).document("guard").get().to_dict() == {"name": "first"}
    assert list(collection("auditLog").stream()) == []
    assert list(collection("outbox").stream()) == []


def test_idempotency_key_replays_the_first_response_and_writes_nothing(sample_client, token):
    from shared.db import collection

    headers = {**auth(token), "Idempotency-Key": "create-lint-1"}
    first = sample_client.post("/api/sample/things", json={"name": "Lint", "quantityKg": 170}, headers=headers)
    second = sample_client.post("/api/sample/things", json={"name": "Lint", "quantityKg": 170}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(list(collection(THINGS).stream())) == 1
    assert len(list(collection("outbox").stream())) == 1
    different = sample_client.post("/api/sample/things", json={"name": "Other", "quantityKg": 1}, headers=headers)
    assert different.status_code == 422
    assert different.get_json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_if_match_with_a_stale_etag_is_412_and_changes_nothing(sample_client, token):
    from shared.db import collection

    created = sample_client.post("/api/sample/things", json={"name": "Lint", "quantityKg": 170}, headers=auth(token))
    thing_id = created.get_json()["id"]
    updated = sample_client.put(f"/api/sample/things/{thing_id}", json={"name": "Lint", "quantityKg": 340},
                         headers={**auth(token), "If-Match": '"v1"'})
    assert updated.status_code == 200 and updated.headers["ETag"] == '"v2"'
    stale = sample_client.put(f"/api/sample/things/{thing_id}", json={"name": "Kapas", "quantityKg": 1},
                       headers={**auth(token), "If-Match": '"v1"'})
    assert stale.status_code == 412
    assert stale.get_json()["details"]["currentETag"] == '"v2"'
    assert collection(THINGS).document(thing_id).get().to_dict()["quantityKg"] == 340


def test_unreachable_dependency_is_503_with_retry_after(sample_client, token):
    response = sample_client.get("/api/sample/unavailable", headers=auth(token))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["code"] == "DEPENDENCY_UNAVAILABLE"


def test_wrong_method_is_405_and_public_route_needs_no_token(sample_client):
    assert sample_client.delete("/api/sample/public").status_code == 405
    response = sample_client.get("/api/sample/public")
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    assert response.headers["X-Request-Id"]


def test_firestore_reads_and_writes_are_counted_per_request(sample_client, token):
    response = sample_client.post("/api/sample/things", json={"name": "Lint", "quantityKg": 170}, headers=auth(token))
    # reads: session (the rate limit reads nothing); writes: rate-limit counters, thing, audit entry,
    # outbox event, and the outbox entry marked sent after publishing
    assert response.headers["X-Firestore-Reads"] == "1"
    assert response.headers["X-Firestore-Writes"] == "5"


def test_a_create_that_loses_to_a_concurrent_one_is_409_not_500(sample_client, token):
    first = sample_client.post("/api/sample/singleton", json={"name": "a", "quantityKg": 1}, headers=auth(token))
    second = sample_client.post("/api/sample/singleton", json={"name": "b", "quantityKg": 1}, headers=auth(token))
    assert first.status_code == 201
    assert second.status_code == 409 and second.get_json()["code"] == "ALREADY_EXISTS"
