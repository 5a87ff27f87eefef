"""functions/masters/commodities.py: validate_commodity, on the seed commodities and its target-range rules."""
from __future__ import annotations

import pytest

from functions.masters.commodities import validate_commodity
from functions.masters.seed_data import cotton, kapas
from shared.errors import Unprocessable


def rules(call, *args):
    with pytest.raises(Unprocessable) as caught:
        call(*args)
    return [(f["field"], f["rule"]) for f in caught.value.details["fields"]]


# seed content passes the service validations

def test_seed_commodities_are_valid():
    for commodity in (cotton(), kapas()):
        assert validate_commodity(commodity)["nameLower"] == commodity["name"].casefold()


def test_commodity_target_range_rules():
    commodity = cotton()
    micronaire = {**commodity["qualityParameters"][1], "targetMin": None}
    commodity["qualityParameters"] = [micronaire]
    assert rules(validate_commodity, commodity) == [("qualityParameters.0.targetMin", "target_range_required")]
    commodity["qualityParameters"] = [{**micronaire, "targetMin": 3.6, "basis": 9.0}]
    assert rules(validate_commodity, commodity) == [("qualityParameters.0.basis", "outside_allowed_range")]
