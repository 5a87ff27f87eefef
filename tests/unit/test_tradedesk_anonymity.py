"""Anonymity projections: no identity of the other side before acceptance; a stable handle per request."""
from functions.tradedesk.anonymity import Viewer, handle, offer_for, trade_for, version_for

TRADE = {"id": "t1", "number": "TR-25-26-000001", "side": "BUY", "ownerPartnerId": "buyer", "buyerPartnerId": "buyer",
         "sellerPartnerId": None, "createdBy": "user-buyer", "updatedBy": "user-buyer", "status": "POSTED",
         "invitedPartnerIds": ["invited-x"], "quality": {"stapleMm": {"min": 28, "max": 30}}}
OFFER = {"id": "o1", "tradeId": "t1", "ownerPartnerId": "buyer", "makerPartnerId": "seller",
         "buyerPartnerId": "buyer", "sellerPartnerId": "seller", "createdBy": "user-seller",
         "ownerUserId": "user-buyer", "makerHandle": "Seller-ABCDEF", "makerRating": 3, "status": "COUNTERED",
         "price": 43500}
IDENTITIES_OF = {"buyer": {"buyer", "user-buyer", "invited-x"}, "seller": {"seller", "user-seller"}}


def values(data):
    found = set()
    for value in data.values():
        if isinstance(value, list):
            found |= set(value)
        elif isinstance(value, str):
            found.add(value)
    return found


def test_a_seller_sees_the_request_terms_but_not_the_buyer():
    seen = trade_for(Viewer("seller"), TRADE)
    assert not values(seen) & IDENTITIES_OF["buyer"]
    assert seen["quality"] == TRADE["quality"] and seen["number"] == TRADE["number"]
    assert trade_for(Viewer("buyer"), TRADE) == TRADE
    assert trade_for(Viewer.back_office_user(), TRADE) == TRADE


def test_each_party_sees_the_offer_without_the_other_side_until_accepted():
    for me, other in (("buyer", "seller"), ("seller", "buyer")):
        seen = offer_for(Viewer(me), OFFER)
        assert not values(seen) & IDENTITIES_OF[other], (me, seen)
        assert seen["price"] == 43500
    assert offer_for(Viewer("buyer"), OFFER)["makerHandle"] == "Seller-ABCDEF"
    accepted = {**OFFER, "status": "ACCEPTED"}
    assert offer_for(Viewer("buyer"), accepted)["makerPartnerId"] == "seller"
    assert offer_for(Viewer("seller"), accepted)["ownerPartnerId"] == "buyer"
    assert offer_for(Viewer.back_office_user(), OFFER) == OFFER


def test_the_request_owner_learns_the_offers_tested_lot_only_at_acceptance():
    # One lot may back the same seller's offers on several requests of one buyer: its id would link the
    # handles that are unlinkable by design.
    on_lot = {**OFFER, "lotId": "lot-7"}
    assert "lotId" not in offer_for(Viewer("buyer"), on_lot)
    assert offer_for(Viewer("seller"), on_lot)["lotId"] == "lot-7"
    assert offer_for(Viewer.back_office_user(), on_lot)["lotId"] == "lot-7"
    assert offer_for(Viewer("buyer"), {**on_lot, "status": "ACCEPTED"})["lotId"] == "lot-7"


def test_a_stranger_is_refused():
    try:
        offer_for(Viewer("someone-else"), OFFER)
    except PermissionError:
        return
    raise AssertionError("a partner that is not a party read the offer")


def test_history_hides_the_other_sides_user_but_keeps_the_party():
    version = {"version": 2, "party": "MAKER", "createdBy": "user-seller", "price": 43000}
    seen = version_for(Viewer("buyer"), version, OFFER)
    assert seen == {"version": 2, "party": "MAKER", "price": 43000}
    assert version_for(Viewer("seller"), version, OFFER) == version


def test_the_handle_is_stable_per_request_and_unlinkable_across_requests():
    first = handle("secret", "t1", "seller", prefix="Seller")
    assert first == handle("secret", "t1", "seller", prefix="Seller")
    assert first.startswith("Seller-") and len(first) == len("Seller-") + 6
    assert first != handle("secret", "t2", "seller", prefix="Seller")
    assert first != handle("secret", "t1", "other", prefix="Seller")
    assert "seller" not in first.lower().removeprefix("seller-")


def test_realtime_views_hold_no_identity_of_the_other_side_before_acceptance():
    from functions.tradedesk.views import view_documents

    documents = view_documents(TRADE, [OFFER], market_partner_ids=["seller", "third"])
    assert set(documents) == {"partnerViews/buyer/trades/t1", "partnerViews/buyer/offers/o1",
                              "partnerViews/seller/offers/o1", "partnerViews/seller/trades/t1",
                              "partnerViews/third/trades/t1"}
    for path, content in documents.items():
        reader = path.split("/")[1]
        others = set().union(*(ids for party, ids in IDENTITIES_OF.items() if party != reader))
        assert not values(content) & others, (path, content)
    accepted = view_documents(TRADE, [{**OFFER, "status": "ACCEPTED"}])
    assert accepted["partnerViews/seller/trades/t1"]["ownerPartnerId"] == "buyer"
    assert accepted["partnerViews/buyer/offers/o1"]["makerPartnerId"] == "seller"


def test_the_match_score_is_the_owners_and_the_back_offices_only_before_and_after_acceptance():
    scored = {**OFFER, "matchScore": {"total": 91.5, "label": "Best"}, "matchBreakdown": {"quality": 100}}
    for status in ("COUNTERED", "ACCEPTED"):
        offer = {**scored, "status": status}
        assert offer_for(Viewer("buyer"), offer)["matchScore"] == {"total": 91.5, "label": "Best"}
        assert offer_for(Viewer.back_office_user(), offer)["matchBreakdown"] == {"quality": 100}
        seen = offer_for(Viewer("seller"), offer)
        assert "matchScore" not in seen and "matchBreakdown" not in seen and seen["price"] == 43500
