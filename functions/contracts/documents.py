"""Contract notes: the `on_contract_version` consumer renders each approved version's PDF, and the
parties and back office download it by a short-lived signed URL.

The consumer takes ContractApproved (version 1) and ContractAmended (version n) from `domain-events`
(Pub/Sub push, at least once). It renders outside any transaction, uploads to a name fixed by the
contract and version (a redelivery overwrites the same object with the same note), then records
`contractDocuments/{id}-v{n}` READY together with the `processedEvents` marker in one transaction;
a version whose note is already READY is not rendered again. The bucket is private: nothing but a
5-minute signed GET URL ever reaches a client.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from functions.contracts import pdf, store
from shared import clock
from shared.adapters import storage
from shared.db import get_all
from shared.errors import Conflict, NotFound
from shared.events.consumer import DomainEvent, consume_once, decode
from shared.logging import get_logger, log
from shared.versions import version_ref

CONSUMER = "contract-notes"
VERSION_EVENTS = frozenset({"ContractApproved", "ContractAmended"})
READY = "READY"
DOWNLOAD_TTL = timedelta(minutes=5)
logger = get_logger("contract-notes")


def version_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100000:
        raise NotFound("CONTRACT_VERSION_NOT_FOUND", f"The contract has no version {text}")
    return int(text)


def object_name(contract_id: str, version: int) -> str:
    return f"contracts/{contract_id}/v{version}/contract-note.pdf"


def file_name(number: str | None, version: int) -> str:
    return f"{(number or 'contract').replace('/', '-')}-v{version}.pdf"


def ready_versions(contract_id: str, versions: list[int]) -> set[int]:
    """Which of these versions have their note stored (one batched read)."""
    if not versions:
        return set()
    refs = [store.document_ref(contract_id, n) for n in versions]
    found = get_all(refs)
    out = set()
    for number, ref in zip(versions, refs, strict=True):
        snapshot = found.get(ref.path)
        if snapshot is not None and snapshot.exists and (snapshot.to_dict() or {}).get("status") == READY:
            out.add(number)
    return out


def generate(event: DomainEvent) -> bool:
    """Render and store the note of the event's version; False when it was already done."""
    contract_id, version = str(event.data["contractId"]), int(event.data["version"])
    doc_ref = store.document_ref(contract_id, version)
    existing = doc_ref.get()
    if existing.exists and (existing.to_dict() or {}).get("status") == READY:
        consume_once(CONSUMER, event, lambda uow: None)
        return False
    record = version_ref(store.contract_ref(contract_id), version).get()
    if not record.exists:
        # The version commits with the event, so this is a stray or foreign event: nothing to render.
        log(logger, logging.WARNING, "contract_note_without_version", contractId=contract_id, version=version)
        consume_once(CONSUMER, event, lambda uow: None)
        return False
    snapshot = (record.to_dict() or {}).get("snapshot") or {}
    data = pdf.render(snapshot, version)
    name = object_name(contract_id, version)
    storage.upload_bytes(name, data, "application/pdf")

    def work(uow: Any) -> None:
        uow.set(doc_ref, {"contractId": contract_id, "version": version, "status": READY, "objectName": name,
                          "fileName": file_name(snapshot.get("number"), version), "size": len(data),
                          "sha256": hashlib.sha256(data).hexdigest(), "eventId": event.event_id,
                          "createdAt": clock.now()})

    return consume_once(CONSUMER, event, work)


def handle(cloud_event: Any) -> bool:
    """The event function's body: only the contract version events are acted on."""
    event = decode(cloud_event)
    if event.type not in VERSION_EVENTS or "contractId" not in event.data or "version" not in event.data:
        return False
    return generate(event)


def download_link(contract_id: str, version: int) -> dict[str, Any]:
    """{url, expiresAt, fileName} of a READY note; 409 CONTRACT_NOTE_NOT_READY while it is being made."""
    snapshot = store.document_ref(contract_id, version).get()
    record = snapshot.to_dict() if snapshot.exists else None
    if not record or record.get("status") != READY:
        raise Conflict("CONTRACT_NOTE_NOT_READY", "The contract note of this version is being prepared; retry shortly",
                       {"contractId": contract_id, "version": version})
    expires = clock.now() + DOWNLOAD_TTL
    url = storage.signed_download_url(record["objectName"], expires=DOWNLOAD_TTL, filename=record.get("fileName"))
    return {"url": url, "expiresAt": clock.iso(expires), "fileName": record.get("fileName")}
