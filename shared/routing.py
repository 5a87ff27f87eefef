"""The one table that maps URL prefixes to Cloud Functions.

The local gateway (local/gateway.py) and the cloud front door (infra/terraform) are both built from
this table, so they can never disagree about which function owns a path.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FunctionSpec:
    name: str                    # Cloud Function name and the entry point in main.py
    kind: str                    # "http" (web client), "scheduler" (jobs) or "event" (Pub/Sub CloudEvent)
    prefixes: tuple[str, ...] = ()
    topic: str | None = None     # for event functions: the Pub/Sub topic they consume
    module: str | None = None    # the group package whose routes/handlers serve it


HTTP_FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("auth", "http", ("/api/auth", "/api/users", "/api/roles", "/api/audit"), module="functions.auth"),
    FunctionSpec("masters", "http",
                 ("/api/settings", "/api/commodities", "/api/organizations", "/api/financial-years"),
                 module="functions.masters"),
    FunctionSpec("partners", "http", ("/api/partners", "/api/onboarding", "/api/kyc"), module="functions.partners"),
    FunctionSpec("tradedesk", "http",
                 ("/api/trades", "/api/offers", "/api/negotiations", "/api/tested-lots", "/api/nlp",
                  "/api/dashboard"),
                 module="functions.tradedesk"),
    FunctionSpec("contracts", "http",
                 ("/api/contracts", "/api/invoices", "/api/payments", "/api/commissions", "/api/disputes"),
                 module="functions.contracts"),
    FunctionSpec("notifications", "http", ("/api/notifications",), module="functions.notifications"),
    FunctionSpec("docs", "http", ("/api/openapi.json", "/api/docs"), module="functions.docs"),
)

SCHEDULER_FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("jobs", "scheduler", ("/jobs",), module="functions.jobs"),
)

EVENT_FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("on_domain_event", "event", topic="domain-events", module="functions.notifications.fanout"),
    FunctionSpec("on_email_requested", "event", topic="email-requests", module="functions.notifications.delivery"),
    FunctionSpec("on_sms_requested", "event", topic="sms-requests", module="functions.notifications.delivery"),
    FunctionSpec("on_contract_version", "event", topic="domain-events", module="functions.contracts.documents"),
    FunctionSpec("on_financial_year", "event", topic="domain-events", module="functions.contracts.carry_forward"),
    FunctionSpec("on_trade_event", "event", topic="domain-events", module="functions.tradedesk.view_writer"),
    FunctionSpec("on_contract_cancelled", "event", topic="domain-events", module="functions.tradedesk.lot_release"),
)

ALL_FUNCTIONS = HTTP_FUNCTIONS + SCHEDULER_FUNCTIONS + EVENT_FUNCTIONS

DOMAIN_EVENTS_TOPIC = "domain-events"


def function_for_path(path: str) -> FunctionSpec | None:
    """The function that owns a URL path, by longest matching prefix (None when no function does)."""
    best: FunctionSpec | None = None
    best_len = -1
    for spec in HTTP_FUNCTIONS + SCHEDULER_FUNCTIONS:
        for prefix in spec.prefixes:
            if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > best_len:
                best, best_len = spec, len(prefix)
    return best


def spec(name: str) -> FunctionSpec:
    for item in ALL_FUNCTIONS:
        if item.name == name:
            return item
    raise KeyError(name)
