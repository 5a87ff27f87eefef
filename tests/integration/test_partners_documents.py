"""Partner documents through real signed URLs on the Storage emulator: upload, check, download, refuse."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from functions.partners.documents import object_name
from shared.adapters import storage
from tests.support.identity import token_for
from tests.support.partners import PDF, PNG, Staff, active_partner, draft, partner_user, profile

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
