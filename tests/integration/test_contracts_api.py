"""Sales contracts through the HTTP API on the emulators: entry by hand with the masters' terms
copied, maker-checker approval, scope, cancellation, amendments as versions, a closed year."""
from __future__ import annotations

from decimal import Decimal

from shared.db import collection
from tests.support.contracts import (
    APPROVER,
    HINDI_BUYER,
    MANAGER,
    ORG,
    contract_body,
    partner_token,
    seed_party,
    staff,
)


def _create(api, token, **overrides):
    response = api.post("/api/contracts", json=contract_body(**overrides), token=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _active(api, maker, checker):
    contract = _create(api, maker)
    assert api.post(f"/api/contracts/{contract['id']}/submit", token=maker).status_code == 200
    response = api.post(f"/api/contracts/{contract['id']}/approve", token=checker)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_contract_entered_by_hand_copies_the_masters_and_numbers_from_the_year(api, contract_parties):
    maker, _ = staff()
    contract = _create(api, maker)
    start, end = contract_parties["fy"].split("-")
    assert contract["number"] == f"SC/{start[-2:]}-{end[-2:]}/00001"
    assert contract["status"] == "DRAFT" and contract["financialYear"] == contract_parties["fy"]
    assert contract["buyer"]["legalName"] == HINDI_BUYER and contract["seller"]["gstin"].startswith("27")
    # 100 bales = 17,000 kg = 47.8039... candy at Rs 43,500.55: value to the paisa, GST 5% of the commodity
    candy = Decimal(17000) / Decimal("355.62")
    value = (Decimal("43500.55") * candy).quantize(Decimal("0.01"))
    assert Decimal(str(contract["value"])) == value
    assert Decimal(str(contract["gst"]["amount"])) == (value * Decimal("0.05")).quantize(Decimal("0.01"))
    assert contract["gst"]["ratePercent"] == 5
    assert contract["terms"]["paymentTerms"] == {"code": "CREDIT_15_DAYS", "label": "15 days credit", "days": 15,
                                                 "description": None}
    assert contract["commodity"]["hsnCode"] == "5201" and contract["variety"]["name"] == "Shankar-6"
    assert [s["key"] for s in contract["qualitySpecs"]] == ["stapleMm", "micronaire"]
    assert contract["qualitySpecs"][0]["min"] == 28.5
    # default commission structure: 0.5% each side, GST 18% on brokerage
    buyer_side = contract["commissions"]["buyer"]
    assert buyer_side["basis"] == "PERCENTAGE" and buyer_side["percent"] == 0.5
    assert Decimal(str(buyer_side["amount"])) == (value * Decimal("0.005")).quantize(Decimal("0.01"))
    assert buyer_side["gstPercent"] == 18

    second = _create(api, maker)
    assert second["number"] == f"SC/{start[-2:]}-{end[-2:]}/00002"
    from functions.contracts.public import financial_year_close_counts

    # they block the year's close
    assert financial_year_close_counts(ORG, contract_parties["fy"]).draft_contracts == 2
    [entry] = [d.to_dict() for d in collection("auditLog").stream()
               if (d.to_dict() or {}).get("entityId") == contract["id"]]
    assert entry["action"] == "contract.create"


def test_approval_is_maker_checker_and_writes_version_one(api, contract_parties):
    maker, _ = staff(MANAGER | APPROVER)
    checker, checker_principal = staff(APPROVER)
    contract = _create(api, maker)
    early = api.post(f"/api/contracts/{contract['id']}/approve", token=checker)
    assert early.status_code == 409 and early.get_json()["code"] == "INVALID_TRANSITION"
    assert api.post(f"/api/contracts/{contract['id']}/submit", token=maker).status_code == 200
    own = api.post(f"/api/contracts/{contract['id']}/approve", token=maker)
    assert own.status_code == 403 and own.get_json()["code"] == "MAKER_CHECKER"
    assert api.get(f"/api/contracts/{contract['id']}/versions", token=maker).get_json()["items"] == []

    approved = api.post(f"/api/contracts/{contract['id']}/approve", token=checker)
    assert approved.status_code == 200
    body = approved.get_json()
    assert body["status"] == "ACTIVE" and body["approvedBy"] == checker_principal.user_id
    [version] = api.get(f"/api/contracts/{contract['id']}/versions", token=maker).get_json()["items"]
    assert version["version"] == 1 and version["reason"] == "Approved"
    one = api.get(f"/api/contracts/{contract['id']}/versions/1", token=maker).get_json()
    assert one["snapshot"]["number"] == contract["number"] and one["approvedBy"] == checker_principal.user_id
    events = [d.to_dict() for d in collection("outbox").stream()]
    [event] = [e for e in events if e.get("type") == "ContractApproved"]
    assert event["data"]["contractId"] == contract["id"] and event["data"]["version"] == 1
    again = api.post(f"/api/contracts/{contract['id']}/approve", token=checker)
    assert again.status_code == 409


def test_a_partner_sees_only_the_contracts_it_is_a_party_to(api, contract_parties):
    maker, _ = staff()
    contract = _create(api, maker)
    _create(api, maker, buyerPartnerId="other-1")
    buyer = partner_token("buyer-1")
    assert api.get(f"/api/contracts/{contract['id']}", token=buyer).status_code == 200
    stranger = api.get(f"/api/contracts/{contract['id']}", token=partner_token("other-1"))
    assert stranger.status_code == 404 and stranger.get_json()["code"] == "CONTRACT_NOT_FOUND"
    assert api.get(f"/api/contracts/{contract['id']}/versions", token=partner_token("other-1")).status_code == 404
    listed = api.get("/api/contracts", token=buyer).get_json()["items"]
    assert [c["id"] for c in listed] == [contract["id"]]
    seller_list = api.get("/api/contracts", token=partner_token("seller-1")).get_json()["items"]
    assert len(seller_list) == 2
    # partners cannot change contracts; back office of another organization does not see it
    assert api.post(f"/api/contracts/{contract['id']}/submit", token=buyer).status_code == 403
    outsider, _ = staff(MANAGER, org="rnrl-maharashtra")
    assert api.get(f"/api/contracts/{contract['id']}", token=outsider).status_code == 404
    assert api.get("/api/contracts", token=outsider).get_json()["items"] == []


def test_cancel_needs_a_reason_and_is_final(api, contract_parties):
    maker, _ = staff()
    contract = _create(api, maker)
    blank = api.post(f"/api/contracts/{contract['id']}/cancel", json={"reason": " "}, token=maker)
    assert blank.status_code == 422
    done = api.post(f"/api/contracts/{contract['id']}/cancel", json={"reason": "Buyer withdrew"}, token=maker)
    assert done.status_code == 200
    assert done.get_json()["status"] == "CANCELLED" and done.get_json()["cancelReason"] == "Buyer withdrew"
    again = api.post(f"/api/contracts/{contract['id']}/submit", token=maker)
    assert again.status_code == 409 and again.get_json()["details"]["allowed"] == []


def test_an_amendment_becomes_version_two_once_someone_else_approves_it(api, contract_parties):
    maker, _ = staff(MANAGER | APPROVER)
    checker, _ = staff(MANAGER | APPROVER)
    contract = _active(api, maker, checker)
    cid = contract["id"]
    stale = api.post(f"/api/contracts/{cid}/amendments", token=maker,
                     json={"expectedVersion": 2, "reason": "More bales", "quantity": {"value": 120, "unit": "BALE"}})
    assert stale.status_code == 409 and stale.get_json()["code"] == "STALE_VERSION"
    proposed = api.post(f"/api/contracts/{cid}/amendments", token=maker,
                        json={"expectedVersion": 1, "reason": "More bales", "quantity": {"value": 120, "unit": "BALE"}})
    assert proposed.status_code == 200, proposed.get_json()
    pending = proposed.get_json()["pendingAmendment"]
    assert pending["version"] == 2 and pending["changes"]["quantity.value"] == {"from": "100", "to": "120"}
    assert "valuePaise" in pending["changes"]
    assert proposed.get_json()["quantity"]["value"] == 100          # in force until approved
    twice = api.post(f"/api/contracts/{cid}/amendments", token=checker,
                     json={"expectedVersion": 1, "reason": "Again", "rate": {"amount": 44000, "unit": "CANDY"}})
    assert twice.status_code == 409 and twice.get_json()["code"] == "AMENDMENT_PENDING"
    own = api.post(f"/api/contracts/{cid}/approve", token=maker)
    assert own.status_code == 403 and own.get_json()["code"] == "MAKER_CHECKER"

    approved = api.post(f"/api/contracts/{cid}/approve", token=checker).get_json()
    assert approved["contractVersion"] == 2 and approved["quantity"]["value"] == 120
    assert approved["pendingAmendment"] is None and approved["status"] == "ACTIVE"
    assert Decimal(str(approved["value"])) > Decimal(str(contract["value"]))
    versions = api.get(f"/api/contracts/{cid}/versions", token=maker).get_json()["items"]
    assert [(v["version"], v["reason"]) for v in versions] == [(1, "Approved"), (2, "More bales")]
    assert versions[1]["changes"]["quantity.value"] == {"from": "100", "to": "120"}
    assert api.get(f"/api/contracts/{cid}/versions/1", token=maker).get_json()["snapshot"]["quantity"]["value"] == 100
    assert api.get(f"/api/contracts/{cid}/versions/9", token=maker).status_code == 404
    amended = [d.to_dict() for d in collection("outbox").stream()
               if (d.to_dict() or {}).get("type") == "ContractAmended"]
    assert [e["data"]["version"] for e in amended] == [2]


def test_a_draft_cannot_be_amended(api, contract_parties):
    maker, _ = staff()
    contract = _create(api, maker)
    response = api.post(f"/api/contracts/{contract['id']}/amendments", token=maker,
                        json={"expectedVersion": 1, "reason": "x", "rate": {"amount": 1, "unit": "CANDY"}})
    assert response.status_code == 409 and response.get_json()["code"] == "CONTRACT_NOT_AMENDABLE"


def test_bad_input_is_a_clear_422(api, contract_parties):
    maker, _ = staff()
    same = api.post("/api/contracts", json=contract_body(sellerPartnerId="buyer-1"), token=maker)
    assert same.status_code == 422 and same.get_json()["code"] == "SAME_PARTY"
    term = api.post("/api/contracts", json=contract_body(terms={"paymentTerms": "NEVER"}), token=maker)
    assert term.status_code == 422 and term.get_json()["code"] == "UNKNOWN_TERM"
    spec = api.post("/api/contracts", json=contract_body(qualitySpecs=[{"key": "stapleMm", "min": 50}]), token=maker)
    assert spec.status_code == 422 and spec.get_json()["code"] == "PARAMETERS_OUT_OF_RANGE"
    paise = api.post("/api/contracts", json=contract_body(rate={"amount": 43500.555, "unit": "CANDY"}), token=maker)
    assert paise.status_code == 422
    assert [d for d in collection("contracts").stream()] == []


def test_a_closed_year_takes_no_new_contract(api, contract_parties):
    from functions.masters import financial_years

    year = financial_years.year_id(ORG, contract_parties["fy"])
    collection("financialYears").document(year).update({"status": "CLOSED"})
    maker, _ = staff()
    response = api.post("/api/contracts", json=contract_body(), token=maker)
    assert response.status_code == 409 and response.get_json()["code"] == "FINANCIAL_YEAR_CLOSED"


def test_brokerage_becomes_due_when_the_contract_is_active_and_follows_an_amendment(api, contract_parties):
    from functions.contracts.public import financial_year_close_counts

    maker, _ = staff(MANAGER | APPROVER)
    checker, _ = staff(MANAGER | APPROVER)
    accounts, _ = staff(frozenset({"commissions:read"}))
    contract = _create(api, maker)
    assert api.get("/api/commissions", token=accounts).get_json()["items"] == []
    api.post(f"/api/contracts/{contract['id']}/submit", token=maker)
    active = api.post(f"/api/contracts/{contract['id']}/approve", token=checker).get_json()
    items = api.get(f"/api/commissions?contractId={contract['id']}", token=accounts).get_json()["items"]
    assert sorted((c["side"], c["status"]) for c in items) == [("BUYER", "DUE"), ("SELLER", "DUE")]
    buyer = next(c for c in items if c["side"] == "BUYER")
    assert buyer["amount"] == active["commissions"]["buyer"]["amount"] and buyer["gstPercent"] == 18
    assert buyer["partnerId"] == "buyer-1"
    assert financial_year_close_counts(ORG, contract_parties["fy"]).due_commissions == 2

    api.post(f"/api/contracts/{contract['id']}/amendments", token=maker,
             json={"expectedVersion": 1, "reason": "Double", "quantity": {"value": 200, "unit": "BALE"}})
    amended = api.post(f"/api/contracts/{contract['id']}/approve", token=checker).get_json()
    items = api.get(f"/api/commissions?contractId={contract['id']}", token=accounts).get_json()["items"]
    assert next(c for c in items if c["side"] == "SELLER")["amount"] == amended["commissions"]["seller"]["amount"]
    assert Decimal(str(amended["commissions"]["seller"]["amount"])) > Decimal(str(buyer["amount"]))
    outsider, _ = staff(frozenset({"commissions:read"}), org="rnrl-maharashtra")
    assert api.get("/api/commissions", token=outsider).get_json()["items"] == []


def test_the_demo_seed_makes_one_active_contract_with_a_part_paid_invoice(api, contract_parties):
    from functions.contracts.seed import seed_contracts

    seed_party("demo-seller", legal_name="Saurashtra Cotton Ginning", state_code="24", pan="AAACS7777G")
    collection("partners").document("demo-seller").update({"kind": "SELLER"})
    seed_party("demo-buyer", legal_name="Kovai Spinning Mills", state_code="33", pan="AAACK8888H")
    collection("partners").document("demo-buyer").update({"kind": "BUYER"})
    first = seed_contracts([ORG])
    assert first["created"] is True and first["invoiceNumber"].startswith("INV/")
    again = seed_contracts([ORG])
    assert again == {"contractId": first["contractId"], "number": first["number"], "created": False}
    contract = collection("contracts").document(first["contractId"]).get().to_dict()
    assert contract["status"] == "ACTIVE" and contract["approvedBy"] != contract["submittedBy"]
    [invoice] = [s.to_dict() for s in collection("invoices").stream()]
    assert invoice["status"] == "PARTIALLY_PAID" and 0 < invoice["paidPaise"] < invoice["totalPaise"]
    assert invoice["balancePaise"] == invoice["totalPaise"] - invoice["paidPaise"]
    [payment] = [s.to_dict() for s in collection("payments").stream()]
    assert (payment["mode"], payment["allocatedPaise"], payment["unallocatedPaise"]) == (
        "NEFT", invoice["paidPaise"], 0)


def test_two_checkers_approving_at_once_make_one_version_and_one_event(api, contract_parties):
    import threading

    maker, _ = staff(MANAGER)
    checkers = [staff(APPROVER)[0] for _ in range(4)]
    contract = _create(api, maker)
    api.post(f"/api/contracts/{contract['id']}/submit", token=maker)
    statuses, lock = [], threading.Lock()

    def approve(token):
        response = api.post(f"/api/contracts/{contract['id']}/approve", token=token)
        with lock:
            statuses.append((response.status_code, (response.get_json() or {}).get("code")))

    threads = [threading.Thread(target=approve, args=(token,)) for token in checkers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses, key=str) == [(200, None)] + [(409, "INVALID_TRANSITION")] * 3
    versions = list(collection("contracts").document(contract["id"]).collection("versions").stream())
    assert [v.id for v in versions] == ["1"]
    approved = [d for d in collection("outbox").stream() if (d.to_dict() or {}).get("type") == "ContractApproved"]
    assert len(approved) == 1
    assert len(list(collection("commissions").stream())) == 2


def test_a_replayed_create_with_the_same_idempotency_key_makes_one_contract(api, contract_parties):
    maker, _ = staff()
    headers = {"Idempotency-Key": "create-contract-1"}
    first = api.post("/api/contracts", json=contract_body(), token=maker, headers=headers)
    second = api.post("/api/contracts", json=contract_body(), token=maker, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    assert len(list(collection("contracts").stream())) == 1


def test_a_draft_made_while_the_year_closes_cannot_slip_past_the_close(api, contract_parties, monkeypatch):
    from functions.masters import financial_years
    from tests.support.masters import admin_token

    fy_id = financial_years.year_id(ORG, contract_parties["fy"])
    collection("financialYears").document(fy_id).update({"active": False})
    maker, _ = staff()
    counted = financial_years.close_state

    def counts_then_a_draft_arrives(org_id, code):
        result = counted(org_id, code)                     # no drafts when counted...
        assert api.post("/api/contracts", json=contract_body(), token=maker).status_code == 201
        return result                                      # ...one exists before the close commits

    monkeypatch.setattr(financial_years, "close_state", counts_then_a_draft_arrives)
    refused = api.post(f"/api/financial-years/{fy_id}/close", token=admin_token(organization_ids=(ORG,)))
    assert refused.status_code == 409 and refused.get_json()["code"] == "FINANCIAL_YEAR_CHANGED"
    assert collection("financialYears").document(fy_id).get().to_dict()["status"] == "OPEN"
    monkeypatch.setattr(financial_years, "close_state", counted)
    blocked = api.post(f"/api/financial-years/{fy_id}/close", token=admin_token(organization_ids=(ORG,)))
    assert blocked.status_code == 409 and blocked.get_json()["code"] == "FINANCIAL_YEAR_HAS_BLOCKERS"


def test_the_parties_realtime_documents_follow_the_contracts_status(api, contract_parties):
    maker, _ = staff(MANAGER)
    checker, _ = staff(APPROVER)
    contract = _create(api, maker)

    def views() -> dict[str, dict]:
        return {party: collection("partnerViews").document(party).collection("contracts")
                .document(contract["id"]).get().to_dict() for party in ("buyer-1", "seller-1", "other-1")}

    first = views()
    assert (first["buyer-1"]["status"], first["buyer-1"]["role"]) == ("DRAFT", "BUYER")
    assert first["seller-1"]["counterparty"]["partnerId"] == "buyer-1" and first["other-1"] is None
    api.post(f"/api/contracts/{contract['id']}/submit", token=maker)
    assert views()["seller-1"]["status"] == "PENDING_APPROVAL"
    api.post(f"/api/contracts/{contract['id']}/approve", token=checker)
    active = views()
    assert {active[p]["status"] for p in ("buyer-1", "seller-1")} == {"ACTIVE"}
    assert active["buyer-1"]["number"] == contract["number"] and "commissions" not in active["buyer-1"]
