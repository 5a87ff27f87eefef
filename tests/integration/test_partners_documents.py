"""Partner documents through real signed URLs on the Storage emulator: upload, check, download, refuse."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from functions.partners.documents import object_name
from shared.adapters import storage
from tests.support.identity import token_for
from tests.support.partners import PDF, PNG, Staff, active_partner, draft, partner_user, profile
from tests.support.uploads import assert_each_won_cleanly, complete_racing_sweep

pytestmark = pytest.mark.usefixtures("capture")


def _request(api, token, partner_id, content_type="application/pdf", document_type="PAN_CARD", **extra):
    return api.post(f"/api/partners/{partner_id}/documents", token=token,
                    json={"documentType": document_type, "fileName": "pan card.pdf", "contentType": content_type,
                          **extra})


def _upload(api, token, partner_id, data: bytes, content_type="application/pdf", declared=None):
    response = _request(api, token, partner_id, declared or content_type)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    headers = dict(body["upload"]["headers"])
    put = requests.put(body["upload"]["url"], data=data, headers=headers, timeout=10)
    assert put.status_code == 200, put.text
    return body["document"]["id"]


def test_pdf_through_the_signed_url_is_verified_and_downloadable(api, bucket):
    staff = Staff()
    partner_id, _ = active_partner(api, staff)
    user = partner_user(partner_id)
    requested = _request(api, user, partner_id)
    assert requested.status_code == 201, requested.get_json()
    body = requested.get_json()
    assert body["document"]["status"] == "PENDING_UPLOAD"
    upload = body["upload"]
    assert upload["method"] == "PUT" and upload["maxBytes"] == 5 * 1024 * 1024
    assert upload["headers"] == {"Content-Type": "application/pdf", "x-goog-content-length-range": "0,5242880"}
    query = parse_qs(urlsplit(upload["url"]).query)
    assert query["X-Goog-Expires"] == ["900"]
    assert {"content-type", "x-goog-content-length-range"} <= set(query["X-Goog-SignedHeaders"][0].split(";"))
    document_id = body["document"]["id"]
    assert api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete",
                    token=user).get_json()["code"] == "UPLOAD_NOT_FOUND"

    put = requests.put(upload["url"], data=PDF, headers=upload["headers"], timeout=10)
    assert put.status_code == 200
    done = api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete", token=user)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "VERIFIED_FILE" and done.get_json()["sizeBytes"] == len(PDF)

    link = api.get(f"/api/partners/{partner_id}/documents/{document_id}/download", token=user)
    assert link.status_code == 200
    url = link.get_json()["url"]
    assert parse_qs(urlsplit(url).query)["X-Goog-Expires"] == ["300"]
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.content == PDF
    reader, _ = token_for({"documents:read"})
    assert api.get(f"/api/partners/{partner_id}/documents/{document_id}/download", token=reader).status_code == 200
    no_docs, _ = token_for({"partners:read"})
    denied = api.get(f"/api/partners/{partner_id}/documents/{document_id}/download", token=no_docs)
    assert denied.status_code == 403
    listed = api.get(f"/api/partners/{partner_id}/documents", token=no_docs).get_json()["items"]
    assert [d["id"] for d in listed] == [document_id]


def test_a_png_declared_as_pdf_is_refused_and_deleted(api, bucket):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    document_id = _upload(api, staff.maker_token, partner_id, PNG, declared="application/pdf")
    response = api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete", token=staff.maker_token)
    assert response.status_code == 422
    assert response.get_json()["code"] == "FILE_TYPE_MISMATCH"
    assert storage.inspect(object_name(partner_id, document_id)).exists is False
    record = api.get(f"/api/partners/{partner_id}/documents/{document_id}", token=staff.maker_token).get_json()
    assert record["status"] == "REJECTED_FILE" and record["rejectionReason"] == "FILE_TYPE_MISMATCH"
    again = api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete", token=staff.maker_token)
    assert again.status_code == 409


def test_a_6_mib_file_is_refused_and_deleted(api, bucket):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    big = PDF[:-6] + b"0" * (6 * 1024 * 1024) + b"%%EOF\n"
    document_id = _upload(api, staff.maker_token, partner_id, big)
    response = api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete", token=staff.maker_token)
    assert response.status_code == 422 and response.get_json()["code"] == "FILE_TOO_LARGE"
    assert storage.inspect(object_name(partner_id, document_id)).exists is False
    declared_big = _request(api, staff.maker_token, partner_id, sizeBytes=6 * 1024 * 1024)
    assert declared_big.status_code == 422 and declared_big.get_json()["code"] == "FILE_TOO_LARGE"


def test_file_types_are_limited_per_document_type(api, bucket):
    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    refused = _request(api, staff.maker_token, partner_id, docx, "PAN_CARD")
    assert refused.status_code == 422 and refused.get_json()["code"] == "UNSUPPORTED_FILE_TYPE"
    assert _request(api, staff.maker_token, partner_id, docx, "OTHER").status_code == 201
    assert _request(api, staff.maker_token, partner_id, "text/html", "OTHER").status_code == 422


def test_documents_of_another_partner_are_404_and_deleting_is_soft(api, bucket):
    staff = Staff()
    mine, _ = active_partner(api, staff)
    theirs, _ = active_partner(api, staff, profile(email="other@example.in", legal_name="Other Mills"))
    their_doc = _upload(api, staff.maker_token, theirs, PDF)
    assert api.post(f"/api/partners/{theirs}/documents/{their_doc}/complete",
                    token=staff.maker_token).status_code == 200
    user = partner_user(mine)
    for path in (f"/api/partners/{theirs}/documents", f"/api/partners/{theirs}/documents/{their_doc}",
                 f"/api/partners/{theirs}/documents/{their_doc}/download"):
        response = api.get(path, token=user)
        assert response.status_code == 404, path
        assert response.get_json()["code"] == "PARTNER_NOT_FOUND"
    assert api.delete(f"/api/partners/{theirs}/documents/{their_doc}", token=user).status_code == 404
    assert api.delete(f"/api/partners/{theirs}/documents/{their_doc}", token=staff.maker_token).status_code == 204
    assert api.get(f"/api/partners/{theirs}/documents", token=staff.maker_token).get_json()["items"] == []
    assert storage.inspect(object_name(theirs, their_doc)).exists is True


# ---------------------------------------------------------------- the abandoned-upload sweep

def _sweep(api) -> dict:
    from tests.support.contracts import run_job

    return run_job(api, "partner-document-upload-sweep")


def _later(staff: Staff, delta) -> str:
    """Move the clock on; a fresh token of the same maker (its session would be idle-dead by now)."""
    from shared import clock
    from tests.support.partners import BACK_OFFICE_ALL

    clock.advance(delta)
    return token_for(BACK_OFFICE_ALL, user_id=staff.maker.user_id)[0]


def _stored(partner_id: str, document_id: str) -> dict:
    from shared.db import collection

    return collection("partners").document(partner_id).collection("documents").document(document_id).get().to_dict()


def test_a_pending_upload_an_hour_past_its_expiry_is_abandoned_and_its_object_deleted(api, bucket):
    from datetime import timedelta

    from shared import clock
    from shared.db import collection

    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    old = _upload(api, staff.maker_token, partner_id, PDF)           # PUT, never completed
    checked = _upload(api, staff.maker_token, partner_id, PDF)
    assert api.post(f"/api/partners/{partner_id}/documents/{checked}/complete",
                    token=staff.maker_token).status_code == 200
    never_put = _request(api, staff.maker_token, partner_id).get_json()["document"]["id"]
    token = _later(staff, timedelta(minutes=30))
    recent = _upload(api, token, partner_id, PDF)                    # expires 45 minutes from the start
    token = _later(staff, timedelta(minutes=50))                     # old: 65 min past expiry; recent: 35
    assert _sweep(api) == {"abandoned": 2, "objectsDeleted": 1, "skipped": 0, "more": False}

    for document_id in (old, never_put):
        record = _stored(partner_id, document_id)
        assert record["status"] == "UPLOAD_ABANDONED" and record["abandonedAt"] is not None
        assert storage.inspect(object_name(partner_id, document_id)).exists is False
    assert _stored(partner_id, recent)["status"] == "PENDING_UPLOAD"
    assert storage.inspect(object_name(partner_id, recent)).exists is True
    assert _stored(partner_id, checked)["status"] == "VERIFIED_FILE"
    assert storage.inspect(object_name(partner_id, checked)).exists is True

    # The list shows the failed upload; completing it is 409 and a new upload can be requested.
    listed = api.get(f"/api/partners/{partner_id}/documents", token=token).get_json()["items"]
    assert {d["id"]: d["status"] for d in listed} == {old: "UPLOAD_ABANDONED", never_put: "UPLOAD_ABANDONED",
                                                     recent: "PENDING_UPLOAD", checked: "VERIFIED_FILE"}
    late = api.post(f"/api/partners/{partner_id}/documents/{old}/complete", token=token)
    assert (late.status_code, late.get_json()["code"]) == (409, "DOCUMENT_NOT_PENDING")
    assert api.get(f"/api/partners/{partner_id}/documents/{old}/download", token=token).status_code == 409
    assert _request(api, token, partner_id).status_code == 201       # the user simply uploads again
    audit = [e for e in collection("auditLog").stream() if e.to_dict()["action"] == "upload_abandoned"]
    assert sorted(e.to_dict()["entityId"] for e in audit) == sorted([old, never_put])
    assert {e.to_dict()["partnerId"] for e in audit} == {partner_id}
    assert {e.to_dict()["userId"] for e in audit} == {"system"}

    # A second run changes nothing; the recent one goes once it too is an hour past its expiry.
    versions = {d: _stored(partner_id, d)["version"] for d in (old, never_put, recent, checked)}
    assert _sweep(api) == {"abandoned": 0, "objectsDeleted": 0, "skipped": 0, "more": False}
    assert {d: _stored(partner_id, d)["version"] for d in versions} == versions
    clock.advance(timedelta(minutes=30))
    assert _sweep(api)["abandoned"] == 1
    assert storage.inspect(object_name(partner_id, recent)).exists is False
    assert _stored(partner_id, checked)["status"] == "VERIFIED_FILE"


def test_the_sweep_pages_through_with_its_limit(api, bucket):
    from datetime import timedelta

    from functions.partners.documents import sweep_abandoned_uploads
    from shared import clock

    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    ids = [_request(api, staff.maker_token, partner_id).get_json()["document"]["id"] for _ in range(5)]
    clock.advance(timedelta(hours=2))
    assert sweep_abandoned_uploads(limit=3) == {"abandoned": 3, "objectsDeleted": 0, "skipped": 0, "more": True}
    assert sweep_abandoned_uploads(limit=3) == {"abandoned": 2, "objectsDeleted": 0, "skipped": 0, "more": False}
    assert {_stored(partner_id, d)["status"] for d in ids} == {"UPLOAD_ABANDONED"}


def test_an_object_left_by_a_crash_after_the_commit_is_deleted_by_the_next_run(api, bucket, monkeypatch):
    from datetime import timedelta

    from functions.partners.documents import sweep_abandoned_uploads
    from shared import clock, upload_sweep

    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    document_id = _upload(api, staff.maker_token, partner_id, PDF)
    clock.advance(timedelta(hours=2))

    def crash(name):
        raise RuntimeError("the function died here")

    with monkeypatch.context() as patch:
        patch.setattr(upload_sweep.storage, "delete", crash)
        with pytest.raises(RuntimeError):
            sweep_abandoned_uploads()
    assert _stored(partner_id, document_id)["status"] == "UPLOAD_ABANDONED"
    assert storage.inspect(object_name(partner_id, document_id)).exists is True
    assert sweep_abandoned_uploads() == {"abandoned": 0, "objectsDeleted": 1, "skipped": 0, "more": False}
    assert storage.inspect(object_name(partner_id, document_id)).exists is False
    assert sweep_abandoned_uploads() == {"abandoned": 0, "objectsDeleted": 0, "skipped": 0, "more": False}


def test_a_sweep_landing_while_complete_checks_the_file_wins_and_complete_is_409(api, bucket, monkeypatch):
    """The dangerous order: complete has read the object, the sweep commits and deletes it, then complete's
    transaction runs. It must refuse, not mark VERIFIED_FILE a document whose file is gone."""
    from datetime import timedelta

    from functions.partners import documents

    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    document_id = _upload(api, staff.maker_token, partner_id, PDF)
    token = _later(staff, timedelta(hours=2))
    original = documents.check_upload
    swept = []

    def check_then_sweep(*args, **kwargs):
        result = original(*args, **kwargs)
        swept.append(documents.sweep_abandoned_uploads())
        return result

    monkeypatch.setattr(documents, "check_upload", check_then_sweep)
    late = api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete", token=token)
    assert (late.status_code, late.get_json()["code"]) == (409, "DOCUMENT_NOT_PENDING")
    assert swept == [{"abandoned": 1, "objectsDeleted": 1, "skipped": 0, "more": False}]
    assert _stored(partner_id, document_id)["status"] == "UPLOAD_ABANDONED"
    assert storage.inspect(object_name(partner_id, document_id)).exists is False


def test_complete_and_the_sweep_racing_on_threads_end_consistently(api, bucket):
    from datetime import timedelta

    from functions.partners.documents import sweep_abandoned_uploads

    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    ids = [_upload(api, staff.maker_token, partner_id, PDF) for _ in range(3)]
    token = _later(staff, timedelta(hours=2))
    answers, summary = complete_racing_sweep(
        {d: f"/api/partners/{partner_id}/documents/{d}/complete" for d in ids}, token, sweep_abandoned_uploads)
    assert_each_won_cleanly(answers, summary, {
        d: (_stored(partner_id, d)["status"], storage.inspect(object_name(partner_id, d)).exists) for d in ids},
        "DOCUMENT_NOT_PENDING")


def test_a_complete_landing_after_the_sweep_found_the_record_wins_and_keeps_its_file(api, bucket, monkeypatch):
    """The other order: the sweep's query found the pending document, then complete verified it before the
    sweep's transaction re-read it. The sweep must leave it (and its object) alone."""
    from datetime import timedelta

    from functions.partners import documents

    staff = Staff()
    partner_id = draft(api, staff.maker_token, profile())
    document_id = _upload(api, staff.maker_token, partner_id, PDF)
    token = _later(staff, timedelta(hours=2))
    original = documents._abandon
    completed = []

    def complete_first(uow, ref, before):
        if not completed:
            completed.append(api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete",
                                      token=token).status_code)
        return original(uow, ref, before)

    monkeypatch.setattr(documents, "_abandon", complete_first)
    assert documents.sweep_abandoned_uploads() == {"abandoned": 0, "objectsDeleted": 0, "skipped": 1, "more": False}
    assert completed == [200]
    assert _stored(partner_id, document_id)["status"] == "VERIFIED_FILE"
    assert storage.inspect(object_name(partner_id, document_id)).exists is True
    assert api.get(f"/api/partners/{partner_id}/documents/{document_id}/download", token=token).status_code == 200
