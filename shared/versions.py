"""Versions of a record: the diff between two snapshots, append-only history, and the stale check.

A counter-offer or an amendment names the version it answers (`expectedVersion`); `ensure_version`
refuses an answer to an older one with 409 STALE_VERSION. Each version's whole snapshot goes to
`<parent>/versions/{n}` with `create`, so a version, once written, is never rewritten (a second
write of the same number fails at commit with 409).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared import clock
from shared.errors import Conflict

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

VERSIONS = "versions"
_MISSING = object()


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """`{path: {"from": old, "to": new}}` for every leaf that differs, in a stable (sorted) order.

    Nested objects and lists are walked; a path reads `terms.paymentTerms` or `specs[1].max`. A field
    that appears or disappears has None on its missing side.
    """
    changes: dict[str, dict[str, Any]] = {}
    _walk(before or {}, after or {}, "", changes)
    return changes


def _walk(before: Any, after: Any, path: str, out: dict[str, dict[str, Any]]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            child = f"{path}.{key}" if path else str(key)
            _walk(before.get(key, _MISSING), after.get(key, _MISSING), child, out)
        return
    if isinstance(before, list) and isinstance(after, list):
        for index in range(max(len(before), len(after))):
            _walk(before[index] if index < len(before) else _MISSING,
                  after[index] if index < len(after) else _MISSING, f"{path}[{index}]", out)
        return
    if before is _MISSING and after is _MISSING:
        return
    old = None if before is _MISSING else before
    new = None if after is _MISSING else after
    if old != new:
        out[path] = {"from": old, "to": new}


def ensure_version(expected: int | None, actual: int) -> None:
    """409 STALE_VERSION unless the caller answers the current version."""
    if expected is None or isinstance(expected, bool) or int(expected) != int(actual):
        raise Conflict("STALE_VERSION", f"This answers version {expected}, but the current version is {actual}",
                       {"expected": expected, "actual": actual})


def version_ref(parent_ref: Any, number: int) -> Any:
    return parent_ref.collection(VERSIONS).document(str(number))


def append_version(uow: UnitOfWork, parent_ref: Any, number: int, snapshot: dict[str, Any], *,
                   actor: Any, reason: str | None = None, changes: dict[str, Any] | None = None,
                   extra: dict[str, Any] | None = None) -> Any:
    """Queue `<parent>/versions/{number}` = the snapshot, who made it and why (append-only: `create`).

    `actor` is an actor id or anything with a `user_id`; `changes` (a `diff` against the previous
    version) is stored beside the snapshot when given; `extra` adds the caller's own fields (who approved
    it). Returns the version's reference.
    """
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError("a version number is a positive int")
    actor_id = getattr(actor, "user_id", actor)
    ref = version_ref(parent_ref, number)
    record: dict[str, Any] = {"version": number, "snapshot": snapshot, "createdAt": clock.now(),
                              "createdBy": actor_id, "reason": reason}
    if changes is not None:
        record["changes"] = changes
    if extra:
        record = {**extra, **record}
    uow.create(ref, record)
    return ref
