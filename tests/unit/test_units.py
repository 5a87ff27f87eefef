"""shared/units.py: the factor table of domain/cotton.md, Quantity conversions and the API shape."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shared.units import KG_PER_UNIT, ApiQuantity, Quantity, Unit, from_store, kg_per, to_store


def test_the_factor_table_is_domain_cotton_md():
    assert {unit.value: str(kg) for unit, kg in KG_PER_UNIT.items()} == {
        "BALE": "170", "CANDY": "355.62", "QUINTAL": "100", "KG": "1", "TONNE": "1000", "MAUND": "37.32",
        "MAN": "20"}
    assert set(KG_PER_UNIT) == set(Unit)


@pytest.mark.parametrize(("value", "unit", "kg"), [
    ("100", Unit.BALE, "17000.000"), ("2.5", Unit.CANDY, "889.050"), ("10", Unit.QUINTAL, "1000.000"),
    ("3", Unit.TONNE, "3000.000"), ("7", Unit.MAUND, "261.240"), ("12", Unit.MAN, "240.000"),
    ("17000", "KG", "17000.000"),
])
def test_quantity_keeps_the_users_unit_and_a_canonical_kg(value, unit, kg):
    quantity = Quantity.of(value, unit)
    assert quantity.value == Decimal(value) and quantity.unit == Unit(unit)
    assert quantity.kg == Decimal(kg)


def test_conversions_match_the_derived_figures_of_cotton_md():
    assert Quantity.of(1, Unit.CANDY).to(Unit.BALE).value == Decimal("2.0919")
    assert Quantity.of(1, Unit.BALE).to(Unit.CANDY).value == Decimal("0.4780")
    assert Quantity.of(1, Unit.QUINTAL).to(Unit.CANDY).value == Decimal("0.2812")
    bales = Quantity.of(100, Unit.BALE)
    assert bales.to(Unit.KG).value == Decimal("17000.0000") and bales.to(Unit.KG).kg == bales.kg
    assert bales.to(Unit.BALE) is bales


def test_the_candy_factor_can_come_from_the_masters():
    assert kg_per(Unit.CANDY, candy_kg="355.56") == Decimal("355.56")
    assert kg_per(Unit.BALE, candy_kg="355.56") == Decimal("170")     # only the candy moves
    assert Quantity.of(10, Unit.CANDY, candy_kg=Decimal("355.56")).kg == Decimal("3555.600")
    assert Quantity.of(10, Unit.CANDY).kg == Decimal("3556.200")
    assert Quantity.of(100, Unit.BALE).to(Unit.CANDY, candy_kg="355.56").value == Decimal("47.8119")
    with pytest.raises(ValueError):
        kg_per(Unit.CANDY, candy_kg="0")


def test_quantities_are_never_floats_and_units_are_known():
    with pytest.raises(TypeError):
        Quantity.of(1.5, Unit.BALE)
    with pytest.raises(ValueError):
        Quantity.of("1", "BAG")
    with pytest.raises(ValueError):
        Quantity.of("many", Unit.BALE)


def test_adding_quantities():
    total = Quantity.of(60, Unit.BALE) + Quantity.of(40, Unit.BALE)
    assert (total.value, total.unit, total.kg) == (Decimal(100), Unit.BALE, Decimal("17000.000"))
    mixed = Quantity.of(1, Unit.BALE) + Quantity.of(1, Unit.QUINTAL)
    assert (mixed.value, mixed.unit) == (Decimal("270.000"), Unit.KG)
    left = Quantity.of(100, Unit.BALE) - Quantity.of(30, Unit.BALE)
    assert left.value == Decimal(70) and left.kg == Decimal("11900.000")


def test_api_quantity_computes_kg_and_refuses_a_wrong_one():
    model = ApiQuantity.model_validate(json.loads('{"value": 2.5, "unit": "CANDY"}'))
    assert model.kg == Decimal("889.050")
    assert json.dumps(model.model_dump(mode="json", by_alias=True)) == '{"value": 2.5, "unit": "CANDY", "kg": 889.05}'
    assert ApiQuantity.model_validate({"value": 100, "unit": "BALE", "kg": 17000}).kg == Decimal("17000.000")
    for bad in ({"value": 100, "unit": "BALE", "kg": 16000}, {"value": 0, "unit": "BALE"},
                {"value": -1, "unit": "BALE"}, {"value": 1, "unit": "BAG"}, {"value": 1.00001, "unit": "KG"},
                {"value": 1, "unit": "KG", "extra": 1}):
        with pytest.raises(ValidationError):
            ApiQuantity.model_validate(bad)


def test_api_quantity_to_and_from_the_domain():
    model = ApiQuantity.model_validate({"value": 10, "unit": "CANDY"})
    assert model.quantity(candy_kg="355.56").kg == Decimal("3555.600")
    back = ApiQuantity.of(Quantity.of(10, Unit.CANDY, candy_kg="355.56"))
    assert back.model_dump(mode="json") == {"value": 10, "unit": "CANDY", "kg": 3555.6}


def test_store_round_trip_keeps_decimals_exact():
    quantity = Quantity.of("2.0919", Unit.CANDY)
    stored = to_store(quantity)
    assert stored == {"value": "2.0919", "unit": "CANDY", "kg": "743.921"}   # 743.921478 kg
    assert from_store(stored) == quantity
