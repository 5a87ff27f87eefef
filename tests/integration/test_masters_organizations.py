"""Organizations through the API: validation per field and rule, versions, ETags, soft delete, scope, logo."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import clock
from tests.support.masters import admin_token, field_rules, make_gstin, org_body, reader_token


def create(api, token, body=None, status=201):
    response = api.post("/api/organizations", json=body or org_body(), token=token)
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def test_create_normalizes_and_returns_etag(masters_api):
    token = admin_token()
    response = create(masters_api, token, org_body(pan="aakct4321b", gstins=[{"gstin": make_gstin("24", "AAKCT4321B")
                                                                              .lower()}]))
    body = response.get_json()
    assert response.headers["ETag"] == '"v1"'
    assert body["pan"] == "AAKCT4321B"
    assert body["gstins"] == [{"gstin": make_gstin("24", "AAKCT4321B"), "stateCode": "24", "state": "Gujarat",
                               "label": None, "primary": True}]
    assert body["address"]["stateCode"] == "24" and body["address"]["pincode"] == "360001"
    assert body["email"] == "accounts@test-cotton.example"
    assert body["bankAccounts"][0]["ifsc"] == "SBIN0001234" and body["bankAccounts"][0]["primary"] is True
    fetched = masters_api.get(f"/api/organizations/{body['id']}", token=token)
    assert fetched.status_code == 200 and fetched.get_json()["legalName"] == "Test Cotton Traders Private Limited"

    from shared.db import collection
    settings = collection("settings").document(body["id"]).get().to_dict()
    assert settings["passwordPolicy"]["minLength"] == 8 and settings["subUserLimit"] == 2


def test_gstin_with_state_code_38_and_right_check_digit_is_accepted(masters_api):
    pan = "ABCPL1234K"
    gstin = make_gstin("38", pan)
    body = org_body(pan=pan, cin=None, gstins=[{"gstin": gstin}],
                    address={"line1": "Main Bazaar", "city": "Leh", "state": "Ladakh", "pincode": "194101"})
    created = create(masters_api, admin_token(), body).get_json()
    assert created["gstins"][0]["gstin"] == gstin and created["gstins"][0]["state"] == "Ladakh"


@pytest.mark.parametrize("change, expected", [
    ({"gstins": [{"gstin": make_gstin("24", "AAKCT4321B")[:-1] + "0"
                  if make_gstin("24", "AAKCT4321B")[-1] != "0" else make_gstin("24", "AAKCT4321B")[:-1] + "1"}]},
     ("gstins.0.gstin", "gstin_check_digit")),
    ({"gstins": [{"gstin": make_gstin("39", "AAKCT4321B")}]}, ("gstins.0.gstin", "gstin_state_code")),
    ({"gstins": [{"gstin": make_gstin("27", "AAKCX9999Z")}]}, ("gstins.0.gstin", "gstin_pan_mismatch")),
    ({"pan": "AAKC4321BB", "gstins": []}, ("pan", "pan_format")),
    ({"pan": "AAKXT4321B", "gstins": []}, ("pan", "pan_holder_type")),
    ({"bankAccounts": [{"accountName": "X", "accountNumber": "123456789012", "ifsc": "SBIN1001234"}]},
     ("bankAccounts.0.ifsc", "ifsc_format")),
    ({"address": {"line1": "1 Road", "city": "Rajkot", "state": "Gujarat", "pincode": "060001"}},
     ("address.pincode", "pincode_format")),
    ({"address": {"line1": "1 Road", "city": "Rajkot", "state": "Atlantis", "pincode": "360001"}},
     ("address.state", "state_unknown")),
    ({"tan": "AHM123456A"}, ("tan", "tan_format")),
    ({"cin": "X51101GJ2015PTC081234"}, ("cin", "cin_format")),
])
def test_each_invalid_field_is_a_422_with_field_and_rule(masters_api, change, expected):
    response = create(masters_api, admin_token(), org_body(**change), status=422)
    assert response.get_json()["code"] == "VALIDATION_FAILED"
    assert field_rules(response) == [expected]
    from shared.db import collection
    assert list(collection("organizations").limit(1).stream()) == []


def test_all_invalid_fields_are_listed_together(masters_api):
    body = org_body(pan="BAD", address={"line1": "x", "city": "y", "state": "Gujarat", "pincode": "0"},
                    bankAccounts=[{"accountName": "x", "accountNumber": "12", "ifsc": "nope"}])
    rules = dict(field_rules(create(masters_api, admin_token(), body, status=422)))
    assert rules["pan"] == "pan_format" and rules["address.pincode"] == "pincode_format"
    assert rules["bankAccounts.0.accountNumber"] == "bank_account_format"
    assert rules["bankAccounts.0.ifsc"] == "ifsc_format"


def test_same_pan_twice_is_a_conflict(masters_api):
    token = admin_token()
    create(masters_api, token)
    response = create(masters_api, token, status=409)
    assert response.get_json()["code"] == "ORGANIZATION_PAN_EXISTS"


def test_update_honours_if_match_and_keeps_versions(masters_api):
    clock.advance(timedelta(days=-3))           # created three days ago (tokens cannot be issued in the future)
    first_day = clock.today_india().isoformat()
    org = create(masters_api, admin_token()).get_json()
    clock.reset()
    token = admin_token(organization_ids=(org["id"],))
    path = f"/api/organizations/{org['id']}"
    stale = masters_api.patch(path, json={"tradeName": "Renamed"}, token=token, headers={"If-Match": '"v7"'})
    assert stale.status_code == 412 and stale.get_json()["code"] == "STALE_VERSION"
    updated = masters_api.patch(path, json={"tradeName": "Renamed"}, token=token, headers={"If-Match": '"v1"'})
    assert updated.status_code == 200, updated.get_data(as_text=True)
    assert updated.headers["ETag"] == '"v2"' and updated.get_json()["tradeName"] == "Renamed"
    assert updated.get_json()["effectiveFrom"] == clock.today_india().isoformat()
    assert masters_api.get(f"{path}?asOf={first_day}", token=token).get_json()["tradeName"] == "Test Cotton"
    assert masters_api.get(path, token=token).get_json()["tradeName"] == "Renamed"
    versions = masters_api.get(f"{path}/versions", token=token).get_json()["items"]
    assert [(v["version"], v["effectiveTo"]) for v in versions] == [(2, None), (1, clock.today_india().isoformat())]
    unchanged = masters_api.patch(path, json={"tradeName": "Renamed"}, token=token)
    assert unchanged.headers["ETag"] == '"v2"'


def test_patch_that_breaks_the_pan_match_is_refused(masters_api):
    token = admin_token()
    org = create(masters_api, token).get_json()
    response = masters_api.patch(f"/api/organizations/{org['id']}", json={"pan": "AAKCT4321C"}, token=token)
    assert response.status_code == 422
    assert field_rules(response) == [("gstins.0.gstin", "gstin_pan_mismatch")]


def test_soft_delete_hides_the_organization_and_frees_the_pan(masters_api):
    token = admin_token()
    org = create(masters_api, token).get_json()
    assert masters_api.delete(f"/api/organizations/{org['id']}", token=token).status_code == 204
    assert masters_api.get(f"/api/organizations/{org['id']}", token=token).status_code == 404
    assert masters_api.get("/api/organizations", token=token).get_json()["items"] == []
    from shared.db import collection
    stored = collection("organizations").document(org["id"]).get().to_dict()
    assert stored["deletedAt"] is not None and stored["pan"] == "AAKCT4321B"
    create(masters_api, token)


def test_a_deleted_organizations_settings_are_gone_too(masters_api):
    """Issue 15 item 3: its password/lockout settings still answered after the delete."""
    token = admin_token()
    org = create(masters_api, token).get_json()
    settings = masters_api.get(f"/api/organizations/{org['id']}/settings", token=token)
    assert settings.status_code == 200
    assert masters_api.delete(f"/api/organizations/{org['id']}", token=token).status_code == 204
    gone = masters_api.get(f"/api/organizations/{org['id']}/settings", token=token)
    assert gone.status_code == 404 and gone.get_json()["code"] == "ORGANIZATION_NOT_FOUND"
    changed = masters_api.patch(f"/api/organizations/{org['id']}/settings", json={"subUserLimit": 1}, token=token)
    assert changed.status_code == 404 and changed.get_json()["code"] == "ORGANIZATION_NOT_FOUND"
    from shared.db import collection
    assert collection("settings").document(org["id"]).get().to_dict()["subUserLimit"] == 2


def test_a_deleted_organization_can_be_restored(masters_api):
    """Issue 15 item 3: a deleted organization could not be re-created or restored."""
    token = admin_token()
    org = create(masters_api, token).get_json()
    not_deleted = masters_api.post(f"/api/organizations/{org['id']}/restore", token=token)
    assert not_deleted.status_code == 409 and not_deleted.get_json()["code"] == "ORGANIZATION_NOT_DELETED"
    assert masters_api.delete(f"/api/organizations/{org['id']}", token=token).status_code == 204
    restored = masters_api.post(f"/api/organizations/{org['id']}/restore", token=token)
    assert restored.status_code == 200, restored.get_data(as_text=True)
    assert restored.get_json()["legalName"] == org["legalName"] and restored.headers["ETag"] == '"v3"'
    assert masters_api.get(f"/api/organizations/{org['id']}", token=token).status_code == 200
    assert masters_api.get(f"/api/organizations/{org['id']}/settings", token=token).status_code == 200
    assert [o["id"] for o in masters_api.get("/api/organizations", token=token).get_json()["items"]] == [org["id"]]
    # its PAN is its own again: a second organization with it is refused
    create(masters_api, token, status=409)
    # deleted again, its PAN taken by another: restoring it is refused
    assert masters_api.delete(f"/api/organizations/{org['id']}", token=token).status_code == 204
    create(masters_api, token)
    taken = masters_api.post(f"/api/organizations/{org['id']}/restore", token=token)
    assert taken.status_code == 409 and taken.get_json()["code"] == "ORGANIZATION_PAN_EXISTS"
    assert masters_api.post("/api/organizations/nope/restore", token=token).status_code == 404


def test_list_pages_with_cursors(masters_api):
    token = admin_token()
    pans = ["AAKCA1111A", "AAKCB2222B", "AAKCC3333C", "AAKCD4444D", "AAKCE5555E"]
    for index, pan in enumerate(pans):
        create(masters_api, token, org_body(pan=pan, legalName=f"Org {index} Private Limited",
                                            gstins=[{"gstin": make_gstin("24", pan)}]))
    seen, token_value = [], None
    for _ in range(3):
        query = "pageSize=2" + (f"&pageToken={token_value}" if token_value else "")
        page = masters_api.get(f"/api/organizations?{query}", token=token).get_json()
        seen += [item["legalName"] for item in page["items"]]
        token_value = page["nextPageToken"]
    assert seen == [f"Org {i} Private Limited" for i in range(5)]
    assert token_value is None


def test_read_only_user_cannot_write_and_sees_only_its_organizations(masters_api):
    admin = admin_token()
    mine = create(masters_api, admin).get_json()
    other = create(masters_api, admin, org_body(pan="AAKCZ9999Z", gstins=[])).get_json()
    reader = reader_token(organization_ids=(mine["id"],))
    denied = masters_api.post("/api/organizations", json=org_body(pan="AAKCY8888Y", gstins=[]), token=reader)
    assert denied.status_code == 403 and denied.get_json()["details"]["permission"] == "organizations:write"
    patch = masters_api.patch(f"/api/organizations/{mine['id']}", json={"tradeName": "x"}, token=reader)
    assert patch.status_code == 403
    assert masters_api.get(f"/api/organizations/{mine['id']}", token=reader).status_code == 200
    assert masters_api.get(f"/api/organizations/{other['id']}", token=reader).status_code == 404
    listed = masters_api.get("/api/organizations", token=reader).get_json()["items"]
    assert [item["id"] for item in listed] == [mine["id"]]


def test_create_writes_an_audit_entry(masters_api):
    org = create(masters_api, admin_token()).get_json()
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection
    entries = [s.to_dict() for s in collection("auditLog").where(filter=FieldFilter("entityId", "==", org["id"]))
               .stream()]
    assert [(e["action"], e["entity"]) for e in entries] == [("create", "organization")]
    assert entries[0]["changes"]["legalName"]["after"] == "Test Cotton Traders Private Limited"


def test_logo_upload_and_attach(masters_api, emulators):
    from shared.adapters import storage

    storage.reset_client()
    storage.ensure_bucket()
    token = admin_token()
    org = create(masters_api, token).get_json()
    grant = masters_api.post(f"/api/organizations/{org['id']}/logo/upload-url",
                             json={"contentType": "image/png", "sizeBytes": 2048}, token=token)
    assert grant.status_code == 200, grant.get_data(as_text=True)
    object_name = grant.get_json()["objectName"]
    assert object_name.startswith(f"organizations/{org['id']}/logo/")
    not_yet = masters_api.put(f"/api/organizations/{org['id']}/logo", json={"objectName": object_name}, token=token)
    assert not_yet.status_code == 422 and field_rules(not_yet) == [("objectName", "logo_not_uploaded")]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    storage.upload_bytes(object_name, png, "image/png")
    attached = masters_api.put(f"/api/organizations/{org['id']}/logo", json={"objectName": object_name},
                               token=token)
    assert attached.status_code == 200, attached.get_data(as_text=True)
    assert attached.get_json()["logo"] == {"objectName": object_name, "contentType": "image/png",
                                           "sizeBytes": len(png)}
    foreign = masters_api.put(f"/api/organizations/{org['id']}/logo",
                              json={"objectName": "organizations/other/logo/x.png"}, token=token)
    assert foreign.status_code == 422 and field_rules(foreign) == [("objectName", "logo_object_name")]
    download = masters_api.get(f"/api/organizations/{org['id']}/logo", token=token)
    assert download.status_code == 200 and download.get_json()["url"].startswith("http")


def test_create_replayed_with_the_same_idempotency_key_returns_the_first_answer(masters_api):
    token = admin_token()
    headers = {"Idempotency-Key": "org-create-1"}
    first = masters_api.post("/api/organizations", json=org_body(), token=token, headers=headers)
    second = masters_api.post("/api/organizations", json=org_body(), token=token, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    from shared.db import collection
    assert len(list(collection("organizations").stream())) == 1
