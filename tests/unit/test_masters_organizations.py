"""functions/masters/organizations.py: validate_organization, on the seed organizations and its rules."""
from __future__ import annotations

import pytest

from functions.masters.organizations import validate_organization
from functions.masters.seed_data import ORGANIZATIONS
from shared.errors import Unprocessable


def rules(call, *args):
    with pytest.raises(Unprocessable) as caught:
        call(*args)
    return [(f["field"], f["rule"]) for f in caught.value.details["fields"]]


# seed content passes the service validations

def test_seed_organizations_are_valid():
    for body in ORGANIZATIONS.values():
        content = validate_organization(body)
        assert content["gstins"][0]["primary"] is True
        assert all(g["gstin"][2:12] == content["pan"] for g in content["gstins"])


def test_organization_rules():
    body = {**ORGANIZATIONS["rnrl-gujarat"], "cin": "U51101GJ2012PTC071234", "pan": "AAKPR5710M", "gstins": []}
    assert rules(validate_organization, body) == [("pan", "pan_holder_type_mismatch")]
    gstin = ORGANIZATIONS["rnrl-gujarat"]["gstins"][0]["gstin"]
    twice = {**ORGANIZATIONS["rnrl-gujarat"], "gstins": [{"gstin": gstin}, {"gstin": gstin}]}
    assert rules(validate_organization, twice) == [("gstins.1.gstin", "gstin_duplicate")]
    two_primary = {**ORGANIZATIONS["rnrl-gujarat"], "gstins": [{"gstin": gstin, "primary": True}],
                   "bankAccounts": [{"accountName": "a", "accountNumber": "123456789", "ifsc": "SBIN0000001",
                                     "primary": True},
                                    {"accountName": "b", "accountNumber": "987654321", "ifsc": "SBIN0000002",
                                     "primary": True}]}
    assert rules(validate_organization, two_primary) == [("bankAccounts.1.primary", "primary_multiple")]
