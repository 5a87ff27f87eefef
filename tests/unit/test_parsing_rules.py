"""The trade-message parser, rule by rule (see ../shared/nlp/CONVENTIONS.md)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def parse(text: str) -> dict:
    from functions.tradedesk.parsing import parse_message

    return parse_message(text).model_dump(by_alias=True)


def quality(text: str) -> dict:
    return parse(text)["quality"]


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("digits", "multiplier", "value"), [
    ("1,200", None, 1200),
    ("1,50,000", None, 150000),
    ("56.5", "k", 56500),
    ("56", "k", 56000),
    ("1.5", " lakh", 150000),
    ("1", " lakh", 100000),
    ("2", "lac", 200000),
    ("3.8", None, 3.8),
])
def test_indian_number_forms(digits, multiplier, value):
    from functions.tradedesk.parsing.numbers import to_number

    assert to_number(digits, multiplier) == value


@pytest.mark.parametrize(("text", "amount"), [
    ("Sell 100 bales S-6 @ 56,500/-", 56500),
    ("Sell 100 bales S-6 @ 56.5k", 56500),
    ("Sell 100 bales S-6 @ 56k", 56000),
    ("Sell 50 bales Suvin @ 1.05 lakh per candy", 105000),
    ("Sell 100 bales S-6 Rs.57,000 candy", 57000),
    ("Sell 100 bales S-6 Rs57000", 57000),
])
def test_price_amount_forms(text, amount):
    assert parse(text)["price"]["amount"] == amount


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("WTB 2k bales S-6 @ 56k", 2000, "BALE"),
    ("Kapas 1.5 lakh kg bechna hai @ 7,150 per quintal", 150000, "KG"),
    ("Kapas 1 lakh kg bechna hai @ 7,150 per quintal", 100000, "KG"),
    ("Sell 1,000 bales S-6 @ 56,500", 1000, "BALE"),
])
def test_quantity_number_forms(text, value, unit):
    assert parse(text)["quantity"] == {"value": value, "unit": unit}


def test_dates_times_and_phone_numbers_are_not_quantities_or_prices():
    result = parse("S-6 29mm available from 15/04, call 98250 41234 after 10 am, or +91 9825012345")
    assert result["quantity"] is None
    assert result["price"] is None
    assert result["side"] == "SELL"


def test_whatsapp_prefix_and_sender_are_dropped():
    result = parse("12/3/26, 9:15 AM - Need Wala Trader: Good morning all")
    assert result["side"] is None  # "Need" is in the sender's name only
    assert result["quantity"] is None and result["price"] is None
    ios = parse("[12/03/26, 9:15:23 AM] Ramesh: Sell 500 bales S-6 @ 56,500")
    assert (ios["side"], ios["quantity"]["value"], ios["price"]["amount"]) == ("SELL", 500, 56500)


# --- units ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "unit"), [
    ("bales", "BALE"), ("bale", "BALE"), ("b", "BALE"), ("nos", "BALE"), ("gaanth", "BALE"),
    ("gathan", "BALE"), ("candy", "CANDY"), ("candies", "CANDY"), ("khandi", "CANDY"),
    ("quintal", "QUINTAL"), ("qtl", "QUINTAL"), ("q", "QUINTAL"), ("kg", "KG"), ("kgs", "KG"),
    ("MT", "TONNE"), ("ton", "TONNE"), ("tonne", "TONNE"), ("tons", "TONNE"),
    ("maund", "MAUND"), ("mound", "MAUND"), ("man", "MAN"), ("mann", "MAN"),
])
def test_quantity_unit_words(word, unit):
    assert parse(f"Sell 300 {word} Rajkot")["quantity"] == {"value": 300, "unit": unit}


def test_truck_loads_are_not_a_unit():
    result = parse("Kal 2 gaadi kapas bechna hai Gondal, ₹1,500 per man")
    assert result["quantity"] is None
    assert any("truck" in warning for warning in result["warnings"])


def test_glued_bale_count():
    assert parse("WTS BB 300b Khammam @ 56.8k")["quantity"] == {"value": 300, "unit": "BALE"}


# --- quality -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "key", "bounds"), [
    ("29mm", "stapleMm", {"min": 29, "max": 29}),
    ("staple 28.5", "stapleMm", {"min": 28.5, "max": 28.5}),
    ("mic 3.8", "micronaire", {"min": 3.8, "max": 3.8}),
    ("str 30", "strengthGpt", {"min": 30, "max": None}),
    ("28 gpt", "strengthGpt", {"min": 28, "max": None}),
    ("RD 76", "rd", {"min": 76, "max": None}),
    ("trash 3", "trashPct", {"min": None, "max": 3}),
    ("moisture 8%", "moisturePct", {"min": None, "max": 8}),
    ("+b 9", "plusB", {"min": None, "max": 9}),
])
def test_single_number_direction_per_parameter(text, key, bounds):
    assert quality(f"S-6 100 bales {text} @ 56,500") == {key: bounds}


@pytest.mark.parametrize(("text", "bounds"), [
    ("mic 4.5 max", {"min": None, "max": 4.5}),
    ("mic upto 4.5", {"min": None, "max": 4.5}),
    ("mic up to 4.5", {"min": None, "max": 4.5}),
    ("mic below 4.5", {"min": None, "max": 4.5}),
    ("mic under 4.5", {"min": None, "max": 4.5}),
    ("mic < 4.5", {"min": None, "max": 4.5}),
    ("mic <= 4.5", {"min": None, "max": 4.5}),
    ("mic ≤ 4.5", {"min": None, "max": 4.5}),
    ("mic 3.5 min", {"min": 3.5, "max": None}),
    ("mic above 3.5", {"min": 3.5, "max": None}),
    ("mic > 3.5", {"min": 3.5, "max": None}),
    ("mic >= 3.5", {"min": 3.5, "max": None}),
    ("mic ≥ 3.5", {"min": 3.5, "max": None}),
    ("mic 3.8-4.2", {"min": 3.8, "max": 4.2}),
    ("mic 3.8–4.2", {"min": 3.8, "max": 4.2}),
    ("mic 3.8 to 4.2", {"min": 3.8, "max": 4.2}),
    ("3.8-4.2 mic", {"min": 3.8, "max": 4.2}),
])
def test_comparison_words_and_ranges(text, bounds):
    assert quality(f"S-6 100 bales {text} @ 56,500")["micronaire"] == bounds


@pytest.mark.parametrize(("text", "bounds"), [
    ("29+", {"min": 29, "max": None}),
    ("34mm+", {"min": 34, "max": None}),
    ("35mm min", {"min": 35, "max": None}),
    ("28mm-29mm", {"min": 28, "max": 29}),
    ("28.5-29 mm", {"min": 28.5, "max": 29}),
    ("staple 28 to 29", {"min": 28, "max": 29}),
])
def test_staple_forms(text, bounds):
    text = text if "mm" in text or "staple" in text else f"staple {text}"
    assert quality(f"S-6 100 bales {text} @ 56,500")["stapleMm"] == bounds


def test_rd_plus_and_plus_b_max_side_by_side():
    assert quality("Bunny 400 bales RD 75+, +b 9 max @ 57,000") == {
        "rd": {"min": 75, "max": None}, "plusB": {"min": None, "max": 9}}


def test_shorthand_staple_slash_micronaire():
    assert quality("Mech-162 Akola 300 bales chahiye, 29/3.8 @ 55,800c") == {
        "stapleMm": {"min": 29, "max": 29}, "micronaire": {"min": 3.8, "max": 3.8}}


def test_values_written_before_their_parameter_words():
    assert quality("S-6 100 bales 3% trash 8% moisture @ 56,500") == {
        "trashPct": {"min": None, "max": 3}, "moisturePct": {"min": None, "max": 8}}


def test_quality_holds_only_mentioned_parameters():
    assert parse("Kapas 20 tons lena hai Prakasam, rate 7,400 qtl")["quality"] == {}


# --- price ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "amount", "high"), [
    ("@ 43500-43800", 43500, 43800),
    ("Rs 45,000 - 47,000", 45000, 47000),
    ("rate 55,000 to 55,300", 55000, 55300),
    ("₹53,500 – 54,000", 53500, 54000),
    ("@ 56-57k", 56000, 57000),
    ("upto 57,200", 57200, None),
    ("above 56k", 56000, None),
])
def test_price_ranges_floors_and_ceilings(text, amount, high):
    price = parse(f"WTB 100 bales S-6 {text}")["price"]
    assert (price["amount"], price["maxAmount"], price["unit"]) == (amount, high, "CANDY")


@pytest.mark.parametrize(("text", "unit"), [
    ("@ 56,000/candy", "CANDY"), ("@ 56,000 per candy", "CANDY"), ("@ 56,000 candy", "CANDY"),
    ("@ 56,000 khandi", "CANDY"), ("@ 55,800c", "CANDY"), ("₹26,500 per bale", "BALE"),
    ("₹26,500/bale", "BALE"), ("Rs 7,300/qtl", "QUINTAL"), ("₹7,150 per quintal", "QUINTAL"),
    ("@ Rs 158/kg", "KG"), ("₹5,880 per maund", "MAUND"), ("₹5,950 per mound", "MAUND"),
    ("Rs 1,520 per 20 kg", "MAN"), ("₹1,495 per man", "MAN"), ("₹1,495 per mann", "MAN"),
])
def test_price_unit_words(text, unit):
    assert parse(f"Sell 100 bales {text}")["price"]["unit"] == unit


@pytest.mark.parametrize(("text", "unit"), [
    ("Sell 100 bales S-6 @ 56,500", "CANDY"),
    ("Kapas avl 500 qtl @ 7,200", "QUINTAL"),
    ("Sell 100 @ 56,500", "CANDY"),
])
def test_default_price_unit_by_commodity(text, unit):
    result = parse(text)
    assert result["price"]["unit"] == unit
    assert f"price unit assumed {unit} (none written)" in result["warnings"]


def test_gst_does_not_change_the_amount():
    price = parse("RCH 2 BG Guntur 150 bales avl, ₹57,400/- per candy + GST")["price"]
    assert (price["amount"], price["unit"]) == (57400, "CANDY")


def test_candy_count_is_a_quantity_and_candy_rate_a_price():
    result = parse("Disa S-6 29/3.7 ask ₹56,900, 100 candy, ex-gin")
    assert result["quantity"] == {"value": 100, "unit": "CANDY"}
    assert result["price"]["amount"] == 56900
    assert parse("V797 500 nos ready stock 44,000 candy")["price"]["amount"] == 44000


def test_zero_is_neither_a_price_nor_a_quantity():
    result = parse("Sell 0 bales S-6 @ 0")
    assert (result["price"], result["quantity"]) == (None, None)


def test_per_20_kg_is_a_price_unit_not_a_quantity():
    result = parse("Kapas avl 1,000 man Botad yard, rate Rs 1,520 per 20 kg")
    assert result["quantity"] == {"value": 1000, "unit": "MAN"}
    assert (result["price"]["amount"], result["price"]["unit"]) == (1520, "MAN")


# --- side ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "side"), [
    ("buy", "BUY"), ("need", "BUY"), ("needed", "BUY"), ("required", "BUY"), ("requirement", "BUY"),
    ("want", "BUY"), ("wanted", "BUY"), ("WTB", "BUY"), ("looking for", "BUY"), ("please quote", "BUY"),
    ("bid", "BUY"), ("chahiye", "BUY"), ("lena hai", "BUY"), ("seller required", "BUY"),
    ("sell", "SELL"), ("selling", "SELL"), ("offer", "SELL"), ("available", "SELL"), ("avl", "SELL"),
    ("ready stock", "SELL"), ("ready bales", "SELL"), ("WTS", "SELL"), ("ask", "SELL"),
    ("bechna hai", "SELL"), ("buyer required", "SELL"),
])
def test_side_words(word, side):
    assert parse(f"S-6 100 bales {word} Rajkot")["side"] == side


@pytest.mark.parametrize("text", [
    "Good morning all 🙏🙏",
    "Rajkot closing today: S-6 29mm mic 3.8 ₹56,350 candy",
    "Market aaj bahut slow hai, koi buyer nahi 😔",
    "S-6 not available right now",
    "Anyone selling S-6 in Jamnagar?",
    "Is Bunny available in Adoni? pls share rate",
])
def test_no_side_for_reports_questions_greetings_and_negations(text):
    assert parse(text)["side"] is None


def test_want_to_sell_is_sell():
    assert parse("Want to sell 100 bales S-6 @ 56500")["side"] == "SELL"


def test_side_word_outside_the_question_counts():
    assert parse("Need 500 bales S-6 29mm @ 56k, any offers?")["side"] == "BUY"


# --- delivery, payment, bargain --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "delivery", "payment"), [
    ("delivery 7 days", 7, None),
    ("lifting 5 days", 5, None),
    ("dispatch 3 days", 3, None),
    ("10 days lifting", 10, None),
    ("10 din me delivery", 10, None),
    ("immediate lifting", 0, None),
    ("ready lifting", 0, None),
    ("payment 10 days", None, 10),
    ("pmt 7 days", None, 7),
    ("credit 45 days", None, 45),
    ("21 days payment", None, 21),
    ("3 din payment", None, 3),
    ("payment 10 din", None, 10),
    ("payment 48 hrs", None, 2),
    ("spot payment", None, 0),
    ("cash", None, 0),
    ("immediate payment", None, 0),
    ("payment against delivery", None, 0),
    ("lifting 7 days, payment 10 days", 7, 10),
    ("10 din delivery 3 din payment", 10, 3),
])
def test_delivery_and_payment_days(text, delivery, payment):
    result = parse(f"Sell 100 bales S-6 @ 56,500, {text}")
    assert (result["deliveryDays"], result["paymentDays"]) == (delivery, payment)


def test_ready_stock_sets_no_delivery_days():
    result = parse("V797 Surendranagar 500 nos ready stock @ 44,000 candy")
    assert (result["side"], result["deliveryDays"]) == ("SELL", None)


@pytest.mark.parametrize(("text", "bargain"), [
    ("ex-gin", "EX_GIN"), ("ex gin", "EX_GIN"), ("exgin", "EX_GIN"), ("EX-GIN", "EX_GIN"),
    ("ex-warehouse", "EX_WAREHOUSE"), ("ex-godown", "EX_WAREHOUSE"),
    ("delivered", "DELIVERED"), ("door delivery Nanded", "DELIVERED"), ("FOR Kovai", "DELIVERED"),
    ("Baroda delivered", "DELIVERED"), ("delivery Ludhiana", "DELIVERED"),
])
def test_bargain_types(text, bargain):
    assert parse(f"Sell 100 bales S-6 @ 56,500 {text}")["bargainType"] == bargain


def test_ordinary_for_is_not_the_for_term():
    result = parse("Need 100 bales for our mill, S-6 @ 56,900, ex-gin")
    assert (result["bargainType"], result["location"]) == ("EX_GIN", None)


# --- location ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "station", "state"), [
    ("Rajkot", "Rajkot", "Gujarat"),
    ("Amdavad", "Ahmedabad", "Gujarat"),
    ("Sri Muktsar Sahib", "Muktsar", "Punjab"),
    ("Kalaburagi", "Gulbarga", "Karnataka"),
    ("MP", None, "Madhya Pradesh"),
    ("tamil nadu", None, "Tamil Nadu"),
    ("GJ", None, "Gujarat"),
])
def test_station_implies_state_and_states_by_name_or_code(text, station, state):
    assert parse(f"Sell 100 bales S-6 {text} @ 56,500")["location"] == {"station": station, "state": state}


@pytest.mark.parametrize("text", [
    "Sell 500 bales S-6 Rajkot ka maal @ 56,600",
    "Sell 200 or 300 bales S-6 Rajkot @ 56,600",
    "WTS S-6 500 BALES AS PER SAMPLE RAJKOT @ 56,800",
])
def test_lower_case_and_word_like_codes_are_not_states(text):
    assert parse(text)["location"] == {"station": "Rajkot", "state": "Gujarat"}
    assert not any("state named" in warning for warning in parse(text)["warnings"])


def test_delivery_place_wins_over_origin():
    result = parse("Abohar J 34 300 bales chahiye FOR Ludhiana @ 5,900 per maund")
    assert result["location"] == {"station": "Ludhiana", "state": "Punjab"}
    assert result["bargainType"] == "DELIVERED"


def test_pan_india_has_no_location():
    assert parse("WTB 2k bales S 6 pan India, 29mm+, best price")["location"] is None


def test_misspelt_station_matches_fuzzily_with_a_warning():
    result = parse("Kapas 500 quintal avl Rajkott @ 7200")
    assert result["location"] == {"station": "Rajkot", "state": "Gujarat"}
    assert "station 'Rajkott' matched to Rajkot (fuzzy)" in result["warnings"]


def test_short_words_never_match_places_fuzzily():
    assert parse("Will confirm later, sales are slow")["location"] is None


# --- variety, grade, commodity ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "variety"), [
    ("S-6", "Shankar-6"), ("S6", "Shankar-6"), ("S 6", "Shankar-6"), ("Shankar6", "Shankar-6"),
    ("Sankar-6", "Shankar-6"), ("J 34", "J-34"), ("MCU 5", "MCU-5"), ("RCH 2 BG", "RCH-2"),
    ("Bunny Brahma", "Bunny"), ("BB", "Bunny"), ("LRA", "LRA-5166"), ("Ajit 155", "Ajeet-155"),
])
def test_variety_aliases(text, variety):
    assert parse(f"Sell 100 bales {text} @ 56,500")["variety"] == variety


def test_misspelt_variety_matches_fuzzily_with_a_warning():
    result = parse("WTS 400 bales Shankr6 29mm @ 57,200")
    assert result["variety"] == "Shankar-6"
    assert "variety 'Shankr6' matched to Shankar-6 (fuzzy)" in result["warnings"]


def test_variety_number_must_match():
    assert parse("Sell 100 bales MCU 7 @ 56,500")["variety"] is None
    assert parse("Sell 100 bales ICS 106 @ 56,500")["variety"] is None


@pytest.mark.parametrize(("text", "grade"), [
    ("WTS S-6 A GRADE 500 BALES", "A"), ("Shankar 6 grade B 200 bales avl", "B"),
    ("V797 C grade 500 nos", "C"),
])
def test_grade(text, grade):
    assert parse(text)["grade"] == grade


@pytest.mark.parametrize(("text", "commodity"), [
    ("Kapas chahiye 500 qtl", "KAPAS"),
    ("WTB seed cotton 50 MT", "KAPAS"),
    ("Kapas S-6 500 qtl avl", "KAPAS"),
    ("Rui 100 gaanth lena hai", "COTTON"),
    ("Cotton 25,000 kg available", "COTTON"),
    ("S-6 avl Rajkot", "COTTON"),
    ("Sell 100 bales Rajkot", "COTTON"),
    ("Sell 100 qtl Rajkot", None),
    ("Cotton seed 100 MT available", None),
])
def test_commodity(text, commodity):
    assert parse(text)["commodity"] == commodity


# --- confidence and warnings -----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Good morning all 🙏🙏",
    "Aaj Dhoraji mein S-6 ki rate kya chal rahi hai? 🤔",
    "Anyone selling 500 bales S-6 @ 56k?",
    "S-6 29mm mic 3.8 Rajkot",
])
def test_low_confidence_for_greetings_questions_and_bare_descriptions(text):
    assert parse(text)["confidence"] < 0.5


def test_high_confidence_when_side_quantity_and_price_are_found():
    assert parse("Sell 100 qtl @ 7,500")["confidence"] >= 0.8
    assert parse("Sell 500 bales S-6 29mm 3.8-4.2 mic @ 56,500 Rajkot ex-gin")["confidence"] >= 0.95


def test_a_fuzzy_reading_lowers_confidence():
    exact = parse("Sell 100 bales Shankar-6 @ 56,500 Rajkot")["confidence"]
    fuzzy = parse("Sell 100 bales Shankr6 @ 56,500 Rajkott")["confidence"]
    assert 0.8 <= fuzzy < exact


def test_missing_fields_are_warned():
    result = parse("Please quote MCU5 Salem 50 bales 32-33mm")
    assert result["price"] is None
    assert "no price found" in result["warnings"]
    assert parse("Happy Holi to all traders")["warnings"] == ["no trade details found"]


# --- schema, masters, import -------------------------------------------------------------------------


def test_dump_is_the_conventions_schema():
    result = parse("Sell 500 bales S-6 29mm @ 56,500 Rajkot")
    assert list(result) == [
        "side", "commodity", "variety", "grade", "quantity", "quality", "price", "location",
        "deliveryDays", "paymentDays", "bargainType", "confidence", "warnings"]
    assert result["price"] == {"amount": 56500, "maxAmount": None, "unit": "CANDY", "currency": "INR"}


def test_parsed_trade_accepts_field_names_and_aliases():
    from functions.tradedesk.parsing import ParsedTrade

    by_name = ParsedTrade(delivery_days=3, confidence=0.5)
    by_alias = ParsedTrade.model_validate({"deliveryDays": 3, "confidence": 0.5})
    assert by_name == by_alias
    assert by_name.model_dump(by_alias=True)["deliveryDays"] == 3


def test_custom_masters_with_ids():
    from functions.tradedesk.parsing import ParserMasters, parse_message

    masters = ParserMasters.from_rows(
        varieties=[{"id": "v1", "name": "Sahana-9", "aliases": ["SH9", "SH 9"], "commodity": "COTTON"}],
        stations=[{"id": "s1", "name": "Kadi", "aliases": "", "state": "Gujarat"}],
        states=[{"id": "g1", "name": "Gujarat", "aliases": "GJ", "gst_state_code": "24"}],
    )
    result = parse_message("Sell 100 bales SH 9 Kadi @ 56,500", masters)
    assert (result.variety, result.location.station) == ("Sahana-9", "Kadi")
    assert parse_message("Sell 100 bales S-6 Rajkot @ 56,500", masters).variety is None
    assert (masters.variety_id("Sahana-9"), masters.station_id("Kadi"), masters.state_id("Gujarat")) == \
        ("v1", "s1", "g1")


def test_reference_masters_are_loaded_once():
    from functions.tradedesk.parsing import ParserMasters

    first = ParserMasters.from_reference_data()
    assert first is ParserMasters.from_reference_data()
    assert {v.name for v in first.varieties} >= {"Shankar-6", "J-34", "Bunny"}
    assert len(first.states) == 36


def test_parse_is_pure():
    text = "Kapas avl 1,000 man Botad yard, rate Rs 1,520 per 20 kg, moist 9, cash payment"
    assert parse(text) == parse(text)


def test_importing_the_parser_loads_no_heavy_module():
    code = ("import sys, functions.tradedesk.parsing; "
            "print(sorted(m for m in ('pydantic', 'rapidfuzz', 'csv') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
