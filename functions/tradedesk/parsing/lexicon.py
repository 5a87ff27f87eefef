"""The masters the parser knows (varieties, stations, states) and how message words are looked up.

Lookups are exact first: a message's words, joined without spaces or hyphens and lower-cased, are
looked up among the canonical names and aliases (`S-6`, `S 6` and `s6` are one key). Only when no
exact name is found are misspellings tried, with rapidfuzz's optimal-string-alignment distance (a
swap of two neighbouring letters is one edit) and a small edit budget that grows with the word's
length; short words never match fuzzily, because too many ordinary words are one letter away from a
four- or five-letter place name.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from shared import reference_data

# Two-letter state codes that are also English words: in a message written all in capitals they
# are far more likely to be the word ("AS PER SAMPLE", "100 OR 200 BALES") than the state.
_WORDLIKE_CODES = frozenset({"AS", "OR", "UP", "AN", "LA", "UT", "UK", "GA", "CH", "DL", "ML", "HP"})
# Words a message uses for other things: never fuzzy-matched to a place or a variety.
_NOT_NAMES = frozenset({
    "available", "avaliable", "requirement", "required", "wanted", "needed", "looking", "please",
    "quote", "selling", "offering", "delivery", "delivered", "lifting", "dispatch", "despatch",
    "payment", "credit", "immediate", "against", "warehouse", "godown", "quintal", "quintals",
    "candies", "khandi", "maunds", "gaanth", "gathan", "strength", "micronaire", "moisture", "staple",
    "length", "closing", "opening", "market", "morning", "evening", "thanks", "thank", "traders",
    "holiday", "update", "auction", "confirm", "chahiye", "bechna", "ready", "stock", "bales",
    "cotton", "kapas", "minimum", "maximum", "garden", "brokers", "broker", "buyers", "sellers",
    "seller", "buyer", "contact", "tomorrow", "today", "yesterday", "pending", "quality", "samples",
    "sample", "rates", "morbid", "handed",
})

Entry = Any  # Variety | Station | State


def _split_aliases(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split("|") if part.strip())
    return tuple(str(part).strip() for part in value if str(part).strip())


@dataclass(frozen=True, slots=True)
class Variety:
    name: str
    aliases: tuple[str, ...] = ()
    commodity: str = "COTTON"
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Station:
    name: str
    state: str
    aliases: tuple[str, ...] = ()
    region: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class State:
    name: str
    aliases: tuple[str, ...] = ()
    gst_code: str | None = None
    id: str | None = None


@dataclass(frozen=True, eq=False)
class ParserMasters:
    """What the parser may name: varieties, stations and states, each with aliases and an optional id.

    Compared and hashed by identity, so a lexicon built from it can be cached cheaply.
    """

    varieties: tuple[Variety, ...]
    stations: tuple[Station, ...]
    states: tuple[State, ...]

    @classmethod
    def from_rows(cls, varieties: Iterable[Mapping[str, Any]], stations: Iterable[Mapping[str, Any]],
                  states: Iterable[Mapping[str, Any]]) -> ParserMasters:
        """Build from rows such as master documents: `name` (or the CSV column: `variety`, `station`,
        `state`), `aliases` (a list or `|`-separated), `commodity`, `state`, `region`, `gst_state_code`
        and an optional `id`, which `variety_id`/`station_id`/`state_id` give back."""
        return cls(
            varieties=tuple(
                Variety(name=row.get("name") or row["variety"], aliases=_split_aliases(row.get("aliases")),
                        commodity=(row.get("commodity") or "COTTON").upper(), id=row.get("id"))
                for row in varieties),
            stations=tuple(
                Station(name=row.get("name") or row["station"], state=row["state"],
                        aliases=_split_aliases(row.get("aliases")), region=row.get("region") or None,
                        id=row.get("id"))
                for row in stations),
            states=tuple(
                State(name=row.get("name") or row["state"], aliases=_split_aliases(row.get("aliases")),
                      gst_code=row.get("gst_state_code") or row.get("gstCode") or None, id=row.get("id"))
                for row in states),
        )

    @classmethod
    def from_reference_data(cls) -> ParserMasters:
        """The project's reference data (shared/reference_data), built once, on first use."""
        return _reference_masters()

    def variety_id(self, name: str | None) -> str | None:
        return next((v.id for v in self.varieties if v.name == name), None) if name else None

    def station_id(self, name: str | None) -> str | None:
        return next((s.id for s in self.stations if s.name == name), None) if name else None

    def state_id(self, name: str | None) -> str | None:
        return next((s.id for s in self.states if s.name == name), None) if name else None


@cache
def _reference_masters() -> ParserMasters:
    return ParserMasters(
        varieties=tuple(Variety(v.name, v.aliases, v.commodity) for v in reference_data.varieties()),
        stations=tuple(Station(s.name, s.state, s.aliases, s.region or None)
                       for s in reference_data.stations()),
        states=tuple(State(s.name, s.aliases, s.gst_code) for s in reference_data.states()),
    )


def default_masters() -> ParserMasters:
    return ParserMasters.from_reference_data()


# ---------------------------------------------------------------------------------------------------
# Lookup


@dataclass(frozen=True, slots=True)
class Hit:
    """A master named in the message: where, what, as written, and whether it was a fuzzy match."""

    start: int
    end: int
    entry: Entry
    surface: str
    fuzzy: bool = False


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        "token": re.compile(r"[A-Za-z0-9]+"),
        "gap": re.compile(r"[ \t.\-&]{1,3}"),
        "coded_variety": re.compile(r"\b([A-Za-z]{3,})[ \-]?(\d{1,4})\b(?![.\d])"),
    }


def key_of(text: str) -> str:
    """The lookup key of a name: lower case, letters and digits only (`S-6` -> `s6`)."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _edit_budget(length: int) -> int:
    """How many edits a misspelling of a word of this length may have: 0 below 6 letters."""
    if length < 6:
        return 0
    return 1 if length < 9 else 2


@dataclass(slots=True)
class _Index:
    keys: dict[str, Entry] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)  # every leading part of every key
    # letter-only keys of 5+ letters: a misspelling of 6+ letters may be one edit from them ("Bunnny")
    fuzzy_keys: list[str] = field(default_factory=list)

    def add(self, name: str, entry: Entry) -> None:
        key = key_of(name)
        if key:
            self.keys.setdefault(key, entry)
            self.prefixes.update(key[:end] for end in range(1, len(key) + 1))
            if key.isalpha() and len(key) >= 5 and key not in self.fuzzy_keys:
                self.fuzzy_keys.append(key)


class Lexicon:
    """Indexes over one ParserMasters, with the exact and fuzzy lookups the extractors use."""

    def __init__(self, masters: ParserMasters) -> None:
        self.masters = masters
        self.varieties = _Index()
        self.stations = _Index()
        self.state_names = _Index()
        self.state_codes: dict[str, State] = {}
        variety_by_name = {v.name: v for v in masters.varieties}
        # Coded varieties ("Shankar-6", "MCU 5"): digits -> [(letter part, variety)], for misspellings.
        self.coded: dict[str, list[tuple[str, Variety]]] = {}
        letter_owners: dict[str, set[str]] = {}
        for variety in masters.varieties:
            for name in (variety.name, *variety.aliases):
                self.varieties.add(name, variety)
                key = key_of(name)
                letters, digits = key.rstrip("0123456789"), key[len(key.rstrip("0123456789")):]
                if digits and letters.isalpha():
                    self.coded.setdefault(digits, []).append((letters, variety))
                    letter_owners.setdefault(letters, set()).add(variety.name)
        # A long letter part that belongs to one variety only ("shankar") also names it on its own.
        self.letter_only: dict[str, Variety] = {
            letters: variety_by_name[next(iter(owners))]
            for letters, owners in letter_owners.items() if len(owners) == 1 and len(letters) >= 6
        }
        for station in masters.stations:
            for name in (station.name, *station.aliases):
                self.stations.add(name, station)
        for state in masters.states:
            self.state_names.add(state.name, state)
            for alias in state.aliases:
                if len(alias) <= 4 and alias.isalpha():  # a code: matched only as written or in capitals
                    self.state_codes[alias] = state
                    self.state_codes[alias.upper()] = state
                else:
                    self.state_names.add(alias, state)

    # --- exact -------------------------------------------------------------------------------------

    @staticmethod
    def _tokens(work: str) -> list[tuple[int, int, str]]:
        """The words of `work`: start, end, lower-case key."""
        lowered = work.lower()
        if len(lowered) != len(work):  # a character whose lower case is longer: lower word by word
            return [(m.start(), m.end(), m.group().lower()) for m in _patterns()["token"].finditer(work)]
        return [(m.start(), m.end(), m.group()) for m in _patterns()["token"].finditer(lowered)]

    @staticmethod
    def _exact(work: str, tokens: list[tuple[int, int, str]], index: _Index) -> list[Hit]:
        """The longest runs of words (joined by spaces, dots or hyphens) whose key is a name."""
        gap = _patterns()["gap"]
        hits: list[Hit] = []
        i = 0
        while i < len(tokens):
            key, best, j = "", None, i
            while j < len(tokens):
                if j > i and not gap.fullmatch(work, tokens[j - 1][1], tokens[j][0]):
                    break
                key += tokens[j][2]
                if key not in index.prefixes:
                    break
                if key in index.keys:
                    best = (j, key)
                j += 1
            if best is None:
                i += 1
                continue
            start, end = tokens[i][0], tokens[best[0]][1]
            hits.append(Hit(start, end, index.keys[best[1]], work[start:end]))
            i = best[0] + 1
        return hits

    def varieties_in(self, work: str) -> list[Hit]:
        return self._exact(work, self._tokens(work), self.varieties)

    def places_in(self, work: str) -> tuple[list[Hit], list[Hit]]:
        """Stations, and states: full names in any case, codes (GJ, MP, Guj) only as written or in
        capitals (and not English-looking codes such as AS or OR in a message written in capitals)."""
        tokens = self._tokens(work)
        stations = self._exact(work, tokens, self.stations)
        states = self._exact(work, tokens, self.state_names)
        taken = {hit.start for hit in states}
        letters = sum(map(str.isalpha, work))
        shouting = letters > 0 and sum(map(str.isupper, work)) > 0.7 * letters
        for start, end, _ in tokens:
            surface = work[start:end]
            state = self.state_codes.get(surface)
            if state is None or start in taken or (shouting and surface in _WORDLIKE_CODES):
                continue
            states.append(Hit(start, end, state, surface))
        states.sort(key=lambda hit: hit.start)
        return stations, states

    # --- fuzzy -------------------------------------------------------------------------------------

    @staticmethod
    def _closest(word: str, index: _Index) -> Entry | None:
        """The entry whose letter-only key is within the edit budget of `word` (rapidfuzz, OSA)."""
        budget = _edit_budget(len(word))
        if not budget or not index.fuzzy_keys:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extractOne(word, index.fuzzy_keys, scorer=OSA.distance, score_cutoff=budget)
        return index.keys[found[0]] if found else None

    def _fuzzy_words(self, work: str, index: _Index) -> list[Hit]:
        """Single words (and two-word joins) of 6+ letters that are close to one name of `index`."""
        tokens = [m for m in _patterns()["token"].finditer(work) if m.group().isalpha()]
        hits: list[Hit] = []
        used_until = -1
        for i, match in enumerate(tokens):
            if match.start() < used_until:
                continue
            candidates = [(match.start(), match.end())]
            if i + 1 < len(tokens) and _patterns()["gap"].fullmatch(work, match.end(), tokens[i + 1].start()):
                candidates.insert(0, (match.start(), tokens[i + 1].end()))
            for start, end in candidates:
                word = key_of(work[start:end])
                if word in _NOT_NAMES or len(word) < 6:
                    continue
                entry = self._closest(word, index)
                if entry is not None:
                    hits.append(Hit(start, end, entry, work[start:end], fuzzy=True))
                    used_until = end
                    break
        return hits

    def fuzzy_stations_in(self, work: str) -> list[Hit]:
        return self._fuzzy_words(work, self.stations)

    def fuzzy_states_in(self, work: str) -> list[Hit]:
        return self._fuzzy_words(work, self.state_names)

    def fuzzy_varieties_in(self, work: str) -> list[Hit]:
        """Misspelt coded varieties (`Shankr6`, `Shanker-6`: same digits, letters close) and long
        letter names (`Bramha`, `Shankar` alone)."""
        hits: list[Hit] = []
        for match in _patterns()["coded_variety"].finditer(work):
            letters, digits = match.group(1).lower(), match.group(2)
            group = {name: variety for name, variety in self.coded.get(digits, ()) if len(name) >= 4}
            budget = 1 if len(letters) <= 6 else 2
            if len(letters) < 4 or not group or letters in _NOT_NAMES:
                continue
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            found = process.extractOne(letters, list(group), scorer=OSA.distance, score_cutoff=budget)
            if found:
                hits.append(Hit(match.start(), match.end(), group[found[0]], match.group(), fuzzy=True))
        if hits:
            return hits
        for match in _patterns()["token"].finditer(work):
            word = match.group().lower()
            if not word.isalpha() or len(word) < 6 or word in _NOT_NAMES:
                continue
            entry = self.letter_only.get(word) or self._closest(word, self.varieties)
            if entry is not None:
                hits.append(Hit(match.start(), match.end(), entry, match.group(), fuzzy=True))
                break
        return hits


@lru_cache(maxsize=8)
def lexicon_for(masters: ParserMasters) -> Lexicon:
    """The lexicon of a masters bundle, built once per bundle (bundles hash by identity)."""
    return Lexicon(masters)
