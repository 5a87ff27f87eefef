"""functions/tradedesk/views.py: the realtime documents hold what the API answers each party, no more."""
import json

from functions.tradedesk.views import view_documents

TRADE = {"id": "t1", "number": "TR-25-26-000001", "side": "BUY", "status": "NEGOTIATING", "ownerPartnerId": "buyer",
         "createdBy": "user-buyer", "updatedBy": "user-buyer", "postedBy": "user-buyer", "onBehalfOf": None,
         "ownerHandleSecret": "s3cret-key", "openKgNumber": 85000.0, "openKg": "85000", "version": 3,
         "quality": {"stapleMm": {"min": "28", "max": "30"}}}


def offer(offer_id, maker, status, **extra):
    return {"id": offer_id, "tradeId": "t1", "status": status, "ownerPartnerId": "buyer", "makerPartnerId": maker,
            "makerUserId": f"user-{maker}", "createdBy": f"user-{maker}", "updatedBy": "user-buyer",
            "makerHandle": f"Seller-{maker[-1].upper() * 6}", "terms": {"price": "56000"}, "version": 2, **extra}


def test_the_owner_sees_offers_by_handle_and_no_user_of_either_side_in_actor_fields():
    documents = view_documents(TRADE, [offer("o1", "seller", "COUNTERED")])
    mine = documents["partnerViews/buyer/offers/o1"]
    assert mine["makerHandle"] == "Seller-RRRRRR" and mine["terms"] == {"price": "56000"}
    text = json.dumps(documents["partnerViews/buyer/offers/o1"])
    assert "seller" not in text.replace("Seller-", "") and "user-" not in text
    # the maker's view of its own offer: the owner's user who countered (updatedBy) is not named
    theirs = json.dumps(documents["partnerViews/seller/offers/o1"])
    assert "buyer" not in theirs and "user-" not in theirs


def test_the_request_secret_and_internal_copies_reach_no_view_not_even_the_owners():
    documents = view_documents(TRADE, [offer("o1", "seller", "PENDING")], market_partner_ids=["third"])
    for path, content in documents.items():
        assert "ownerHandleSecret" not in content and "openKgNumber" not in content, path
    market = documents["partnerViews/third/trades/t1"]
    assert not {"ownerPartnerId", "createdBy", "updatedBy", "postedBy", "onBehalfOf"} & set(market)
    assert market["quality"] == TRADE["quality"] and market["number"] == TRADE["number"]
    assert documents["partnerViews/buyer/trades/t1"]["postedBy"] == "user-buyer"


def test_a_maker_whose_later_offer_was_accepted_sees_the_request_revealed_whatever_the_order():
    rejected, accepted = offer("o1", "seller", "REJECTED"), offer("o2", "seller", "ACCEPTED")
    for offers in ([rejected, accepted], [accepted, rejected]):
        documents = view_documents(TRADE, offers)
        assert documents["partnerViews/seller/trades/t1"]["ownerPartnerId"] == "buyer"
        assert documents["partnerViews/buyer/offers/o2"]["makerPartnerId"] == "seller"
        assert "makerPartnerId" not in documents["partnerViews/buyer/offers/o1"]


def test_the_owner_is_never_its_own_market_and_a_request_without_offers_has_the_owners_view_only():
    assert set(view_documents(TRADE, [], market_partner_ids=["buyer"])) == {"partnerViews/buyer/trades/t1"}
