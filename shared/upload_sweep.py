"""Sweeping signed-URL uploads that were never completed (partner documents, tested lots' reports,
dispute evidence: each group's job calls `sweep` with its own query base and `abandon` step).

A record waits for its file as PENDING_UPLOAD until `uploadExpiresAt` (15 minutes). A client that PUTs
the file and never calls `complete` leaves an unchecked object in the bucket and the record pending for
ever. Once `uploadExpiresAt` is more than ABANDON_AFTER behind us, `sweep` finds such records (a bounded,
paged query), and for each runs one transaction in which the group's `abandon` re-reads the record and,
only if it is still PENDING_UPLOAD and expired, marks it UPLOAD_ABANDONED (with `abandonedAt`) and writes
its audit entry; it returns the object's name. In the same transaction the object is noted in
`abandonedUploads`; after the commit the object is deleted, then the note.

Why in this order: `complete` checks the object, then marks the record VERIFIED_FILE in a transaction that
requires PENDING_UPLOAD. Both transactions read the record, so one commits first: either the record is
VERIFIED_FILE and the sweep's re-check leaves it (and its object) alone, or it is UPLOAD_ABANDONED and
`complete` answers 409 while the object goes. The object is never deleted before the record says
abandoned, so a verified record never loses its file. A crash between the commit and the delete leaves
the note, and the next run deletes the object (deleting a missing object is no error): idempotent.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from shared import clock
from shared.adapters import storage
from shared.auth.principal import SYSTEM
from shared.db import collection
from shared.uow import run_in_transaction

ABANDON_AFTER = timedelta(hours=1)
PENDING_UPLOAD, UPLOAD_ABANDONED = "PENDING_UPLOAD", "UPLOAD_ABANDONED"
REMOVALS = "abandonedUploads"      # {kind, objectName, abandonedAt}: objects to delete after the commit
PAGE = 100
LIMIT = 500                        # records a run looks at; `more` says the next run goes on

# (unit of work, the record's reference, the cutoff) -> the object name to delete, or None when the record
# no longer qualifies (re-checked inside the transaction).
Abandon = Callable[[Any, Any, datetime], str | None]


def cutoff() -> datetime:
    """Uploads that expired before this are abandoned."""
    return clock.now() - ABANDON_AFTER


def is_abandoned(upload: dict[str, Any] | None, before: datetime) -> bool:
    """An upload record (or a lot's report map) still waiting for its file, expired before `before`."""
    if not upload or upload.get("status") != PENDING_UPLOAD:
        return False
    expires = upload.get("uploadExpiresAt")
    return isinstance(expires, datetime) and expires < before


def abandoned_fields(moment: datetime) -> dict[str, Any]:
    return {"status": UPLOAD_ABANDONED, "abandonedAt": moment}


def _removal_ref(object_name: str) -> Any:
    return collection(REMOVALS).document(hashlib.sha256(object_name.encode()).hexdigest())


def _remove(object_name: str) -> bool:
    deleted = storage.delete(object_name)
    _removal_ref(object_name).delete()
    return deleted


def _leftovers(kind: str, limit: int) -> int:
    """Delete the objects an earlier run noted but did not get to delete (a crash after its commit)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = collection(REMOVALS).where(filter=FieldFilter("kind", "==", kind)).order_by("abandonedAt").limit(limit)
    return sum(1 for snapshot in query.stream() if _remove(str((snapshot.to_dict() or {})["objectName"])))


def sweep(kind: str, base: Any, abandon: Abandon, *, prefix: str = "", limit: int = LIMIT,
          page: int = PAGE) -> dict[str, Any]:
    """Abandon `kind`'s expired pending uploads under `base` (a collection or collection group whose
    records have `{prefix}status` and `{prefix}uploadExpiresAt`), at most `limit` a run, in pages.
    Returns {abandoned, objectsDeleted, skipped, more}."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    before = cutoff()
    deleted = _leftovers(kind, page)
    abandoned = seen = 0
    query = (base.where(filter=FieldFilter(f"{prefix}status", "==", PENDING_UPLOAD))
             .where(filter=FieldFilter(f"{prefix}uploadExpiresAt", "<", before))
             .order_by(f"{prefix}uploadExpiresAt"))
    last = None
    while seen < limit:
        size = min(page, limit - seen)
        batch = list((query.start_after(last) if last is not None else query).limit(size).stream())
        for snapshot in batch:
            name = run_in_transaction(lambda uow, ref=snapshot.reference: _abandon(uow, kind, ref, before, abandon),
                                      SYSTEM)
            if name is not None:
                abandoned += 1
                deleted += int(_remove(name))
        seen += len(batch)
        if len(batch) < size:
            return {"abandoned": abandoned, "objectsDeleted": deleted, "skipped": seen - abandoned, "more": False}
        last = batch[-1]
    return {"abandoned": abandoned, "objectsDeleted": deleted, "skipped": seen - abandoned, "more": True}


def _abandon(uow: Any, kind: str, ref: Any, before: datetime, abandon: Abandon) -> str | None:
    name = abandon(uow, ref, before)
    if name is not None:
        uow.set(_removal_ref(name), {"kind": kind, "objectName": name, "abandonedAt": clock.now()})
    return name
