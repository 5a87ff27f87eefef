"""What a file really is, from its bytes (never from its name or the type the uploader claimed).

`sniff(head, tail)` knows the kinds the platform accepts: PDF, JPEG, PNG, and the two Office Open XML
kinds, DOCX and XLSX. Those are ZIP archives; a ZIP is only accepted when its entry names show a Word
(`word/`) or Excel (`xl/`) package. Entry names appear in the local file headers near the start of the
archive and in the central directory at its end, so callers pass the first bytes and, for a ZIP, the
last bytes too (`TAIL_BYTES`).
"""
from __future__ import annotations

import struct
from typing import Literal

Kind = Literal["pdf", "jpeg", "png", "docx", "xlsx"]

HEAD_BYTES = 8 * 1024
# The end-of-central-directory record is 22 bytes plus a comment of at most 64 KiB; the central
# directory sits right before it.
TAIL_BYTES = 128 * 1024

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"


def is_zip(head: bytes) -> bool:
    return head.startswith(_LOCAL_HEADER)


def _names(data: bytes, signature: bytes, name_length_at: int, name_at: int) -> list[str]:
    """Entry names of every ZIP header with `signature` found in `data` (a fragment is fine)."""
    names: list[str] = []
    start = data.find(signature)
    while start != -1:
        fixed_end = start + name_at
        if fixed_end > len(data):
            break
        (length,) = struct.unpack_from("<H", data, start + name_length_at)
        names.append(data[fixed_end:fixed_end + length].decode("utf-8", "replace"))
        start = data.find(signature, start + 4)
    return names


def zip_entry_names(head: bytes, tail: bytes = b"") -> list[str]:
    """Names from local file headers (offset 26 = name length, name at 30) and central directory
    entries (offset 28 = name length, name at 46)."""
    return (_names(head, _LOCAL_HEADER, 26, 30) + _names(tail, _CENTRAL_HEADER, 28, 46)
            + _names(head, _CENTRAL_HEADER, 28, 46))


def _office_kind(names: list[str]) -> Kind | None:
    word = any(name.startswith("word/") for name in names)
    excel = any(name.startswith("xl/") for name in names)
    if word == excel:  # neither, or a suspicious archive claiming to be both
        return None
    return "docx" if word else "xlsx"


def sniff(head: bytes, tail: bytes = b"") -> Kind | None:
    """The kind of a file from its first bytes (and, for a ZIP, its last bytes); None if not accepted."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if is_zip(head):
        if not any(name == "[Content_Types].xml" for name in zip_entry_names(head, tail)):
            return None  # every Office Open XML package has one
        return _office_kind(zip_entry_names(head, tail))
    return None
