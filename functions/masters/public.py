"""What other groups may use of the masters group (the only module of it they import).

- organization settings (masters is their one owner): `settings_ref(org_id)` to read in the caller's
  unit of work (batched with its other reads), `settings_from(stored)` for the typed values over the
  defaults, and the typed policies (`SessionPolicy`, `LockoutPolicy`, `PasswordPolicy`);
- the parser lexicon: `lexicon_rows()` (varieties, stations, states with ids; cached per instance).
- its typed domain events (functions/masters/events.py), for `uow.emit(...)` and the notifications catalog;
- for contracts, what they copy: `commodity_in_force(id)`, `commission_structure_in_force(id)` (or the
  default one), `gst_rate_in_force(code_type, code)` (versions in force today, with their version
  number), `organization_gstin(org_id)` (its primary GSTIN, for the brokerage invoices it issues),
  `organization_identity(org_id, as_of)` (its names, PAN, address and primary GSTIN as in force on a
  date, for the face of those invoices),
  and `open_financial_year(uow, org_id, code)` read in the caller's transaction (a close that
  commits meanwhile makes that transaction retry and then refuse).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from functions.masters import commissions, commodities, financial_years, gst_rates, store
from functions.masters.events import (
    CarryForward,
    FinancialYearActivated,
    FinancialYearClosed,
    FinancialYearReopened,
)
from functions.masters.lexicon import LexiconRows, lexicon_rows
from functions.masters.lexicon import clear as clear_lexicon
from functions.masters.models import LockoutPolicy, OrgSettingsValues, PasswordPolicy, SessionPolicy
from functions.masters.org_settings import KIND
from shared.db import collection
from shared.errors import Conflict, NotFound, Unprocessable

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
    "commission_structure_in_force",
    "commodity_in_force",
    "gst_rate_in_force",
    "lexicon_rows",
    "open_financial_year",
    "organization_gstin",
    "organization_identity",
    "settings_from",
    "settings_ref",
]

GLOBAL_SETTINGS = "global"       # settings/global: partner users' (they belong to no organization)


def settings_ref(org_id: str | None) -> Any:
    """`settings/{orgId}`, or `settings/global` for None."""
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


def commodity_in_force(commodity_id: str) -> dict[str, Any]:
    """The commodity version in force today (`id`, `version`, its template fields); 404 COMMODITY_NOT_FOUND."""
    doc, _ = commodities.get(commodity_id)
    return doc


def commission_structure_in_force(structure_id: str | None, commodity_code: str | None = None
                                  ) -> dict[str, Any] | None:
    """The named commission structure in force today (404 when unknown), or with None the default one
    (`isDefault`) for the commodity, else the general default; None when there is no default."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    if structure_id:
        return store.read(commissions.KIND, structure_id)[0]
    query = store.ref_of(commissions.KIND, "x").parent.where(filter=FieldFilter("isDefault", "==", True)).limit(10)
    candidates = [s for s in query.stream() if (s.to_dict() or {}).get("deletedAt") is None]
    ordered = sorted(candidates, key=lambda s: ((s.to_dict() or {}).get("commodityCode") != commodity_code, s.id))
    for snapshot in ordered:
        if (snapshot.to_dict() or {}).get("commodityCode") in (None, commodity_code):
            return store.read(commissions.KIND, snapshot.id)[0]
    return None


def gst_rate_in_force(code_type: str, code: str) -> dict[str, Any] | None:
    """The GST rate of an HSN or SAC code in force today (`rate`), or None when the masters have none."""
    try:
        return store.read(gst_rates.KIND, gst_rates.rate_id(code_type, code))[0]
    except NotFound:
        return None


def organization_gstin(org_id: str) -> str | None:
    """The organization's primary GSTIN (the first when none is marked primary); None without one."""
    from functions.masters.access import ORGANIZATIONS

    try:
        organization = store.read(ORGANIZATIONS, org_id)[0]
    except NotFound:
        return None
    gstins = [g for g in organization.get("gstins") or [] if g.get("gstin")]
    primary = [g for g in gstins if g.get("primary")] or gstins
    return primary[0]["gstin"] if primary else None


def organization_identity(org_id: str, as_of: date | None = None) -> dict[str, Any] | None:
    """What an invoice the organization issues shows of it: `legalName`, `name` (its trade name), `pan`,
    `address` and its primary `gstin`, from the version in force on `as_of` (today when that day has
    none, or without a day); None when there is no such organization."""
    from functions.masters.access import ORGANIZATIONS

    organization = None
    for day in (as_of, None) if as_of is not None else (None,):
        try:
            organization = store.read(ORGANIZATIONS, org_id, day)[0]
            break
        except NotFound:
            continue
    if organization is None:
        return None
    gstins = [g for g in organization.get("gstins") or [] if g.get("gstin")]
    primary = [g for g in gstins if g.get("primary")] or gstins
    return {"legalName": organization.get("legalName"), "name": organization.get("tradeName"),
            "pan": organization.get("pan"), "address": organization.get("address"),
            "gstin": primary[0]["gstin"] if primary else None}


def open_financial_year(uow: Any, org_id: str, code: str) -> dict[str, Any]:
    """The organization's financial year `code`, read in `uow`; 422 FINANCIAL_YEAR_NOT_FOUND when it does
    not exist, 409 FINANCIAL_YEAR_CLOSED once it is closed."""
    snapshot = uow.get(financial_years._ref(financial_years.year_id(org_id, code)))
    if not snapshot.exists:
        raise Unprocessable("FINANCIAL_YEAR_NOT_FOUND", f"Organization {org_id} has no financial year {code}",
                            {"orgId": org_id, "financialYear": code})
    data = snapshot.to_dict() or {}
    if data.get("status") == financial_years.CLOSED:
        raise Conflict("FINANCIAL_YEAR_CLOSED", f"The financial year {code} is closed",
                       {"orgId": org_id, "financialYear": code})
    return data
