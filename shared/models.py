"""Base pydantic models: camelCase on the wire, unknown input fields refused."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Input and output shapes of the API: camelCase aliases, extra fields forbidden (422)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid",
                              str_strip_whitespace=True)


class PageQuery(ApiModel):
    page_size: int = Field(20, ge=1, le=100)
    page_token: str | None = None


class Page(ApiModel):
    items: list
    next_page_token: str | None = None
