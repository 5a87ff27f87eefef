"""The storage adapter against the Cloud Storage emulator, with plain HTTP clients on the signed URLs."""
from __future__ import annotations

import io
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from shared.adapters import storage
from shared.files import CONTENT_TYPES

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"0" * 20_000 + b"\n%%EOF\n"


def _name(suffix: str) -> str:
    return f"kyc/test-{uuid.uuid4().hex[:8]}/{suffix}"


def test_signed_upload_then_inspect_then_signed_download(bucket):
    name = _name("pan.pdf")
    upload = storage.signed_upload_url(name, "application/pdf", max_bytes=5 * 1024 * 1024)

    assert upload["method"] == "PUT"
    assert upload["headers"] == {"Content-Type": "application/pdf", "x-goog-content-length-range": "0,5242880"}
    put = requests.put(upload["url"], data=PDF, headers=upload["headers"], timeout=10)
    assert put.status_code == 200, put.text

    info = storage.inspect(name)
    assert info.exists is True
    assert info.size == len(PDF)
    assert info.content_type == "application/pdf"
    assert info.head_bytes == PDF[:8192]
    assert info.kind == "pdf"

    download = storage.signed_download_url(name, filename="PAN card – Asha.pdf")
    got = requests.get(download, timeout=10)
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["Content-Disposition"].startswith('attachment; filename="PAN card _ Asha.pdf"')


def test_signed_urls_bind_type_size_and_expiry_in_the_signature(bucket):
    # The emulator checks neither signatures nor x-goog-content-length-range (a tampered URL or an
    # oversized body is still accepted there), so what we can verify locally is that the URL binds
    # them: they are listed in X-Goog-SignedHeaders, which real Cloud Storage enforces.
    upload = storage.signed_upload_url(_name("photo.jpg"), "image/jpeg", max_bytes=1024)
    query = parse_qs(urlsplit(upload["url"]).query)
    signed = query["X-Goog-SignedHeaders"][0].split(";")
    assert {"content-type", "x-goog-content-length-range", "host"} <= set(signed)
    assert query["X-Goog-Expires"] == ["900"]
    assert query["X-Goog-Algorithm"] == ["GOOG4-RSA-SHA256"]
    assert len(query["X-Goog-Signature"][0]) == 512  # hex of a 2048-bit RSA signature

    download = storage.signed_download_url(_name("photo.jpg"))
    assert parse_qs(urlsplit(download).query)["X-Goog-Expires"] == ["300"]


def test_inspect_recognises_an_office_file_by_its_zip_entries(bucket):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(40):  # push the workbook entry well past the first 8 KiB
            archive.writestr(f"docProps/filler{number}.xml", "x" * 1024)
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = buffer.getvalue()
    name = _name("ledger.xlsx")
    storage.upload_bytes(name, data, CONTENT_TYPES["xlsx"])

    info = storage.inspect(name)

    assert info.size == len(data)
    assert info.kind == "xlsx"
    assert b"xl/workbook.xml" not in info.head_bytes


def test_inspect_sees_the_real_kind_whatever_the_declared_type(bucket):
    name = _name("fake.pdf")
    storage.upload_bytes(name, b"MZ\x90\x00 this is an executable", "application/pdf")

    info = storage.inspect(name)

    assert (info.content_type, info.kind) == ("application/pdf", None)


def test_inspect_and_delete_of_a_missing_object(bucket):
    name = _name("gone.png")
    storage.upload_bytes(name, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")

    assert storage.inspect(name).kind == "png"
    assert storage.delete(name) is True
    assert storage.delete(name) is False
    assert storage.inspect(name) == storage.ObjectInfo(exists=False)


def test_no_object_is_public(bucket):
    for suffix in ("a.pdf", "b.png"):
        upload = storage.signed_upload_url(_name(suffix), "application/pdf", max_bytes=100_000)
        assert requests.put(upload["url"], data=PDF[:1000], headers=upload["headers"], timeout=10).status_code == 200

    blobs = list(storage.client().list_blobs(bucket.name, projection="full"))

    assert len(blobs) >= 2
    for blob in blobs:
        entities = {entry.get("entity") for entry in blob._properties.get("acl") or []}
        assert not entities & {"allUsers", "allAuthenticatedUsers"}, blob.name


def test_object_names_that_escape_their_folder_are_refused(bucket):
    for bad in ("", "/abs.pdf", "kyc/../secrets.pdf", "kyc/a\nb.pdf"):
        with pytest.raises(ValueError):
            storage.signed_upload_url(bad, "application/pdf", max_bytes=10)
