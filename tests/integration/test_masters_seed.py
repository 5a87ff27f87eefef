"""The masters seed: real reference data, valid demo organizations, idempotent."""
from __future__ import annotations

from shared import fiscal, validators

SEEDED_COLLECTIONS = ("states", "regions", "stations", "commodities", "gstRates", "commissionStructures", "cciTerms",
                      "organizations", "organizationKeys", "settings", "financialYears", "activeFinancialYears",
                      "auditLog", "outbox")


def snapshot_all() -> dict[str, dict]:
    from shared.db import client

    db = client()
    docs = {}
    for name in SEEDED_COLLECTIONS:
        for snapshot in db.collection(name).stream():
            docs[snapshot.reference.path] = snapshot.to_dict()
    for snapshot in db.collection_group("versions").stream():
        docs[snapshot.reference.path] = snapshot.to_dict()
    return docs


def test_seed_loads_reference_data_and_demo_organizations(masters_api):
    from functions.masters.seed import seed_masters
    from shared.db import collection

    summary = seed_masters()
    assert summary["organizationIds"] == ["rnrl-gujarat", "rnrl-maharashtra"]
    assert summary["counts"]["stations"]["created"] == 100 and summary["counts"]["states"]["created"] == 36
    code = fiscal.current_financial_year()
    assert summary["financialYears"] == {"rnrl-gujarat": code, "rnrl-maharashtra": code}
    state_codes = set()
    for org_id in summary["organizationIds"]:
        org = collection("organizations").document(org_id).get().to_dict()
        for entry in org["gstins"]:
            assert validators.gstin_matching_pan(entry["gstin"], org["pan"]) == entry["gstin"]
            state_codes.add(entry["stateCode"])
        assert validators.pan(org["pan"])[3] == "C"
        fy = collection("financialYears").document(f"{org_id}_{code}").get().to_dict()
        assert fy["active"] is True and fy["status"] == "OPEN"
        assert collection("settings").document(org_id).get().to_dict()["subUserLimit"] == 2
    assert {"24", "27"} <= state_codes
    morbi = collection("stations").document("24-morbi").get().to_dict()
    assert morbi["aliases"] == ["Morvi"] and "morvi" in morbi["searchKeys"] and morbi["region"] == "Saurashtra"
    assert collection("gstRates").document("HSN-5201").get().to_dict()["rate"] == 5.0
    assert collection("gstRates").document("SAC-996111").get().to_dict()["rate"] == 18.0


def test_seeding_twice_changes_nothing(masters_api):
    from functions.masters.seed import seed_masters

    seed_masters()
    before = snapshot_all()
    second = seed_masters()
    after = snapshot_all()
    assert after == before                       # same documents, same updatedAt and version
    assert all(counts["created"] == counts["updated"] == 0 for counts in second["counts"].values()), second
    assert len(before) > 300


def test_seed_brings_a_changed_master_back_as_a_new_version(masters_api):
    from functions.masters.seed import seed_masters
    from shared.db import collection

    seed_masters()
    collection("gstRates").document("HSN-5201").update({"rate": 7.0})
    summary = seed_masters()
    assert summary["counts"]["gstRates"]["updated"] == 1
    stored = collection("gstRates").document("HSN-5201").get().to_dict()
    assert stored["rate"] == 5.0 and stored["version"] == 2


def test_seed_command_refuses_production(monkeypatch, capsys):
    from functions.masters import seed
    from shared.config import settings

    monkeypatch.setattr(seed, "settings", lambda: settings().model_copy(update={"env": "production"}))
    assert seed.main([]) == 2
    assert "production" in capsys.readouterr().err
