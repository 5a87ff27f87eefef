"""POST /api/nlp/parse through the gateway, resolved against masters seeded in the emulator."""
from __future__ import annotations

import pytest

from tests.support.identity import token_for


@pytest.fixture
def seeded_api(api):
    from functions.masters import public as masters_public
    from functions.masters.seed import seed_masters

    masters_public.clear_lexicon()
    seed_masters()
    yield api
    masters_public.clear_lexicon()


def parse(api, text, token):
    return api.post("/api/nlp/parse", json={"text": text}, token=token)


def test_a_message_is_parsed_and_its_names_resolved_to_master_ids(seeded_api):
    token = token_for({"nlp:parse"})[0]
    response = parse(seeded_api, "WTB 200 bales Shankar6 29/3.8 @ 56,800 delivered Amdavad, pmt 7 days", token)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["side"] == "BUY" and body["variety"] == "Shankar-6"
    assert body["quantity"] == {"value": 200, "unit": "BALE"}
    assert body["price"]["amount"] == 56800 and body["price"]["unit"] == "CANDY"
    assert body["location"] == {"station": "Ahmedabad", "state": "Gujarat"}
    assert body["paymentDays"] == 7 and body["bargainType"] == "DELIVERED"
    assert body["commodityId"] == "COTTON"
    assert body["varietyId"] == "COTTON:SHANKAR-6"
    assert body["stationId"] == "24-ahmedabad"
    assert body["confidence"] >= 0.8


def test_a_station_added_to_the_masters_is_recognised(seeded_api):
    from functions.masters import public as masters_public

    admin = token_for({"masters:write", "masters:read"})[0]
    created = seeded_api.post("/api/settings/locations", token=admin, json={
        "name": "Talod", "aliases": ["Taalod"], "state": "Gujarat", "region": "North Gujarat"})
    assert created.status_code == 201, created.get_data(as_text=True)
    masters_public.clear_lexicon()   # another instance would see it once its cache expires
    token = token_for({"nlp:parse"})[0]
    body = parse(seeded_api, "Sell 100 bales S-6 @ 55000 Taalod ex-gin", token).get_json()
    assert body["location"] == {"station": "Talod", "state": "Gujarat"}
    assert body["stationId"] == created.get_json()["id"]


def test_a_warm_instance_reads_no_masters(seeded_api):
    token = token_for({"nlp:parse"})[0]
    parse(seeded_api, "Sell 100 bales J34 @ 5900 per maund Bhatinda", token)
    response = parse(seeded_api, "Sell 100 bales J34 @ 5900 per maund Bhatinda", token)
    assert response.get_json()["stationId"] == "03-bathinda"
    assert response.headers["X-Firestore-Reads"] == "1"      # the session only (the rate limit reads nothing)


@pytest.mark.parametrize("text", ["", "x" * 2001])
def test_text_outside_one_to_two_thousand_characters_is_422(seeded_api, text):
    token = token_for({"nlp:parse"})[0]
    response = parse(seeded_api, text, token)
    assert response.status_code == 422
    assert response.get_json()["details"]["fields"][0]["field"] == "text"


def test_parsing_needs_a_signed_in_user_with_the_permission(seeded_api):
    assert parse(seeded_api, "Sell 100 bales", None).status_code == 401
    other = token_for({"masters:read"})[0]
    response = parse(seeded_api, "Sell 100 bales", other)
    assert response.status_code == 403 and response.get_json()["code"] == "PERMISSION_DENIED"
