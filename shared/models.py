"""Base pydantic models: camelCase on the wire, unknown input fields refused, input text cleaned.

Every request body and query is validated with `INPUT_CONTEXT` (shared/http/pipeline.py), and then
each text value anywhere in it (nested lists and dicts, dict keys too) is normalised to Unicode NFC
and refused (422 `forbidden_character`) if it carries NUL or another control character (tab, line
feed and carriage return excepted), a bidirectional override/isolate, or a lone surrogate. Output
models built from stored data are not checked, so an old record cannot turn a read into a 500.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

INPUT_CONTEXT = {"input": True}

# C0 controls except \t \n \r, DEL and C1 controls, bidi embeddings/overrides (U+202A-202E) and
# isolates (U+2066-2069), and lone surrogates (which JSON can carry and Firestore cannot store).
FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(value: Any, path: str = "") -> Any:
    """`value` with every string NFC-normalised; PydanticCustomError on a forbidden character."""
    if isinstance(value, str):
        found = FORBIDDEN_TEXT.search(value)
        if found:
            where = f" (at {path})" if path else ""
            raise PydanticCustomError("forbidden_character",
                                      "Text must not contain the control or bidi character {char}{where}",
                                      {"char": f"U+{ord(found.group()):04X}", "where": where})
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [clean_text(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {clean_text(key, path): clean_text(item, f"{path}.{key}" if path else str(key))
                for key, item in value.items()}
    return value


class ApiModel(BaseModel):
    """Input and output shapes of the API: camelCase aliases, extra fields forbidden (422)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid",
                              str_strip_whitespace=True)

    @field_validator("*", mode="before", check_fields=False)
    @classmethod
    def _clean_input_text(cls, value: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get("input"):
            return clean_text(value)
        return value


def is_document_id(value: Any) -> bool:
    """Whether Firestore accepts `value` as a document id: 1-1,500 bytes of UTF-8, no `/`, not `.` or
    `..`, not `__name__` (reserved), and (our rule) no control or bidi character."""
    if not isinstance(value, str) or not value or value in (".", ".."):
        return False
    if "/" in value or (value.startswith("__") and value.endswith("__")) or FORBIDDEN_TEXT.search(value):
        return False
    try:
        return len(value.encode("utf-8")) <= 1500
    except UnicodeEncodeError:
        return False


def _document_id(value: str) -> str:
    if not is_document_id(value):
        raise PydanticCustomError("document_id", "Not a valid id (1-1500 bytes, no '/', not '.', '..' or '__x__')")
    return value


# An id sent in a body (a document, partner, organization...): refused with 422 before it reaches Firestore.
DocId = Annotated[str, Field(min_length=1, max_length=1500, pattern=r"^[^/]+$"), AfterValidator(_document_id)]


class PageQuery(ApiModel):
    page_size: int = Field(20, ge=1, le=100)
    page_token: str | None = None


class Page(ApiModel):
    items: list
    next_page_token: str | None = None


# The answer's part of a direct upload (shared/uploads.py): PUT the file to `url` with exactly `headers`
# before `expiresAt`. One schema, UploadInstructions, for every upload route (no docstring: it would
# become the schema's description).
class UploadInstructions(ApiModel):
    model_config = ConfigDict(**{**ApiModel.model_config, "extra": "ignore"})

    url: str
    method: str = "PUT"
    headers: dict[str, str]
    expires_at: str
    max_bytes: int
