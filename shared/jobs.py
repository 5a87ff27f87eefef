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
    Job("outbox-relay", "*/2 * * * *", "shared.events.outbox:relay_pending",
        "publish outbox events left unsent by a crash between commit and publish"),
)


def job(name: str) -> Job:
    for item in JOBS:
        if item.name == name:
            return item
    raise KeyError(name)
