"""Seed the masters: states, regions, stations, cotton and kapas, GST rates, commission structures, CCI
terms, two demo organizations (with settings), the global settings of partner users and an active
financial year for today.

Idempotent: each document is compared with what the seed wants and written only when it differs (a
changed master gets a new version, never a rewrite), so a second run writes nothing.

    python -m functions.masters.seed        # against the emulator of the local stack; refuses production
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from functions.masters import (
    cci_terms,
    commissions,
    commodities,
    financial_years,
    gst_rates,
    locations,
    org_settings,
    organizations,
    seed_data,
    store,
    versioning,
)
from functions.masters.cached import CACHE
from shared import fiscal
from shared.auth.principal import BACK_OFFICE, SYSTEM, Principal
from shared.config import settings
from shared.db import client, collection, get_all
from shared.errors import Conflict, NotFound
from shared.reference_data import states

# A member of the demo organizations it seeds (organization scope is membership: masters/access.py).
SEEDER = Principal(user_id="system", session_id="seed", kind=BACK_OFFICE, role="SYSTEM",
                   permissions=frozenset({"*"}), organization_ids=tuple(seed_data.ORGANIZATIONS))
BATCH_SIZE = 30          # the emulator commits big batches slowly (superlinear); 30 is fast everywhere


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})[outcome] += n


def _upsert_versioned(kind: store.Kind, doc_id: str, content: dict[str, Any], tally: _Tally,
                      create: Callable[[], Any], *, create_only: bool = False) -> None:
    """Create with `create()` when missing; else a new version only when the content differs
    (`create_only`: leave an existing document as it is, e.g. a demo organization an admin edited)."""
    ref = store.ref_of(kind, doc_id)
    snapshot = ref.get()
    current = snapshot.to_dict() if snapshot.exists else None
    if current is None:
        create()
        tally.add(kind.collection, "created")
        return
    if (create_only or current.get("deletedAt") is not None      # deleted on purpose: not resurrected
            or versioning.content_of(current) == store.to_store(content)):
        tally.add(kind.collection, "unchanged")
        return
    store.update(kind, doc_id, lambda _current: content, SYSTEM)
    tally.add(kind.collection, "updated")


def _seed_reference(tally: _Tally) -> None:
    """States, regions and stations: many small documents, written in batches where they differ."""
    wanted: list[tuple[Any, dict[str, Any], bool]] = []      # (ref, content, versioned)
    for state in states():
        wanted.append((collection(locations.STATES).document(state.gst_code), locations.state_doc(state), False))
    regions: dict[str, dict[str, Any]] = {}
    for name, aliases, state_name, region in seed_data.station_rows():
        content = locations.station_content(name, list(aliases), locations.resolve_state(state_name), region)
        regions[content["regionId"]] = locations.region_doc(content)
        ref = collection(locations.STATIONS.collection).document(locations.station_id(content["stateCode"], name))
        wanted.append((ref, content, True))
    for region_id, doc in regions.items():
        wanted.append((collection(locations.REGIONS).document(region_id), doc, False))

    existing = get_all(ref for ref, _, _ in wanted)
    db = client()
    batch, pending = db.batch(), 0
    for ref, content, versioned in wanted:
        snapshot = existing.get(ref.path)
        current = snapshot.to_dict() if snapshot is not None and snapshot.exists else None
        kind = ref.parent.id
        if versioned:
            if current is not None and (current.get("deletedAt") is not None
                                        or versioning.content_of(current) == content):
                tally.add(kind, "unchanged")
                continue
            if current is None:
                planned = versioning.plan_create(content, SYSTEM.user_id, seed_data.SEED_EFFECTIVE_FROM)
                tally.add(kind, "created")
            else:
                planned = versioning.plan_update(current, content, SYSTEM.user_id, versioning.today())
                tally.add(kind, "updated")
            versioning.apply_to_batch(batch, ref, planned)
            pending += 3
        else:
            if current == content:
                tally.add(kind, "unchanged")
                continue
            batch.set(ref, content)
            tally.add(kind, "created" if current is None else "updated")
            pending += 1
        if pending >= BATCH_SIZE:
            batch.commit()
            batch, pending = db.batch(), 0
    if pending:
        batch.commit()


def _seed_commodities(tally: _Tally) -> None:
    for desired in (seed_data.cotton(), seed_data.kapas()):
        content = commodities.validate_commodity(store.to_store(desired))
        _upsert_versioned(commodities.KIND, desired["code"], content, tally,
                          lambda content=content: store.create(commodities.KIND, content["code"], content, SYSTEM,
                                                               effective_from=seed_data.SEED_EFFECTIVE_FROM))


def _seed_rates(tally: _Tally) -> None:
    for code_type, code, description, rate in seed_data.GST_RATES:
        content = {"codeType": code_type, "code": code, "description": description, "rate": rate}
        rate_id = gst_rates.rate_id(code_type, code)
        _upsert_versioned(gst_rates.KIND, rate_id, content, tally,
                          lambda rate_id=rate_id, content=content: store.create(
                              gst_rates.KIND, rate_id, content, SYSTEM, effective_from=seed_data.GST_EFFECTIVE_FROM))
    for body in seed_data.COMMISSION_STRUCTURES:
        content = commissions.content_from(body)
        _upsert_versioned(commissions.KIND, body["code"], content, tally,
                          lambda content=content: store.create(commissions.KIND, content["code"], content, SYSTEM,
                                                               effective_from=seed_data.SEED_EFFECTIVE_FROM))
    content = cci_terms.validate_terms(seed_data.CCI_TERMS)
    _upsert_versioned(cci_terms.KIND, cci_terms.TERMS_ID, content, tally,
                      lambda: store.create(cci_terms.KIND, cci_terms.TERMS_ID, content, SYSTEM,
                                           effective_from=seed_data.CCI_EFFECTIVE_FROM))


def _seed_organizations(tally: _Tally) -> dict[str, str]:
    """The demo organizations and, for each, an active financial year for today: {orgId: FY code}."""
    years: dict[str, str] = {}
    code = fiscal.current_financial_year()
    for org_id, body in seed_data.ORGANIZATIONS.items():
        content = organizations.validate_organization(body)
        _upsert_versioned(organizations.KIND, org_id, content, tally,
                          lambda org_id=org_id, body=body: organizations.create(body, SYSTEM, org_id=org_id),
                          create_only=True)
        try:
            years[org_id] = financial_years.active(SEEDER, org_id)["code"]
            tally.add("financialYears", "unchanged")
            continue
        except NotFound:
            pass
        try:
            financial_years.create(SEEDER, org_id, code, None, None, True, SYSTEM)
            tally.add("financialYears", "created")
        except Conflict as error:
            if error.code != "FINANCIAL_YEAR_EXISTS":
                raise
            financial_years.activate(SEEDER, financial_years.year_id(org_id, code), SYSTEM)
            tally.add("financialYears", "updated")
        years[org_id] = code
    return years


def seed_masters() -> dict[str, Any]:
    """Seed everything (idempotent). Returns the organization ids and what was created or updated."""
    tally = _Tally()
    _seed_reference(tally)
    _seed_commodities(tally)
    _seed_rates(tally)
    years = _seed_organizations(tally)

    tally.add("settings", "created" if org_settings.ensure_global(SYSTEM) else "unchanged")

    CACHE.clear()
    return {"organizationIds": list(seed_data.ORGANIZATIONS), "financialYears": years, "counts": tally.counts}


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    config = settings()
    if config.is_production:
        print("refusing to seed: TRADEHUB_ENV is production", file=sys.stderr)
        return 2
    if not config.firestore_emulator_host and "--allow-real-firestore" not in args:
        print("refusing to seed: FIRESTORE_EMULATOR_HOST is not set (pass --allow-real-firestore to seed "
              f"project {config.project_id} for real)", file=sys.stderr)
        return 2
    summary = seed_masters()
    print(f"masters seeded in project {config.project_id}")
    for kind, counts in sorted(summary["counts"].items()):
        print(f"  {kind:22} created {counts['created']:4}  updated {counts['updated']:4}  "
              f"unchanged {counts['unchanged']:4}")
    for org_id in summary["organizationIds"]:
        print(f"  organization {org_id}: active financial year {summary['financialYears'].get(org_id)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
