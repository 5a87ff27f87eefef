"""Checking a file a client uploaded straight to Cloud Storage by signed URL (partner documents, tested
lots' reports, dispute evidence).

A record of a pending upload carries `objectName`, the declared `fileKind` and `contentType`, and
`uploadExpiresAt`. `check_upload` inspects the object (shared/adapters/storage.py): nothing there is 422
UPLOAD_NOT_FOUND; a file whose size or real kind (its magic bytes, shared/files.py) is not acceptable is
deleted, and its problem returned for the caller to record before it answers 422 (`rejected`). Each
caller keeps its own wording through `FileRules`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared import clock
from shared.adapters import storage
from shared.errors import Unprocessable
from shared.files import CONTENT_TYPES

Problem = tuple[str, str]          # (code, message)


@dataclass(frozen=True)
class FileRules:
    max_bytes: int
    too_large: str                 # how the limit is said: "a document is at most 5 MiB"
    unknown: str                   # the message of a file of no kind in `kinds`
    kinds: frozenset[str] = frozenset(CONTENT_TYPES)


def base_content_type(content_type: str) -> str:
    """The media type without its parameters, lower case: `image/PNG; q=1` -> `image/png`."""
    return content_type.split(";")[0].strip().lower()


def kind_of_content_type(content_type: str) -> str | None:
    """The file kind (shared.files.CONTENT_TYPES) a declared content type names, None for another type."""
    wanted = base_content_type(content_type)
    return next((kind for kind, name in CONTENT_TYPES.items() if name == wanted), None)


def problem_of(info: storage.ObjectInfo, record: Mapping[str, Any], rules: FileRules,
               refuse_kind: Callable[[str], Problem | None] | None = None) -> Problem | None:
    """What is wrong with an uploaded object, None when it is acceptable. `refuse_kind` is a further
    check of the real kind once it is the declared one."""
    if info.size > rules.max_bytes:
        return "FILE_TOO_LARGE", f"The file is {info.size} bytes; {rules.too_large}"
    if info.size == 0:
        return "FILE_EMPTY", "The file is empty"
    if info.kind is None or info.kind not in rules.kinds:
        return "FILE_TYPE_UNKNOWN", rules.unknown
    if info.kind != record["fileKind"]:
        return "FILE_TYPE_MISMATCH", f"The file was declared {record['fileKind'].upper()} but is {info.kind.upper()}"
    refused = refuse_kind(info.kind) if refuse_kind is not None else None
    if refused is not None:
        return refused
    if info.content_type and base_content_type(info.content_type) != record["contentType"]:
        return "CONTENT_TYPE_MISMATCH", "The file was stored with another content type than declared"
    return None


def check_upload(record: Mapping[str, Any], rules: FileRules, what: str,
                 refuse_kind: Callable[[str], Problem | None] | None = None
                 ) -> tuple[storage.ObjectInfo, Problem | None]:
    """(the object's info, its problem or None) of the upload `record` waits for; a bad file is deleted.
    Nothing uploaded is 422 UPLOAD_NOT_FOUND ("Nothing was uploaded for this {what} yet")."""
    info = storage.inspect(record["objectName"])
    if not info.exists:
        raise Unprocessable("UPLOAD_NOT_FOUND", f"Nothing was uploaded for this {what} yet",
                            {"expiresAt": clock.iso(record.get("uploadExpiresAt"))})
    problem = problem_of(info, record, rules, refuse_kind)
    if problem is not None:
        storage.delete(record["objectName"])
    return info, problem


def rejected(problem: Problem, **details: Any) -> Unprocessable:
    """The 422 of a file found bad (and deleted), with `details` after its `fields`."""
    return Unprocessable(problem[0], problem[1] + "; it was deleted",
                         {"fields": [{"field": "file", "rule": problem[0].lower(), "message": problem[1]}],
                          **details})
