"""The match score, exactly DOMAIN.md's formula, at every boundary."""
from decimal import Decimal as D

import pytest

from functions.tradedesk import matching
from functions.tradedesk.matching import Place


@pytest.mark.parametrize("value", ["28", "29", "30"])
def test_inside_the_range_including_its_bounds_is_100(value):
    assert matching.parameter_score(28, 30, D(value)) == 100


def test_linear_fall_to_zero_at_three_range_widths_outside():
    # range 28-30 (width 2): one width outside = 2 away -> 100*(1-1/3); three widths = 6 away -> 0
    assert matching.parameter_score(28, 30, D("32")).quantize(D("0.0001")) == D("66.6667")
    assert matching.parameter_score(28, 30, D("24")).quantize(D("0.0001")) == D("33.3333")   # two widths
    assert matching.parameter_score(28, 30, D("36")) == 0
    assert matching.parameter_score(28, 30, D("21.9")) == 0
    assert matching.parameter_score(28, 30, D("37")) == 0          # beyond three widths: still 0, not negative
    assert matching.parameter_score(28, 30, D("31")) == D(100) * (1 - D(1) / D(6))


def test_a_missing_value_scores_zero():
    assert matching.parameter_score(28, 30, None) == 0


def test_a_zero_width_range_is_100_on_the_point_and_0_beside_it():
    assert matching.parameter_score(4, 4, 4) == 100
    assert matching.parameter_score(4, 4, D("4.01")) == 0


def test_quality_is_weighted_by_the_commodity_weights():
    ranges = {"stapleMm": {"min": 28, "max": 30}, "trashPct": {"min": 0, "max": 3}}
    weights = {"stapleMm": 1.0, "trashPct": 0.5}
    quality, per = matching.quality_score(ranges, weights, {"stapleMm": 29})   # trash missing -> 0
    assert per == {"stapleMm": 100, "trashPct": 0}
    assert quality.quantize(D("0.01")) == D("66.67")                        # (1*100 + 0.5*0) / 1.5
    assert matching.quality_score({}, weights, {})[0] == 100


def test_price_score_with_and_without_a_target():
    assert matching.price_score(D("100"), None) == 100
    assert matching.price_score(D("100"), D("100")) == 100
    assert matching.price_score(D("110"), D("100")) == 90
    assert matching.price_score(D("90"), D("100")) == 90
    assert matching.price_score(D("250"), D("100")) == 0           # never negative


@pytest.mark.parametrize(("offered", "expected"), [
    (Place("GJ-RAJKOT", "24-saurashtra", "24"), 100),
    (Place("GJ-MORBI", "24-saurashtra", "24"), 85),
    (Place("GJ-KADI", "24-north-gujarat", "24"), 70),
    (Place("MH-AKOLA", "27-vidarbha", "27"), 0),
    (Place(), 0),
])
def test_each_location_tier(offered, expected):
    assert matching.location_score(Place("GJ-RAJKOT", "24-saurashtra", "24"), offered) == expected


def test_a_request_naming_only_a_region_or_state_scores_by_that_level():
    assert matching.location_score(Place(None, "24-saurashtra", "24"), Place("GJ-MORBI", "24-saurashtra", "24")) == 85
    assert matching.location_score(Place(None, None, "24"), Place("GJ-MORBI", "24-saurashtra", "24")) == 70
    assert matching.location_score(Place(), Place("GJ-MORBI", "24-saurashtra", "24")) == 100


def test_terms_compatible_or_not():
    wanted = {"paymentTerms": "ADVANCE", "bargainType": "EX_GIN"}
    assert matching.terms_score(wanted, {"paymentTerms": "ADVANCE", "bargainType": "EX_GIN"}) == 100
    assert matching.terms_score(wanted, {"paymentTerms": "ADVANCE"}) == 100        # open term takes the request's
    assert matching.terms_score(wanted, {"paymentTerms": "CREDIT_7_DAYS"}) == 0


@pytest.mark.parametrize(("total", "name"), [
    (D("100"), "Best"), (D("90"), "Best"), (D("89.99"), "Good"), (D("75"), "Good"), (D("74.99"), "Average"),
    (D("60"), "Average"), (D("59.99"), "Poor"), (D("0"), "Poor"),
])
def test_labels_at_their_boundaries(total, name):
    assert matching.label(total) == name


def _score(**overrides):
    arguments = dict(ranges={"stapleMm": {"min": 28, "max": 30}}, weights={"stapleMm": 1},
                     values={"stapleMm": 29}, price_per_kg=D("100"), target_per_kg=D("100"),
                     wanted_place=Place("S1", "R1", "24"), offered_place=Place("S1", "R1", "24"),
                     wanted_terms={"paymentTerms": "ADVANCE"}, offered_terms={"paymentTerms": "ADVANCE"})
    arguments.update(overrides)
    return matching.score(**arguments)


def test_total_is_the_weighted_sum_with_its_breakdown():
    perfect = _score()
    assert perfect.total == 100 and perfect.label == "Best"
    # quality 0 (missing), price 90, location 85, terms 0: 0.45*0 + 0.35*90 + 0.1*85 + 0 = 40
    result = _score(values={}, price_per_kg=D("110"), offered_place=Place("S2", "R1", "24"),
                    offered_terms={"paymentTerms": "CREDIT_7_DAYS"})
    assert result.total == D("40.00")
    assert result.label == "Poor"
    breakdown = result.breakdown()
    assert breakdown == {"total": D("40.00"), "label": "Poor", "quality": D("0.00"), "price": D("90.00"),
                         "location": D("85.00"), "terms": D("0.00"), "parameters": {"stapleMm": D("0.00")}}
    # only the location tier differs: 100 -> 70 costs 0.10 * 30 = 3 points
    assert _score().total - _score(offered_place=Place("S9", "R9", "24")).total == 3
