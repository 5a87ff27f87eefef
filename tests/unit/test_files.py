"""shared.files.sniff: the kind of a file from its bytes."""
from __future__ import annotations

import io
import zipfile

import pytest

from shared.files import HEAD_BYTES, sniff


def _zip(*names: str, filler: int = 0, late: tuple[str, ...] = ()) -> bytes:
    """A stored (uncompressed) ZIP: `names`, then `filler` 1 KiB entries, then the `late` names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            archive.writestr(name, "<x/>")
        for number in range(filler):
            archive.writestr(f"docProps/filler{number}.xml", "x" * 1024)
        for name in late:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.4\n%...", "pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
    (b"\xff\xd8\xff\xe1\x00\x10Exif\x00", "jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
    (b"GIF89a\x01\x00", None),
    (b"MZ\x90\x00\x03\x00", None),
    (b"<html><body>%PDF-1.4", None),       # the magic must be at the start
    (b"\x89PNG\r\n", None),                # truncated signature
    (b"", None),
])
def test_magic_bytes(head, kind):
    assert sniff(head) == kind


def test_docx_and_xlsx_from_their_entry_names():
    docx = _zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")
    xlsx = _zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml")

    assert sniff(docx) == "docx"
    assert sniff(xlsx) == "xlsx"
    assert sniff(docx[:HEAD_BYTES]) == "docx"


def test_office_entry_beyond_the_head_is_found_in_the_tail():
    data = _zip("[Content_Types].xml", filler=30, late=("word/document.xml",))
    head, tail = data[:HEAD_BYTES], data[-64 * 1024:]

    assert b"word/document.xml" not in head
    assert sniff(head) is None               # the head alone cannot tell
    assert sniff(head, tail) == "docx"       # the central directory at the end can
    assert sniff(head, _zip("[Content_Types].xml", filler=30)[-64 * 1024:]) is None


def test_plain_zip_and_ambiguous_archives_are_refused():
    assert sniff(_zip("readme.txt", "word/document.xml")) is None          # no [Content_Types].xml
    assert sniff(_zip("[Content_Types].xml", "docs/readme.txt")) is None   # neither word/ nor xl/
    assert sniff(_zip("[Content_Types].xml", "word/document.xml", "xl/workbook.xml")) is None
    assert sniff(b"PK\x03\x04\x14\x00") is None                          # a truncated header
