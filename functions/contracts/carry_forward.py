"""Year end: the `on_financial_year` consumer carries a closed year's open business into the next one.

Masters closes a year (functions/masters/financial_years.py: refused while drafts exist, with the
carry-forward summary counted through contracts.public) and emits FinancialYearClosed. This consumer
then, for that organization and year:
- moves each ACTIVE contract to CARRIED_FORWARD (a DISPUTED one stays DISPUTED and returns to
  CARRIED_FORWARD when its disputes end: its `statusBeforeDispute` is changed), with an audit entry;
- marks each unpaid invoice, due commission and open dispute `carriedForward` {fromFinancialYear,
  toFinancialYear, at}, so the next year's receivables and desks show them as brought forward.

FinancialYearReopened undoes it: the year's CARRIED_FORWARD contracts go back to ACTIVE and the marks
are cleared. Both run in pages of PAGE documents, one transaction per page that re-reads each document
and changes only those still in the state the query found, so a redelivery or a crash halfway is safe;
the `processedEvents` marker is written when every page is done.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from functions.contracts import states, store, views, year_end
from shared import clock, fiscal
from shared.db import collection, stamp_update
from shared.events.consumer import PROCESSED, DomainEvent, consume_once, decode
from shared.uow import run_in_transaction

CONSUMER = "year-end-carry-forward"
CLOSED, REOPENED = "FinancialYearClosed", "FinancialYearReopened"
PAGE = 100
SYSTEM_ACTOR = "system-year-end"
MARKED = ((year_end.INVOICES, year_end.UNPAID_INVOICE_STATUSES),
          (year_end.COMMISSIONS, year_end.DUE_COMMISSION_STATUSES),
          (year_end.DISPUTES, year_end.OPEN_DISPUTE_STATUSES))


def _query(name: str, org_id: str, code: str, statuses: tuple[str, ...]) -> Any:
    from google.cloud.firestore_v1.base_query import FieldFilter

    query = (collection(name).where(filter=FieldFilter("orgId", "==", org_id))
             .where(filter=FieldFilter("financialYear", "==", code)))
    if len(statuses) == 1:
        return query.where(filter=FieldFilter("status", "==", statuses[0]))
    return query.where(filter=FieldFilter("status", "in", list(statuses)))


def _in_pages(query: Any, change: Callable[[Any, Any, dict[str, Any]], bool]) -> int:
    """Apply `change(uow, ref, current)` to every document of `query`, PAGE at a time; how many changed."""
    changed, last = 0, None
    while True:
        page = query.order_by("__name__").limit(PAGE)
        if last is not None:
            page = page.start_after(last)
        snapshots = list(page.stream())
        if not snapshots:
            return changed
        refs = [snapshot.reference for snapshot in snapshots]

        def work(uow: Any, refs: list[Any] = refs) -> int:
            found = uow.get_all(refs)
            done = 0
            for ref in refs:
                snapshot = found.get(ref.path)
                if snapshot is not None and snapshot.exists and change(uow, ref, snapshot.to_dict() or {}):
                    done += 1
            return done

        changed += run_in_transaction(work)
        if len(snapshots) < PAGE:
            return changed
        last = snapshots[-1]


def _mark(statuses: tuple[str, ...], mark: dict[str, Any] | None) -> Callable[[Any, Any, dict[str, Any]], bool]:
    def change(uow: Any, ref: Any, current: dict[str, Any]) -> bool:
        present = current.get("carriedForward")
        if current.get("status") not in statuses or present == mark or (
                present and mark and present.get("fromFinancialYear") == mark["fromFinancialYear"]):
            return False
        uow.update(ref, stamp_update({"carriedForward": mark}, SYSTEM_ACTOR, int(current.get("version", 1))))
        return True

    return change


def _contract_change(source: str, target: str, code: str) -> Callable[[Any, Any, dict[str, Any]], bool]:
    """ACTIVE -> CARRIED_FORWARD (close) or back (reopen); a DISPUTED contract's earlier state likewise."""
    def change(uow: Any, ref: Any, current: dict[str, Any]) -> bool:
        if current.get("status") == source:
            changes = {"status": states.CONTRACT.ensure(source, target)}
        elif current.get("status") == states.DISPUTED and current.get("statusBeforeDispute") == source:
            changes = {"statusBeforeDispute": target}
        else:
            return False
        changes["carriedForwardFrom"] = code if target == states.CARRIED_FORWARD else None
        update = stamp_update(changes, SYSTEM_ACTOR, int(current.get("version", 1)))
        uow.update(ref, update)
        views.write_views(uow, ref.id, {**current, **update})
        uow.audit("contract.carry_forward" if target == states.CARRIED_FORWARD else "contract.carry_forward.undo",
                  "contract", ref.id, before={"status": current.get("status")}, after=changes,
                  orgId=current.get("orgId"))
        return True

    return change


def carry_forward(org_id: str, code: str) -> dict[str, int]:
    """Carry `code`'s open contracts and unpaid, due and open records into the next year."""
    mark = {"fromFinancialYear": code, "toFinancialYear": fiscal.next_code(code), "at": clock.now().isoformat()}
    counts = {"contracts": _in_pages(_query(store.CONTRACTS, org_id, code, (states.ACTIVE, states.DISPUTED)),
                                     _contract_change(states.ACTIVE, states.CARRIED_FORWARD, code))}
    for name, statuses in MARKED:
        counts[name] = _in_pages(_query(name, org_id, code, statuses), _mark(statuses, mark))
    return counts


def bring_back(org_id: str, code: str) -> dict[str, int]:
    """Undo `carry_forward` for a reopened year."""
    counts = {"contracts": _in_pages(
        _query(store.CONTRACTS, org_id, code, (states.CARRIED_FORWARD, states.DISPUTED)),
        _contract_change(states.CARRIED_FORWARD, states.ACTIVE, code))}
    for name, statuses in MARKED:
        counts[name] = _in_pages(_query(name, org_id, code, statuses), _mark(statuses, None))
    return counts


def apply(event: DomainEvent) -> bool:
    """Carry forward on a close, bring back on a reopen; False for other events or a redelivery."""
    if event.type not in (CLOSED, REOPENED) or not {"orgId", "code"} <= set(event.data):
        return False
    if collection(PROCESSED).document(f"{CONSUMER}:{event.event_id}").get().exists:
        return False
    org_id, code = str(event.data["orgId"]), str(event.data["code"])
    (carry_forward if event.type == CLOSED else bring_back)(org_id, code)
    return consume_once(CONSUMER, event, lambda uow: None)


def handle(cloud_event: Any) -> bool:
    return apply(decode(cloud_event))
