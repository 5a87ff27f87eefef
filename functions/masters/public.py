"""What other groups may use of the masters group (the only module of it they import).

- organization settings (masters is their one owner): `settings_ref(org_id)` to read in the caller's
  unit of work (batched with its other reads), `settings_from(stored)` for the typed values over the
  defaults, and the typed policies (`SessionPolicy`, `LockoutPolicy`, `PasswordPolicy`);
- the parser lexicon: `lexicon_rows()` (varieties, stations, states with ids; cached per instance).
- its typed domain events (functions/masters/events.py), for `uow.emit(...)` and the notifications catalog.
"""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from functions.masters.events import (
    CarryForward,
    FinancialYearActivated,
    FinancialYearClosed,
    FinancialYearReopened,
)
from functions.masters.lexicon import LexiconRows, lexicon_rows
from functions.masters.lexicon import clear as clear_lexicon
from functions.masters.models import LockoutPolicy, OrgSettingsValues, PasswordPolicy, SessionPolicy

__all__ = [
    "GLOBAL_SETTINGS",
    "CarryForward",
    "FinancialYearActivated",
    "FinancialYearClosed",
    "FinancialYearReopened",
    "LexiconRows",
    "LockoutPolicy",
    "OrgSettingsValues",
    "PasswordPolicy",
    "SessionPolicy",
    "clear_lexicon",
    "lexicon_rows",
    "settings_from",
    "settings_ref",
]

GLOBAL_SETTINGS = "global"       # settings/global: partner users' (they belong to no organization)


def settings_ref(org_id: str | None) -> Any:
    """`settings/{orgId}`, or `settings/global` for None."""
    from functions.masters.org_settings import KIND
    from shared.db import collection

    return collection(KIND.collection).document(org_id or GLOBAL_SETTINGS)


def settings_from(stored: Any) -> OrgSettingsValues:
    """The typed settings of a stored settings document (a snapshot, a dict or None) over the defaults.

    A key whose stored value no longer validates falls back to its default rather than failing the read.
    """
    if stored is not None and hasattr(stored, "exists"):
        stored = (stored.to_dict() or {}) if stored.exists else None
    if not stored:
        return OrgSettingsValues()
    known = {field.alias or name for name, field in OrgSettingsValues.model_fields.items()}
    values = {key: value for key, value in stored.items() if key in known}
    try:
        return OrgSettingsValues.model_validate(values)
    except ValidationError:
        good = {}
        for key, value in values.items():
            try:
                OrgSettingsValues.model_validate({key: value})
            except ValidationError:
                continue
            good[key] = value
        return OrgSettingsValues.model_validate(good)
