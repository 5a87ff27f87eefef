"""Quantities of cotton: the unit the user chose and a canonical kg value (DESIGN.md §6).

The one factor table is domain/cotton.md's. The candy is the unit lint prices are quoted in, and its
weight is the one factor an organization may set differently (CCI terms in the masters carry a candy
factor; one exchange uses 355.56 kg): pass it as `candy_kg`, everything else is fixed.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema, model_validator

from shared.models import ApiModel


class Unit(StrEnum):
    BALE = "BALE"
    CANDY = "CANDY"
    QUINTAL = "QUINTAL"
    KG = "KG"
    TONNE = "TONNE"
    MAUND = "MAUND"     # North India lint (J-34 quotes)
    MAN = "MAN"         # Gujarat kapas: 20 kg


KG_PER_UNIT: dict[Unit, Decimal] = {
    Unit.BALE: Decimal("170"),
    Unit.CANDY: Decimal("355.62"),
    Unit.QUINTAL: Decimal("100"),
    Unit.KG: Decimal("1"),
    Unit.TONNE: Decimal("1000"),
    Unit.MAUND: Decimal("37.32"),
    Unit.MAN: Decimal("20"),
}
DEFAULT_CANDY_KG = KG_PER_UNIT[Unit.CANDY]
KG_STEP = Decimal("0.001")       # canonical kg kept to the gram
VALUE_STEP = Decimal("0.0001")   # a converted value kept to four decimals (1 bale = 0.4780 candy)


def _decimal(value: Decimal | str | int) -> Decimal:
    if isinstance(value, (bool, float)):
        raise TypeError(f"a quantity is never built from {type(value).__name__}; pass a Decimal, str or int")
    try:
        result = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError) as error:
        raise ValueError(f"not a quantity: {value!r}") from error
    if not result.is_finite():
        raise ValueError(f"not a quantity: {value!r}")
    return result


def kg_per(unit: Unit | str, *, candy_kg: Decimal | str | None = None) -> Decimal:
    """Kilograms in one `unit` (the candy's from `candy_kg` when the masters give one)."""
    unit = Unit(unit)
    if unit is Unit.CANDY and candy_kg is not None:
        factor = _decimal(candy_kg)
        if factor <= 0:
            raise ValueError("the candy factor must be positive")
        return factor
    return KG_PER_UNIT[unit]


@dataclass(frozen=True, slots=True)
class Quantity:
    """`value` in `unit`, and the same amount in kg (the canonical value rules compare)."""

    value: Decimal
    unit: Unit
    kg: Decimal

    @classmethod
    def of(cls, value: Decimal | str | int, unit: Unit | str, *, candy_kg: Decimal | str | None = None) -> Quantity:
        amount = _decimal(value)
        kg = (amount * kg_per(unit, candy_kg=candy_kg)).quantize(KG_STEP, rounding=ROUND_HALF_UP)
        return cls(amount, Unit(unit), kg)

    @classmethod
    def from_kg(cls, kg: Decimal | str | int, unit: Unit | str = Unit.KG, *,
                candy_kg: Decimal | str | None = None) -> Quantity:
        weight = _decimal(kg).quantize(KG_STEP, rounding=ROUND_HALF_UP)
        value = (weight / kg_per(unit, candy_kg=candy_kg)).quantize(VALUE_STEP, rounding=ROUND_HALF_UP)
        return cls(value, Unit(unit), weight)

    def to(self, unit: Unit | str, *, candy_kg: Decimal | str | None = None) -> Quantity:
        """The same weight expressed in `unit` (value to four decimals, half-up; kg unchanged)."""
        if Unit(unit) is self.unit and candy_kg is None:
            return self
        return Quantity.from_kg(self.kg, unit, candy_kg=candy_kg)

    def __add__(self, other: Quantity) -> Quantity:
        """The sum: in the common unit when both share one, else in kg (no factor is guessed)."""
        if not isinstance(other, Quantity):
            return NotImplemented
        if other.unit is self.unit:
            return Quantity(self.value + other.value, self.unit, self.kg + other.kg)
        kg = self.kg + other.kg
        return Quantity(kg, Unit.KG, kg)

    def __sub__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self + Quantity(-other.value, other.unit, -other.kg)

    def __str__(self) -> str:
        return f"{self.value} {self.unit.value} ({self.kg} kg)"


# --- API quantities -----------------------------------------------------------------------------

def _exact(value: Any) -> Any:
    """A JSON number as the Decimal of its literal (see shared.money._exact_decimal)."""
    if isinstance(value, bool):
        raise ValueError("a quantity is a number")
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _json_number(value: Decimal, info: Any) -> Any:
    if info.mode != "json":
        return value
    return int(value) if value == value.to_integral_value() else float(value)


ApiDecimal = Annotated[
    Decimal,
    BeforeValidator(_exact),
    Field(gt=0, le=Decimal("999999999999"), decimal_places=4, allow_inf_nan=False),
    PlainSerializer(_json_number, when_used="always"),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
]


class ApiQuantity(ApiModel):
    """`{"value": 100, "unit": "BALE", "kg": 17000}` in the API. `kg` is computed from value and unit
    (the default candy factor); a client may omit it, and a `kg` that disagrees is refused (422)."""

    value: ApiDecimal
    unit: Unit
    kg: ApiDecimal | None = None

    @model_validator(mode="after")
    def _compute_kg(self) -> ApiQuantity:
        computed = Quantity.of(self.value, self.unit).kg
        if self.kg is not None and self.kg.quantize(KG_STEP) != computed:
            raise ValueError(f"kg must be {computed} for {self.value} {self.unit.value} (or be left out)")
        self.kg = computed
        return self

    def quantity(self, *, candy_kg: Decimal | str | None = None) -> Quantity:
        """The domain Quantity (with the organization's candy factor when it has one)."""
        return Quantity.of(self.value, self.unit, candy_kg=candy_kg)

    @classmethod
    def of(cls, quantity: Quantity) -> ApiQuantity:
        """The API shape of a Quantity (its kg kept, whatever candy factor made it)."""
        model = cls.model_construct(value=quantity.value, unit=quantity.unit, kg=quantity.kg)
        return model


def to_store(quantity: Quantity) -> dict[str, Any]:
    """Firestore shape: decimals as strings (Firestore has no decimal type, and a float is not exact)."""
    return {"value": str(quantity.value), "unit": quantity.unit.value, "kg": str(quantity.kg)}


def from_store(data: dict[str, Any]) -> Quantity:
    return Quantity(Decimal(data["value"]), Unit(data["unit"]), Decimal(data["kg"]))
