"""The table of scheduled jobs: name, cron (India time) and handler.

Cloud Scheduler (infra/terraform) and the local scheduler (local/scheduler.py) are both built from
this table. Every handler is idempotent: running it twice changes nothing the second time.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TIMEZONE = "Asia/Kolkata"


@dataclass(frozen=True)
class Job:
    name: str
    cron: str          # five-field cron in India time
    handler: str       # "module:function", called with no arguments, returns a JSON-able summary
    description: str

    def load(self) -> Callable[[], Any]:
        module_name, _, function_name = self.handler.partition(":")
        return getattr(importlib.import_module(module_name), function_name)


JOBS: tuple[Job, ...] = (
    Job("outbox-relay", "*/2 * * * *", "shared.events.relay:relay_pending",
        "publish outbox events left unsent by a crash between commit and publish"),
    Job("session-cleanup", "7 * * * *", "functions.auth.jobs:cleanup_sessions",
        "delete dead sessions and expired OTP challenges and reset links (idempotent)"),
    Job("password-expiry-reminders", "30 9 * * *", "functions.notifications.reminders:password_expiry_reminders",
        "PasswordExpiring 14, 7 and 1 days before a password expires (each once)"),
    Job("session-expiry-warnings", "*/2 * * * *", "functions.notifications.reminders:session_expiry_warnings",
        "in-app SessionExpiring 5 minutes before a session's idle or absolute end"),
    Job("kyc-reminders", "0 9 * * *", "functions.partners.kyc_jobs:run_kyc_reminders",
        "KycDueSoon/KycOverdue at 30, 15, 7, 1 days before and weekly after (each once); suspend 30 days overdue"),
    Job("certification-expiry", "15 0 * * *", "functions.partners.kyc_jobs:expire_certifications",
        "verified partner certifications past their expiry date become EXPIRED and leave trade"),
    Job("timer-sweep", "*/5 * * * *", "shared.timer_firing:sweep",
        "fire timers due over 10 minutes ago whose Cloud Task never arrived (each still once)"),
    Job("tradedesk-expiry-sweep", "*/5 * * * *", "functions.tradedesk.expiry:sweep",
        "expire live offers and open requests past their validUntil that no timer expired"),
    Job("invoice-overdue", "20 0 * * *", "functions.contracts.overdue:mark_overdue",
        "invoices past their due date with a balance become OVERDUE, InvoiceOverdue to the buyer (each once)"),
    Job("partner-document-upload-sweep", "40 * * * *", "functions.partners.documents:sweep_abandoned_uploads",
        "partner documents PENDING_UPLOAD an hour past their upload expiry become UPLOAD_ABANDONED, object deleted"),
    Job("lot-report-upload-sweep", "45 * * * *", "functions.tradedesk.lots:sweep_abandoned_reports",
        "tested-lot reports PENDING_UPLOAD an hour past their upload expiry: object deleted, previous report back"),
    Job("dispute-evidence-upload-sweep", "50 * * * *", "functions.contracts.dispute_evidence:sweep_abandoned_evidence",
        "dispute evidence PENDING_UPLOAD an hour past its upload expiry becomes UPLOAD_ABANDONED, object deleted"),
)


def job(name: str) -> Job:
    for item in JOBS:
        if item.name == name:
            return item
    raise KeyError(name)
