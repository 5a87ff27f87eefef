"""Unit words of quantities and prices (CONVENTIONS.md, Units)."""
from __future__ import annotations

from typing import Literal

Unit = Literal["BALE", "CANDY", "QUINTAL", "KG", "TONNE", "MAUND", "MAN"]

_WORDS: dict[Unit, tuple[str, ...]] = {
    "BALE": ("bales", "bale", "b", "nos", "gaanthen", "gaanthe", "gaanth", "ganthe", "ganth", "gathan",
             "gathri"),
    "CANDY": ("candies", "candy", "khandis", "khandi", "c"),
    "QUINTAL": ("quintals", "quintal", "qntls", "qntl", "qtls", "qtl", "q"),
    "KG": ("kgs", "kg", "kilos", "kilo"),
    "TONNE": ("mt", "tonnes", "tonne", "tons", "ton"),
    "MAUND": ("maunds", "maund", "mounds", "mound", "mds", "md"),
    "MAN": ("mann", "man", "mans"),
}
_UNIT_OF = {word: unit for unit, words in _WORDS.items() for word in words}

_NOT_PRICE_UNITS = frozenset({"b", "nos", "gaanthen", "gaanthe", "gaanth", "ganthe", "ganth", "gathan",
                              "gathri"})
TRUCK_WORDS = frozenset({"gaadi", "gaddi", "gadi", "gaadis", "truck", "trucks", "lorry", "lorries", "trailer",
                         "trailers", "tractor", "tractors"})

LINT_UNITS: frozenset[str] = frozenset({"BALE", "CANDY", "MAUND"})


def unit_of(word: str | None) -> Unit | None:
    """`'Bales'` -> BALE, `'20 kg'` (as in `per 20 kg`) -> MAN, `'khandi'` -> CANDY; None if unknown."""
    key = "".join((word or "").lower().split())
    if key in ("20kg", "20kgs"):
        return "MAN"
    return _UNIT_OF.get(key)


def quantity_unit(word: str | None) -> Unit | None:
    """The unit of a count (`500 bales`); `c` is a candy only after a price."""
    return None if (word or "").lower() == "c" else unit_of(word)


def price_unit(word: str | None) -> Unit | None:
    """The unit of a price (`/qtl`, `candy`, `c`); bale-count words such as `nos` are not."""
    return None if (word or "").lower() in _NOT_PRICE_UNITS else unit_of(word)
