"""Daily partner jobs (shared/jobs.py): KYC reminders and suspension, certification expiry.

Both are idempotent: each partner is handled in its own transaction that re-reads it, so running a job
twice the same day (or two runs at once) sends each reminder once and suspends once.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from functions.partners import eligibility, lifecycle, store
from functions.partners import events as ev
from functions.partners.kyc_rules import REMINDER_DAYS_BEFORE, days_overdue, plan_reminders
from shared import clock
from shared.auth.principal import SYSTEM
from shared.db import client, stamp_update
from shared.uow import run_in_transaction

MILESTONE_EVENTS = {ev.KycDueSoon.event_type(): ev.KycDueSoon, ev.KycOverdue.event_type(): ev.KycOverdue}

BATCH = 200


def _scan(query: Any, order_field: str):
    """Every snapshot of `query`, fetched in batches with a cursor (never one unbounded read)."""
    cursor = None
    while True:
        batch_query = query.order_by(order_field).limit(BATCH)
        if cursor is not None:
            batch_query = batch_query.start_after(cursor)
        snapshots = list(batch_query.stream())
        yield from snapshots
        if len(snapshots) < BATCH:
            return
        cursor = snapshots[-1]


def run_kyc_reminders() -> dict[str, int]:
    """KycDueSoon / KycOverdue at their milestones, and suspension 30 days after the due date."""
    today = clock.today_india()
    horizon = (today + timedelta(days=max(REMINDER_DAYS_BEFORE))).isoformat()
    query = (store.partners().where(filter=store.cond("status", "in", sorted(lifecycle.ONBOARDED)))
             .where(filter=store.cond("kyc.dueDate", "<=", horizon)))
    summary = {"checked": 0, "reminders": 0, "suspended": 0}
    for snapshot in _scan(query, "kyc.dueDate"):
        summary["checked"] += 1
        sent, suspended = _handle_partner(snapshot.id)
        summary["reminders"] += sent
        summary["suspended"] += suspended
    return summary


def _handle_partner(partner_id: str) -> tuple[int, int]:
    ref = store.partner_ref(partner_id)
    today = clock.today_india()

    def work(uow: Any) -> tuple[int, int]:
        data = store.live(uow.get(ref))
        if data is None or data.get("status") not in lifecycle.ONBOARDED:
            return 0, 0
        kyc = dict(data.get("kyc") or {})
        due = store.parse_date(kyc.get("dueDate"))
        plan = plan_reminders(due, today, kyc.get("remindersHandled") or [])
        overdue = days_overdue(due, today)
        suspend = data["status"] == lifecycle.ACTIVE and overdue >= eligibility.KYC_SUSPENSION_DAYS
        if plan.send is None and not suspend:
            return 0, 0
        fields: dict[str, Any] = {}
        if plan.mark_handled:
            kyc["remindersHandled"] = [*(kyc.get("remindersHandled") or []), *plan.mark_handled]
            fields["kyc"] = kyc
        if plan.send is not None:
            milestone = plan.send
            uow.emit(MILESTONE_EVENTS[milestone.event_type](
                partner_id=partner_id, partner_code=data.get("code"), legal_name=data.get("legalName"),
                due_date=due.isoformat() if due else None, milestone=milestone.id,
                days_until_due=(due - today).days if due else None, days_overdue=overdue,
                primary_user_id=data.get("primaryUserId")), subject=partner_id)
        if suspend:
            reason = f"KYC overdue by {overdue} days"
            fields.update(status=lifecycle.transition(data["status"], lifecycle.SUSPENDED, reason),
                          statusReason=reason, suspendedFor="KYC")
            uow.emit(ev.PartnerSuspended(partner_id=partner_id, partner_code=data.get("code"), reason=reason,
                                         cause="KYC_OVERDUE", previous_status=data["status"]),
                     subject=partner_id)
        update = stamp_update(fields, SYSTEM.user_id, data["version"])
        uow.update(ref, update)
        uow.audit("kyc_suspend" if suspend else "kyc_reminder", "partner", partner_id, before=data,
                  after={**data, **update}, milestone=plan.send.id if plan.send else None)
        return (1 if plan.send else 0), (1 if suspend else 0)

    return run_in_transaction(work, SYSTEM)


def expire_certifications() -> dict[str, int]:
    """Verified certifications past their expiry date become EXPIRED (and leave trade)."""
    today = clock.today_india().isoformat()
    query = (client().collection_group(store.CERTIFICATIONS).where(filter=store.cond("status", "==", "VERIFIED"))
             .where(filter=store.cond("expiryDate", "<", today)))
    expired = 0
    for snapshot in _scan(query, "expiryDate"):
        expired += _expire(snapshot.reference)
    return {"expired": expired}


def _expire(ref: Any) -> int:
    today = clock.today_india()

    def work(uow: Any) -> int:
        data = store.live(uow.get(ref))
        if data is None or data.get("status") != "VERIFIED" or store.parse_date(data["expiryDate"]) >= today:
            return 0
        update = stamp_update({"status": "EXPIRED", "isVisibleInTrade": False}, SYSTEM.user_id, data.get("version", 1))
        uow.update(ref, update)
        partner_id = ref.parent.parent.id
        uow.audit("expire", "partnerCertification", ref.id, before=data, after={**data, **update}, partnerId=partner_id)
        uow.emit(ev.CertificationExpired(partner_id=partner_id, certification_id=ref.id, type=data.get("type"),
                                         number=data.get("number"), expiry_date=data["expiryDate"]),
                 subject=partner_id)
        return 1

    return run_in_transaction(work, SYSTEM)
