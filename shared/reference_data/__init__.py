"""The project's own reference data (states, cotton stations, varieties), read from the CSVs beside this file.

Loaded once per process on first use. Names and aliases are matched case-insensitively after
`normalize` (lower case, runs of anything but letters and digits collapsed to one space).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """`Sri  Ganganagar` → `sri ganganagar`; `J&K` → `j k`; used for lookups and search keys."""
    return _NON_ALNUM.sub(" ", text.casefold()).strip()


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def _rows(name: str) -> list[dict[str, str]]:
    with open(HERE / name, encoding="utf-8", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class State:
    name: str
    aliases: tuple[str, ...]
    gst_code: str                      # two digits, "24"


@dataclass(frozen=True)
class Station:
    name: str
    aliases: tuple[str, ...]
    state: str
    region: str


@dataclass(frozen=True)
class Variety:
    name: str
    aliases: tuple[str, ...]
    commodity: str
    staple_min_mm: float | None
    staple_max_mm: float | None
    regions: tuple[str, ...]


@lru_cache(maxsize=1)
def states() -> tuple[State, ...]:
    return tuple(State(row["state"], _split(row["aliases"]), row["gst_state_code"].zfill(2))
                 for row in _rows("states.csv"))


@lru_cache(maxsize=1)
def stations() -> tuple[Station, ...]:
    return tuple(Station(row["station"], _split(row["aliases"]), row["state"], row["region"])
                 for row in _rows("stations.csv"))


def _staple(cell: str) -> tuple[float | None, float | None]:
    if not cell:
        return None, None
    low, _, high = cell.partition("-")
    return float(low), float(high or low)


@lru_cache(maxsize=1)
def varieties() -> tuple[Variety, ...]:
    out = []
    for row in _rows("varieties.csv"):
        low, high = _staple(row["typical_staple_mm"])
        out.append(Variety(row["variety"], _split(row["aliases"]), row["commodity"].upper(), low, high,
                           _split(row["regions"])))
    return tuple(out)


@lru_cache(maxsize=1)
def _states_by_code() -> dict[str, State]:
    return {state.gst_code: state for state in states()}


@lru_cache(maxsize=1)
def _states_by_name() -> dict[str, State]:
    index: dict[str, State] = {}
    for state in states():
        for name in (state.name, *state.aliases):
            index[normalize(name)] = state
    return index


def state_by_code(code: str) -> State | None:
    """The state of a GST state code (`"24"` → Gujarat); None for codes not in states.csv."""
    return _states_by_code().get(str(code).zfill(2))


def state_by_name(name: str) -> State | None:
    """The state of a name or alias (`"guj"`, `"Gujarat"`); None when unknown."""
    return _states_by_name().get(normalize(name))


def gst_state_codes() -> frozenset[str]:
    return frozenset(_states_by_code())
