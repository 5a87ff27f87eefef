"""Locations: state → region → station, with aliases (`Morvi` → Morbi) and prefix search for dropdowns.

States (`states/{gstCode}`) come from the reference data and do not change through the API; regions
(`regions/{stateCode}-{slug}`) are created with the first station that names them; stations
(`stations/{stateCode}-{slug}`) are versioned masters carrying their search keys.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from functions.masters import store
from functions.masters.cached import CACHE, LOCATION_PREFIX
from functions.masters.search import matched_alias, query_key, search_keys, slug
from functions.masters.store import Kind
from shared.db import collection
from shared.errors import Unprocessable
from shared.reference_data import State, state_by_name

if TYPE_CHECKING:
    from shared.auth.principal import Actor
    from shared.uow import UnitOfWork

STATIONS = Kind("stations", "station", "Station", "STATION_NOT_FOUND", cache_prefixes=(LOCATION_PREFIX,))
REGIONS = "regions"
STATES = "states"


def resolve_state(name: str | None, field: str = "state") -> State:
    state = state_by_name(name or "")
    if state is None:
        raise Unprocessable("VALIDATION_FAILED", f"{name!r} is not an Indian state or union territory",
                            {"fields": [{"field": field, "rule": "state_unknown",
                                         "message": "Unknown state or union territory"}]})
    return state


def station_id(state_code: str, name: str) -> str:
    return f"{state_code}-{slug(name)}"


def region_id(state_code: str, region: str) -> str:
    return f"{state_code}-{slug(region)}"


def station_content(name: str, aliases: list[str], state: State, region: str) -> dict[str, Any]:
    name = " ".join(name.split())
    region = " ".join(region.split())
    unique_aliases = []
    for alias in aliases:
        alias = " ".join(alias.split())
        if alias and alias.casefold() != name.casefold() and alias not in unique_aliases:
            unique_aliases.append(alias)
    return {"name": name, "nameLower": name.casefold(), "aliases": unique_aliases, "state": state.name,
            "stateCode": state.gst_code, "region": region, "regionId": region_id(state.gst_code, region),
            "searchKeys": search_keys(name, unique_aliases)}


def region_doc(content: dict[str, Any]) -> dict[str, Any]:
    return {"name": content["region"], "nameLower": content["region"].casefold(), "state": content["state"],
            "stateCode": content["stateCode"]}


def state_doc(state: State) -> dict[str, Any]:
    return {"code": state.gst_code, "name": state.name, "aliases": list(state.aliases)}


def _region_hook(uow: UnitOfWork, current: dict[str, Any] | None, after: dict[str, Any]):
    ref = collection(REGIONS).document(after["regionId"])
    if uow.get(ref).exists:
        return None
    return lambda: uow.set(ref, region_doc(after))


def create_station(name: str, aliases: list[str], state_name: str, region: str, actor: Actor) -> dict[str, Any]:
    state = resolve_state(state_name)
    content = station_content(name, aliases, state, region)
    return store.create(STATIONS, station_id(state.gst_code, content["name"]), content, actor, hook=_region_hook)


def update_station(station: str, patch: dict[str, Any], actor: Actor, if_match: str | None) -> dict[str, Any]:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        merged = {**current, **{k: v for k, v in patch.items() if v is not None}}
        state = resolve_state(merged["state"])
        return station_content(merged["name"], merged.get("aliases") or [], state, merged["region"])

    return store.update(STATIONS, station, change, actor, if_match=if_match, hook=_region_hook)


def delete_station(station: str, actor: Actor, if_match: str | None) -> None:
    store.delete(STATIONS, station, actor, if_match=if_match)


def public_station(doc: dict[str, Any], key: str = "") -> dict[str, Any]:
    return {"id": doc["id"], "name": doc["name"], "aliases": doc.get("aliases") or [], "state": doc["state"],
            "stateCode": doc["stateCode"], "region": doc["region"], "version": doc.get("version"),
            "matchedAlias": matched_alias(doc["name"], doc.get("aliases") or [], key)}


def search(q: str | None, state: str | None, region: str | None, page_size: int, token: str | None
           ) -> tuple[list[dict[str, Any]], str | None]:
    """Stations whose name, alias or a word of them starts with `q` (any case), ordered by name."""
    key = query_key(q)
    state_name = resolve_state(state).name if state else None
    cache_key = f"{LOCATION_PREFIX}{key}|{state_name}|{region}|{page_size}|{token}"

    def load() -> tuple[list[dict[str, Any]], str | None]:
        filters: list[tuple[str, str, Any]] = []
        if key:
            filters.append(("searchKeys", "array_contains", key))
        if state_name:
            filters.append(("state", "==", state_name))
        if region:
            filters.append(("region", "==", " ".join(region.split())))
        docs, next_token = store.list_page(STATIONS, [("nameLower", "ASCENDING")], page_size, token, filters,
                                           cached=False)              # cached below, as the public view
        return [public_station(doc, key) for doc in docs], next_token

    items, next_token = CACHE.get_or_load(cache_key, lambda: list(load()))
    return items, next_token


def get_station(station: str, as_of=None) -> dict[str, Any]:
    doc, _ = store.read(STATIONS, station, as_of)
    return public_station(doc)


def states() -> list[dict[str, Any]]:
    def load() -> list[dict[str, Any]]:
        return [snap.to_dict() or {} for snap in collection(STATES).order_by("code").stream()]

    return CACHE.get_or_load(f"{LOCATION_PREFIX}states", load)


def regions(state: str | None) -> list[dict[str, Any]]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    state_name = resolve_state(state).name if state else None

    def load() -> list[dict[str, Any]]:
        query = collection(REGIONS)
        if state_name:
            query = query.where(filter=FieldFilter("state", "==", state_name))
        query = query.order_by("nameLower").limit(500)
        return [{"id": snap.id, **(snap.to_dict() or {})} for snap in query.stream()]

    return CACHE.get_or_load(f"{LOCATION_PREFIX}regions|{state_name}", load)
