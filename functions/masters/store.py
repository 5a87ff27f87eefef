"""Reads and versioned writes of master documents, shared by every master kind.

Every write is one transaction: the main document, its version record, the audit entry and whatever
the caller's hook adds (key documents, settings). The per-instance cache entries of the kind are
dropped after the commit.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from functions.masters import versioning
from functions.masters.cached import CACHE
from shared.db import collection
from shared.errors import Conflict, NotFound
from shared.http.etag import check_if_match
from shared.http.pagination import page
from shared.uow import run_in_transaction

if TYPE_CHECKING:
    from shared.auth.principal import Actor
    from shared.uow import UnitOfWork

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-:.]{0,127}$")
# A hook runs inside the transaction after the main document was read: it does its own reads and
# returns a function that does its writes (Firestore wants every read before the first write).
Hook = Callable[["UnitOfWork", dict[str, Any] | None, dict[str, Any]], Callable[[], None] | None]


@dataclass(frozen=True)
class Kind:
    collection: str
    entity: str                      # audit entity
    label: str                       # for messages
    not_found: str                   # error code
    cache_prefixes: tuple[str, ...] = ()

    @property
    def exists_code(self) -> str:
        return self.not_found.replace("_NOT_FOUND", "_EXISTS")


def to_store(value: Any) -> Any:
    """Plain Firestore values: Decimal → float (ratios and measures; money is stored in paise),
    date → ISO string."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_store(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_store(v) for v in value]
    return value


def safe_id(kind: Kind, value: str) -> str:
    if not _SAFE_ID.match(value or "") or ".." in value:
        raise NotFound(kind.not_found, f"{kind.label} not found")
    return value


def ref_of(kind: Kind, doc_id: str) -> Any:
    return collection(kind.collection).document(safe_id(kind, doc_id))


def _invalidate(kind: Kind) -> None:
    for prefix in kind.cache_prefixes:
        CACHE.invalidate_prefix(prefix)


def with_id(doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "id": doc_id}


def read(kind: Kind, doc_id: str, as_of: date | None = None) -> tuple[dict[str, Any], int]:
    """(the version in force on `as_of` (today by default), the current version number for ETags)."""
    ref = ref_of(kind, doc_id)
    if as_of is not None:
        record = versioning.in_force(ref, as_of)
        if record is None:
            raise NotFound(kind.not_found, f"No {kind.label.lower()} {doc_id} was in force on {as_of.isoformat()}")
        return with_id(doc_id, record), int(record["version"])
    snapshot = ref.get()
    doc = snapshot.to_dict() if snapshot.exists else None
    if not doc or doc.get("deletedAt") is not None:
        raise NotFound(kind.not_found, f"{kind.label} {doc_id} not found")
    day = versioning.today()
    if versioning.is_in_force(doc, day):
        return with_id(doc_id, doc), int(doc["version"])
    record = versioning.in_force(ref, day)       # the latest change is scheduled for later
    if record is None:
        raise NotFound(kind.not_found, f"{kind.label} {doc_id} is not in force yet")
    return with_id(doc_id, record), int(doc["version"])


def create(kind: Kind, doc_id: str, content: dict[str, Any], actor: Actor | None, *,
           effective_from: str | None = None, hook: Hook | None = None) -> dict[str, Any]:
    ref = ref_of(kind, doc_id)
    content = to_store(content)
    effective = versioning.check_effective_from(effective_from, None)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        snapshot = uow.get(ref)
        if snapshot.exists:
            raise Conflict(kind.exists_code, f"{kind.label} {doc_id} already exists")
        writes = hook(uow, None, content) if hook else None
        planned = versioning.plan_create(content, actor.user_id if actor else None, effective)
        versioning.apply(uow, ref, planned, create=True)
        if writes:
            writes()
        uow.audit("create", kind.entity, doc_id, after=content)
        return planned.document

    document = run_in_transaction(work, actor)
    _invalidate(kind)
    return with_id(doc_id, document)


def update(kind: Kind, doc_id: str, change: Callable[[dict[str, Any]], dict[str, Any]], actor: Actor | None, *,
           if_match: str | None = None, effective_from: str | None = None, hook: Hook | None = None
           ) -> dict[str, Any]:
    """Apply `change(current content) -> new content` as a new version; no version when nothing changed."""
    ref = ref_of(kind, doc_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        snapshot = uow.get(ref)
        current = snapshot.to_dict() if snapshot.exists else None
        if not current or current.get("deletedAt") is not None:
            raise NotFound(kind.not_found, f"{kind.label} {doc_id} not found")
        check_if_match(if_match, int(current["version"]))
        before = versioning.content_of(current)
        after = to_store(change(dict(before)))
        if after == before and effective_from is None:
            return current
        effective = versioning.check_effective_from(effective_from, current)
        writes = hook(uow, current, after) if hook else None
        planned = versioning.plan_update(current, after, actor.user_id if actor else None, effective)
        versioning.apply(uow, ref, planned)
        if writes:
            writes()
        uow.audit("update", kind.entity, doc_id, before=before, after=after,
                  version=planned.document["version"], effectiveFrom=effective)
        return planned.document

    document = run_in_transaction(work, actor)
    _invalidate(kind)
    return with_id(doc_id, document)


def restore(kind: Kind, doc_id: str, actor: Actor | None, *, hook: Hook | None = None) -> dict[str, Any]:
    """Undo a soft delete: a new version with the content it had, in force from today."""
    from shared.uow import run_in_transaction

    ref = ref_of(kind, doc_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        snapshot = uow.get(ref)
        current = snapshot.to_dict() if snapshot.exists else None
        if not current:
            raise NotFound(kind.not_found, f"{kind.label} {doc_id} not found")
        if current.get("deletedAt") is None:
            raise Conflict(f"{kind.entity.upper()}_NOT_DELETED", f"{kind.label} {doc_id} is not deleted")
        content = versioning.content_of(current)
        writes = hook(uow, None, content) if hook else None
        planned = versioning.plan_update(current, content, actor.user_id if actor else None, versioning.today())
        planned.document["deletedAt"] = None
        planned.version_record["deletedAt"] = None
        versioning.apply(uow, ref, planned)
        if writes:
            writes()
        uow.audit("restore", kind.entity, doc_id, after=content, version=planned.document["version"])
        return planned.document

    document = run_in_transaction(work, actor)
    _invalidate(kind)
    return with_id(doc_id, document)


def delete(kind: Kind, doc_id: str, actor: Actor | None, *, if_match: str | None = None,
           hook: Hook | None = None) -> None:
    """Soft delete: the document keeps its content with `deletedAt`; nothing is in force from today."""
    ref = ref_of(kind, doc_id)

    def work(uow: UnitOfWork) -> None:
        snapshot = uow.get(ref)
        current = snapshot.to_dict() if snapshot.exists else None
        if not current or current.get("deletedAt") is not None:
            raise NotFound(kind.not_found, f"{kind.label} {doc_id} not found")
        check_if_match(if_match, int(current["version"]))
        future = versioning.future_versions(uow, ref, versioning.today())
        writes = hook(uow, current, versioning.content_of(current)) if hook else None
        planned = versioning.plan_delete(current, actor.user_id if actor else None)
        versioning.apply(uow, ref, planned)
        versioning.close_future(uow, future, skip_version=planned.previous_version)
        if writes:
            writes()
        uow.audit("delete", kind.entity, doc_id, before=versioning.content_of(current))

    run_in_transaction(work, actor)
    _invalidate(kind)


def list_page(kind: Kind, order: list[tuple[str, str]], page_size: int, token: str | None,
              filters: list[tuple[str, str, Any]] = (), *, cached: bool = True
              ) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the live (not deleted) documents, cursor-paged; kept in the instance cache for kinds with
    a cache prefix (a write of the kind drops it), so a warm page reads nothing."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    def load() -> tuple[list[dict[str, Any]], str | None]:
        query = collection(kind.collection).where(filter=FieldFilter("deletedAt", "==", None))
        for field_name, op, value in filters:
            query = query.where(filter=FieldFilter(field_name, op, value))
        snapshots, next_token = page(query, order, page_size, token)
        return [with_id(s.id, s.to_dict() or {}) for s in snapshots], next_token

    if not (cached and kind.cache_prefixes):
        return load()
    key = f"{kind.cache_prefixes[0]}list|{order!r}|{list(filters)!r}|{page_size}|{token}"
    items, next_token = CACHE.get_or_load(key, lambda: list(load()))
    return items, next_token


def versions_page(kind: Kind, doc_id: str, page_size: int, token: str | None
                  ) -> tuple[list[dict[str, Any]], str | None]:
    """The version history of one document, newest first."""
    query = versioning.versions_of(ref_of(kind, doc_id))
    snapshots, next_token = page(query, [("effectiveKey", "DESCENDING")], page_size, token)
    return [with_id(doc_id, s.to_dict() or {}) for s in snapshots], next_token
