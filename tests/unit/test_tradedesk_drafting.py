"""A parsed chat message becomes a draft request with master codes, and says what is still missing."""
from functions.masters.seed_data import cotton
from functions.tradedesk.drafting import draft_from_parse

PARSED = {"side": "BUY", "commodity": "COTTON", "commodityId": "COTTON", "varietyId": "shankar-6",
          "quantity": {"value": 100, "unit": "BALE"}, "quality": {"stapleMm": {"min": 29, "max": None}},
          "price": {"amount": 56000, "unit": "CANDY", "currency": "INR"},
          "location": {"station": "Rajkot", "state": "Gujarat"}, "stationId": "24-rajkot",
          "paymentDays": 7, "deliveryDays": None, "bargainType": "EX_GIN", "confidence": 0.9, "warnings": []}


def test_a_full_message_maps_to_master_codes_and_lists_what_is_missing():
    draft, missing = draft_from_parse(PARSED, cotton())
    assert draft["side"] == "BUY" and draft["commodityId"] == "COTTON" and draft["varietyId"] == "shankar-6"
    assert draft["quantity"] == {"value": 100, "unit": "BALE"}
    assert draft["quality"] == {"stapleMm": {"min": 29}}
    assert (draft["targetPrice"], draft["priceUnit"]) == (56000, "CANDY")
    assert draft["location"] == {"stationId": "24-rajkot", "stateCode": "24"}
    assert draft["paymentTerms"] == "CREDIT_7_DAYS" and draft["bargainType"] == "EX_GIN"
    assert missing == ["tradeType", "deliveryTerms"]


def test_an_empty_message_misses_everything_and_unknown_codes_are_dropped():
    draft, missing = draft_from_parse({"quality": {}, "bargainType": "ON_THE_MOON", "paymentDays": 11}, cotton())
    assert "bargainType" not in draft and "paymentTerms" not in draft
    assert missing == ["side", "commodityId", "quantity", "location", "tradeType", "bargainType", "deliveryTerms",
                       "paymentTerms"]
    assert draft_from_parse({"side": "SELL"}, None)[1][0] == "commodityId"
