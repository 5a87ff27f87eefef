"""Typed domain events: each producing group declares its events as subclasses of `DomainEventModel`
in `functions/<group>/events.py` (exported through its `public`), and emits them with
`uow.emit(PartnerApproved(partner_id=..., ...), subject=...)`.

The event type on the wire is the class name; the data is the model dumped with camelCase aliases and
without unset optional fields. One spelling per field across the product: `orgId`, `partnerId`,
`partnerCode`, `userId`, ... (ids only, never names or contacts).
"""
from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class DomainEventModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    producer: ClassVar[str] = ""          # the group that emits it

    @classmethod
    def event_type(cls) -> str:
        return cls.__name__

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


def event_types(*modules: Any) -> dict[str, type[DomainEventModel]]:
    """{type name: model} of the DomainEventModel subclasses defined in `modules`."""
    found: dict[str, type[DomainEventModel]] = {}
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, DomainEventModel) and not value.__name__.startswith("_")
                    and value.__module__ == module.__name__):
                found[value.event_type()] = value
    return found
