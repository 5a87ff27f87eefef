"""The trade desk's pure rules: each refusal with its code and details."""
from datetime import date
from decimal import Decimal as D

import pytest

from functions.masters.seed_data import COTTON_PARAMETERS, cotton
from functions.tradedesk import rules
from shared.errors import Conflict, Unprocessable


def test_ranges_inside_the_bounds_are_kept_and_one_sided_ones_take_the_template_bound():
    result = rules.normalise_ranges({"stapleMm": {"min": 29}, "trashPct": {"max": 3}}, COTTON_PARAMETERS)
    assert result == {"stapleMm": {"min": D(29), "max": D(40)}, "trashPct": {"min": D(0), "max": D(3)}}


def test_each_parameter_out_of_range_is_named():
    with pytest.raises(Unprocessable) as caught:
        rules.normalise_ranges({"stapleMm": {"min": 18, "max": 30}, "micronaire": {"min": 3, "max": 7},
                                "trashPct": {"min": 1, "max": 2}, "colour": {"min": 1}}, COTTON_PARAMETERS)
    error = caught.value
    assert error.code == "PARAMETERS_OUT_OF_RANGE"
    named = {p["parameter"]: p["rule"] for p in error.details["parameters"]}
    assert named == {"stapleMm": "outside_allowed_range", "micronaire": "outside_allowed_range",
                     "colour": "unknown_parameter"}
    with pytest.raises(Unprocessable) as caught:
        rules.normalise_ranges({"stapleMm": {"min": 31, "max": 29}}, COTTON_PARAMETERS)
    assert caught.value.details["parameters"][0]["rule"] == "min_above_max"


def test_actual_values_are_checked_against_the_bounds():
    assert rules.check_values({"micronaire": 4.2}, COTTON_PARAMETERS) == {"micronaire": D("4.2")}
    with pytest.raises(Unprocessable) as caught:
        rules.check_values({"micronaire": 6.5, "stapleMm": 29}, COTTON_PARAMETERS)
    assert [p["parameter"] for p in caught.value.details["parameters"]] == ["micronaire"]


def test_terms_must_come_from_the_commodity_lists():
    template = cotton()
    rules.check_terms({"paymentTerms": "ADVANCE", "bargainType": "EX_GIN", "certificates": []}, template)
    with pytest.raises(Unprocessable) as caught:
        rules.check_terms({"paymentTerms": "NEVER", "tradeType": "SPOT", "certificates": ["NOPE"]}, template)
    assert [f["field"] for f in caught.value.details["fields"]] == ["paymentTerms", "certificates.0"]


@pytest.mark.parametrize(("kind", "side", "ok"), [
    ("BUYER", "BUY", True), ("BUYER", "SELL", False), ("SELLER", "SELL", True), ("SELLER", "BUY", False),
    ("TRADER", "BUY", True), ("TRADER", "SELL", True), ("TRANSPORTER", "BUY", False), (None, "SELL", False),
])
def test_side_rules_per_partner_kind(kind, side, ok):
    if ok:
        rules.check_side(kind, side)
    else:
        with pytest.raises(Unprocessable) as caught:
            rules.check_side(kind, side)
        assert caught.value.code == "SIDE_NOT_ALLOWED"


def test_self_trade_same_partner_shared_pan_or_gstin():
    owner = {"pan": "AAACA1111A", "gstins": ["24AAACA1111A1Z5"]}
    with pytest.raises(Conflict) as caught:
        rules.check_self_trade("p1", owner, "p1", owner)
    assert (caught.value.code, caught.value.details["reason"]) == ("SELF_TRADE", "SAME_PARTNER")
    for maker in ({"pan": "AAACA1111A", "gstins": []}, {"pan": "BBBCB2222B", "gstins": ["24AAACA1111A1Z5"]}):
        with pytest.raises(Conflict) as caught:
            rules.check_self_trade("p1", owner, "p2", maker)
        assert caught.value.details == {"reason": "SHARED_PAN_OR_GSTIN"}
    rules.check_self_trade("p1", owner, "p2", {"pan": "BBBCB2222B", "gstins": ["27BBBCB2222B1Z1"]})
    rules.check_self_trade("p1", {"pan": None, "gstins": []}, "p2", {"pan": None, "gstins": []})


def test_certificates_must_be_held_verified_and_in_force():
    today = date(2026, 4, 1)
    held = [{"type": "BCI", "status": "VERIFIED", "expiryDate": "2026-04-01"},
            {"type": "ORGANIC", "status": "PENDING", "expiryDate": "2027-01-01"},
            {"type": "GOTS", "status": "VERIFIED", "expiryDate": "2026-03-31"}]
    rules.check_certificates(["BCI"], held, today)                       # expires today: still in force
    with pytest.raises(Unprocessable) as caught:
        rules.check_certificates(["BCI", "ORGANIC", "GOTS", "FAIRTRADE"], held, today)
    assert caught.value.code == "CERTIFICATE_MISMATCH"
    assert caught.value.details["missing"] == ["FAIRTRADE", "GOTS", "ORGANIC"]


def test_turns_alternate_starting_with_the_owner():
    assert rules.whose_turn(None) == rules.OWNER
    assert rules.whose_turn(rules.MAKER) == rules.OWNER
    assert rules.whose_turn(rules.OWNER) == rules.MAKER
    rules.check_turn(rules.OWNER, rules.OWNER)
    with pytest.raises(Conflict) as caught:
        rules.check_turn(rules.OWNER, rules.MAKER)
    assert caught.value.code == "NOT_YOUR_TURN"


def test_an_offer_past_its_validity_cannot_be_accepted_and_a_closed_one_is_refused():
    rules.check_not_expired(10, 9)
    with pytest.raises(Conflict) as caught:
        rules.check_not_expired(10, 10)
    assert caught.value.code == "OFFER_EXPIRED"
    rules.check_live("COUNTERED")
    with pytest.raises(Conflict):
        rules.check_live("ACCEPTED")


def test_fill_never_goes_below_zero():
    assert rules.fill(D(85000), D(17000)) == (D(68000), "PARTIALLY_FILLED")
    assert rules.fill(D(17000), D(17000)) == (D(0), "AGREED")
    with pytest.raises(Conflict) as caught:
        rules.fill(D(17000), D("17000.001"))
    assert caught.value.code == "QUANTITY_EXCEEDS_OPEN"
    with pytest.raises(Unprocessable):
        rules.fill(D(17000), D(0))


def test_refusal_details_are_plain_json():
    import json

    for call in (lambda: rules.normalise_ranges({"stapleMm": {"min": 18}}, COTTON_PARAMETERS),
                 lambda: rules.check_values({"micronaire": 9}, COTTON_PARAMETERS),
                 lambda: rules.fill(D(1), D(2))):
        with pytest.raises((Unprocessable, Conflict)) as caught:
            call()
        assert json.loads(json.dumps(caught.value.body()))["code"] == caught.value.code
