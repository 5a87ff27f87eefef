"""functions/tradedesk/announce.py: who hears of a posted request (pure parts: the fit and the choice)."""
from decimal import Decimal

from functions.tradedesk import announce
from functions.tradedesk.indexes import INDEXES
from shared.indexes import composite, index_key

REQUEST = {"id": "t1", "side": "BUY", "ownerPartnerId": "buyer", "commodityId": "COTTON",
           "quality": {"stapleMm": {"min": "29", "max": "30"}, "micronaire": {"min": "3.8", "max": "4.4"}},
           "location": {"stateCode": "24"}, "paymentTerms": "CREDIT_15_DAYS"}
WEIGHTS = {"stapleMm": 1, "micronaire": 1}
ACTIVE = {"status": "ACTIVE", "kyc": {"dueDate": "2099-01-01"}}


def lot(partner, staple, mic="4.1"):
    return {"id": f"lot-{partner}-{staple}", "partnerId": partner, "hvi": {"stapleMm": staple, "micronaire": mic},
            "location": {"stateCode": "27"}}


def test_a_lot_fits_from_quality_75_and_the_partner_keeps_its_best_total():
    # staple 28.25 is 0.75 range widths below 29-30: 75 -> quality (75 + 100) / 2 = 87.5: fits
    # staple 27.5 is 1.5 widths below: 50 -> quality 75: fits, at the bound
    # staple 27.4 is 1.6 widths below: 46.67 -> quality 73.33: does not
    scores = announce.scored_candidates(REQUEST, [lot("s1", "28.25"), lot("s1", "29.5"), lot("s2", "27.5"),
                                                  lot("s3", "27.4"), lot("buyer", "29.5")], [], WEIGHTS)
    assert set(scores) == {"s1", "s2"}
    assert scores["s1"] > scores["s2"]                 # s1's best lot (inside both ranges) counts


def test_an_availability_with_incompatible_terms_does_not_fit_and_a_sell_request_finds_buy_requests():
    quality = {"stapleMm": {"min": "29.5", "max": "31"}, "micronaire": {"min": "4", "max": "4.5"}}
    fitting = {"id": "a1", "side": "SELL", "ownerPartnerId": "s4", "quality": quality}
    clashing = {**fitting, "id": "a2", "ownerPartnerId": "s5", "paymentTerms": "ADVANCE"}
    assert set(announce.scored_candidates(REQUEST, [], [fitting, clashing], WEIGHTS)) == {"s4"}
    # the other way round: the SELL availability a1 is announced to the owner of the BUY request t1
    assert set(announce.scored_candidates(fitting, [lot("ignored", "29.5")], [REQUEST], WEIGHTS)) == {"buyer"}


def test_the_choice_keeps_partners_that_may_answer_and_trade_best_first_within_the_bound():
    owner = {"pan": "AAACB1111K", "gstins": ["24AAACB1111K1Z5"], **ACTIVE}
    partners = {
        "s1": {"kind": "SELLER", **ACTIVE}, "s2": {"kind": "TRADER", **ACTIVE},
        "s3": {"kind": "BUYER", **ACTIVE},                                   # cannot answer a BUY request
        "s4": {"kind": "SELLER", "status": "SUSPENDED", "kyc": {"dueDate": "2099-01-01"}},
        "s5": {"kind": "SELLER", "pan": "AAACB1111K", **ACTIVE},             # shares the owner's PAN
        "s6": None,                                                          # unknown
    }
    scores = {p: Decimal(90 - i) for i, p in enumerate(["s2", "s1", "s3", "s4", "s5", "s6"])}
    assert announce.choose(REQUEST, owner, scores, partners) == ["s2", "s1"]
    assert announce.choose(REQUEST, owner, scores, partners, limit=1) == ["s2"]


def test_the_announcements_queries_have_their_composite_indexes():
    declared = {index_key(i) for i in INDEXES}
    assert index_key(composite("testedLots", [("commodityId", "ASCENDING"), ("status", "ASCENDING")])) in declared
    assert index_key(composite("trades", [("commodityId", "ASCENDING"), ("side", "ASCENDING"),
                                          ("status", "ASCENDING")])) in declared
