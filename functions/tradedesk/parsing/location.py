"""Where: a station (which implies its state) or a state; a delivery place wins over an origin."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import Hit, Lexicon, Station
from .text import Scan


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    return {
        # a delivery word right before the place: "FOR Kovai", "delivered at Amdavad", "door delivery Nanded"
        "before": re.compile(
            r"(?P<word>\bf\.?o\.?r\b\.?|\bdelivered\b|\bdelivery\b|\bdeliver\b|\bdel\b\.?)"
            r"\s*(?:[:\-]\s*)?(?:(?:at|to|in|till|upto)\s+)?$", flags),
        "looking": re.compile(r"\b(?:looking|searching|search|ask(?:ing)?|quote|rates?)\s*$", flags),
        # ... or right after it: "Baroda delivered", "Adilabad delivery" (not "delivery 7 days")
        "after": re.compile(
            r"\s*[\-,]?\s*(?P<word>delivered\b|delivery\b(?!\s*(?:in|within|:)?\s*\d)|del\b\.?)", flags),
        "pan_india": re.compile(r"\b(?:pan|all)[\s\-]*india\b", flags),
    }


@dataclass
class Place:
    station: str | None
    state: str | None
    delivered: bool


def _delivery_word(scan: Scan, hit: Hit) -> tuple[int, int] | None:
    """The span of a delivery word right before or after the place, if there is one."""
    patterns = _patterns()
    before = patterns["before"].search(scan.work, max(0, hit.start - 25), hit.start)
    if before is not None:
        is_for = before.group("word").lower().replace(".", "") == "for"
        looking = is_for and patterns["looking"].search(scan.work, max(0, before.start() - 20),
                                                        before.start())
        if not looking:
            return before.span()
    after = patterns["after"].match(scan.work, hit.end)
    return after.span() if after is not None else None


def extract_location(scan: Scan, lexicon: Lexicon, warnings: list[str]) -> Place | None:
    """The place of the trade: the delivery place if one is marked, else the first station or state."""
    stations, states = lexicon.places_in(scan.work)
    if not stations:
        stations = lexicon.fuzzy_stations_in(scan.work)
    if not stations and not states:
        states = lexicon.fuzzy_states_in(scan.work)
    hits = sorted(stations + states, key=lambda hit: hit.start)
    if not hits:
        return None
    delivery: list[Hit] = []
    for hit in hits:
        span = _delivery_word(scan, hit)
        if span is not None:
            delivery.append(hit)
            scan.take(*span)
    for hit in hits:
        scan.take(hit.start, hit.end)
        if hit.fuzzy:
            kind = "station" if isinstance(hit.entry, Station) else "state"
            warnings.append(f"{kind} '{hit.surface}' matched to {hit.entry.name} (fuzzy)")

    # a station says more than a state: the first station among the delivery places, else among all
    candidates = delivery or hits
    chosen = next((hit for hit in candidates if isinstance(hit.entry, Station)), candidates[0])
    if isinstance(chosen.entry, Station):
        station, state = chosen.entry.name, chosen.entry.state
        named = {h.entry.name for h in states}
        if named and state not in named:
            warnings.append(f"state named ({', '.join(sorted(named))}) is not {station}'s state {state}")
    else:
        station, state = None, chosen.entry.name
    places = sorted({h.entry.name for h in stations} - {station})
    if places:
        role = "delivery place" if delivery else "first place"
        warnings.append(f"several places named ({', '.join(places)}); used the {role} {station or state}")
    if _patterns()["pan_india"].search(scan.text) and not delivery:
        warnings.append("'pan India' named together with a place; location kept")
    return Place(station=station, state=state, delivered=bool(delivery))
