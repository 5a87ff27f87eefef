"""What a party's realtime contract document holds (functions/contracts/views.py)."""
from __future__ import annotations

from functions.contracts.views import contract_view

CONTRACT = {
    "number": "SC/26-27/00007", "status": "ACTIVE", "contractDate": "2026-12-01", "financialYear": "2026-27",
    "contractVersion": 2, "pendingAmendment": {"version": 3}, "commodity": {"name": "Cotton lint"},
    "variety": "SHANKAR-6", "quantity": {"value": "100", "unit": "BALE"}, "rate": {"amountPaise": 5520000},
    "valuePaise": 1, "gst": {"amountPaise": 2},
    "buyer": {"partnerId": "b1", "code": "BP-000001", "name": "Kovai", "gstin": "33AADCK7350R1Z5"},
    "seller": {"partnerId": "s1", "code": "BP-000002", "name": "Saurashtra", "gstin": "24AAKCS4821M1Z1"},
    "commissions": {"buyer": {"amountPaise": 111}, "seller": {"amountPaise": 222}},
}


def test_each_party_sees_the_other_party_and_no_brokerage():
    buyer = contract_view("c1", CONTRACT, "BUYER")
    assert (buyer["role"], buyer["status"], buyer["number"]) == ("BUYER", "ACTIVE", "SC/26-27/00007")
    assert buyer["counterparty"] == {"partnerId": "s1", "code": "BP-000002", "name": "Saurashtra"}
    assert buyer["amendmentPending"] is True and buyer["gstPaise"] == 2
    seller = contract_view("c1", CONTRACT, "SELLER")
    assert seller["counterparty"]["partnerId"] == "b1"
    for view in (buyer, seller):
        assert "commissions" not in view and "111" not in str(view) and "222" not in str(view)
        assert "gstin" not in str(view)


def test_a_sub_broker_sees_both_parties():
    view = contract_view("c1", CONTRACT, "SUB_BROKER")
    assert (view["buyer"]["partnerId"], view["seller"]["partnerId"]) == ("b1", "s1")
    assert "counterparty" not in view
