"""Versioned master documents: the current state in `{collection}/{id}`, every version in `.../versions/{n}`.

Each version carries `effectiveFrom` (inclusive) and `effectiveTo` (exclusive, None while open) as
India-time dates `YYYY-MM-DD`, plus `effectiveKey = "{effectiveFrom}#{version:06d}"`. The version in
force on a date D is the one with the greatest effectiveKey <= "D#999999" whose effectiveTo is after D:
one single-field range query, no composite index, whatever the number of versions.

Rules that keep history stable: a change takes effect today or later, never before the latest
version's start, so what `asOf=<earlier date>` returns never changes; a soft delete closes the open
version(s) at today.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from shared import clock
from shared.db import stamp_new, stamp_update
from shared.errors import Unprocessable

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

VERSIONS = "versions"
# Bookkeeping fields: everything else in a stored document is its content.
META_FIELDS = frozenset({"createdAt", "updatedAt", "createdBy", "updatedBy", "version", "deletedAt",
                         "effectiveFrom", "effectiveTo", "effectiveKey"})


def today() -> str:
    return clock.today_india().isoformat()


def effective_key(effective_from: str, version: int) -> str:
    return f"{effective_from}#{version:06d}"


def content_of(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in META_FIELDS}


def is_in_force(doc: dict[str, Any], on: str) -> bool:
    """Whether a version record is in force on the date `on` (ISO)."""
    if doc.get("effectiveFrom", "") > on:
        return False
    end = doc.get("effectiveTo")
    return end is None or end > on


def check_effective_from(effective_from: str | None, latest: dict[str, Any] | None, field: str = "effectiveFrom"
                         ) -> str:
    """The effective date of a change: today by default; for a change of an existing record not before
    today nor before its latest version (history is never rewritten)."""
    chosen = effective_from or today()
    if latest is None:
        return chosen
    entries = []
    if chosen < today():
        entries.append({"field": field, "rule": "effective_from_in_past",
                        "message": "A change cannot take effect before today"})
    elif chosen < latest.get("effectiveFrom", ""):
        entries.append({"field": field, "rule": "effective_from_before_latest",
                        "message": f"A change cannot take effect before the latest version "
                                   f"({latest['effectiveFrom']})"})
    if entries:
        raise Unprocessable("VALIDATION_FAILED", entries[0]["message"], {"fields": entries})
    return chosen


@dataclass
class Planned:
    """The writes of one versioned change, built without I/O."""

    document: dict[str, Any]                    # the new state of the main document
    version_record: dict[str, Any]              # versions/{document.version}
    close_previous: dict[str, Any] | None = None  # patch for versions/{previous version}
    previous_version: int | None = None


def plan_create(content: dict[str, Any], actor_id: str | None, effective_from: str) -> Planned:
    document = {**stamp_new(content, actor_id), "effectiveFrom": effective_from, "effectiveTo": None}
    return Planned(document, {**document, "effectiveKey": effective_key(effective_from, 1)})


def plan_update(current: dict[str, Any], content: dict[str, Any], actor_id: str | None,
                effective_from: str) -> Planned:
    version = int(current.get("version", 1))
    document = {**stamp_update({**current, **content}, actor_id, version),
                "effectiveFrom": effective_from, "effectiveTo": None}
    document.pop("effectiveKey", None)
    record = {**document, "effectiveKey": effective_key(effective_from, document["version"])}
    return Planned(document, record, {"effectiveTo": effective_from}, version)


def plan_delete(current: dict[str, Any], actor_id: str | None) -> Planned:
    """A tombstone version that starts and ends today, so nothing is in force from today on.

    The caller also closes the scheduled (future) versions with `close_future`.
    """
    version = int(current.get("version", 1))
    day = today()
    document = {**stamp_update(current, actor_id, version), "deletedAt": clock.now(),
                "effectiveFrom": day, "effectiveTo": day}
    document.pop("effectiveKey", None)
    record = {**document, "effectiveKey": effective_key(day, document["version"])}
    previous_end = max(day, current.get("effectiveFrom", day))
    return Planned(document, record, {"effectiveTo": previous_end}, version)


def versions_of(ref: Any) -> Any:
    return ref.collection(VERSIONS)


def apply(uow: UnitOfWork, ref: Any, planned: Planned, *, create: bool = False) -> None:
    """Write a planned change in the caller's transaction (after all its reads)."""
    if create:
        uow.create(ref, planned.document)
    else:
        uow.set(ref, planned.document)
    if planned.previous_version is not None and planned.close_previous is not None:
        uow.update(versions_of(ref).document(str(planned.previous_version)), planned.close_previous)
    uow.set(versions_of(ref).document(str(planned.version_record["version"])), planned.version_record)


def apply_to_batch(batch: Any, ref: Any, planned: Planned) -> None:
    """The same writes in a WriteBatch (the seed, which has no concurrent writers)."""
    batch.set(ref, planned.document)
    if planned.previous_version is not None and planned.close_previous is not None:
        batch.update(versions_of(ref).document(str(planned.previous_version)), planned.close_previous)
    batch.set(versions_of(ref).document(str(planned.version_record["version"])), planned.version_record)


def in_force(ref: Any, on: date | str, transaction: Any = None) -> dict[str, Any] | None:
    """The version of `ref` in force on a date (one query, at most one document read), or None."""
    day = on.isoformat() if isinstance(on, date) else on
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (versions_of(ref).where(filter=FieldFilter("effectiveKey", "<=", f"{day}#999999"))
             .order_by("effectiveKey", direction="DESCENDING").limit(1))
    snapshots = list(query.stream(transaction=transaction)) if transaction else list(query.stream())
    if not snapshots:
        return None
    record = snapshots[0].to_dict() or {}
    return record if is_in_force(record, day) else None


def future_versions(uow: UnitOfWork, ref: Any, after: str) -> list[Any]:
    """Snapshots of versions that start after the date `after` (scheduled changes), in the transaction."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = versions_of(ref).where(filter=FieldFilter("effectiveKey", ">", f"{after}#999999"))
    return uow.query(query)


def close_future(uow: UnitOfWork, future: list[Any], skip_version: int | None) -> None:
    """Make scheduled versions never in force (effectiveTo = effectiveFrom); history stays readable."""
    for snapshot in future:
        record = snapshot.to_dict() or {}
        if record.get("version") == skip_version:
            continue
        uow.update(snapshot.reference, {"effectiveTo": record.get("effectiveFrom")})
