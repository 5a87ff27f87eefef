"""KYC: verification, the daily reminder job (each milestone once), suspension 30 days overdue, the due list."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
import requests

from functions.partners.kyc_jobs import run_kyc_reminders
from functions.partners.public import ensure_can_trade
from shared import clock
from shared.errors import Conflict
from shared.jobs import job
from tests.support.partners import PDF, Staff, active_partner, outbox

pytestmark = pytest.mark.usefixtures("capture")


def _document(api, token, partner_id) -> str:
    body = api.post(f"/api/partners/{partner_id}/documents", token=token,
                    json={"documentType": "PAN_CARD", "fileName": "pan.pdf", "contentType": "application/pdf"}
                    ).get_json()
    assert requests.put(body["upload"]["url"], data=PDF, headers=body["upload"]["headers"], timeout=10).ok
    document_id = body["document"]["id"]
    assert api.post(f"/api/partners/{partner_id}/documents/{document_id}/complete", token=token).status_code == 200
    return document_id


def _verified_partner(api) -> tuple[str, date]:
    staff = Staff()
    partner_id, _ = active_partner(api, staff)
    document_id = _document(api, staff.maker_token, partner_id)
    response = api.post(f"/api/partners/{partner_id}/kyc/verify", token=staff.checker_token,
                        json={"documentIds": [document_id], "notes": "PAN and cheque checked against originals"})
    assert response.status_code == 200, response.get_json()
    kyc = response.get_json()["kyc"]
    assert kyc["status"] == "VERIFIED" and kyc["documentsChecked"] == [document_id]
    today = clock.today_india()
    due = date.fromisoformat(kyc["dueDate"])
    assert due == date(today.year + 1, today.month, min(today.day, 28 if today.month == 2 else today.day))
    assert len(outbox("KycVerified")) == 1
    return partner_id, due


def _move_to(day: date) -> None:
    clock.advance(timedelta(days=(day - clock.today_india()).days))


def _status(partner_id: str) -> dict:
    from shared.db import collection

    return collection("partners").document(partner_id).get().to_dict()


def test_kyc_needs_checked_documents_of_the_partner(api, bucket):
    staff = Staff()
    partner_id, _ = active_partner(api, staff)
    response = api.post(f"/api/partners/{partner_id}/kyc/verify", json={"documentIds": ["nope"]},
                        token=staff.checker_token)
    assert response.status_code == 422
    assert response.get_json()["details"]["fields"][0]["field"] == "documentIds[0]"
    no_perm = api.post(f"/api/partners/{partner_id}/kyc/verify", json={"documentIds": ["nope"]},
                       token=Staff({"partners:read"}).maker_token)
    assert no_perm.status_code == 403


def test_reminders_go_out_once_per_milestone_even_when_run_twice_or_late(api, bucket):
    partner_id, due = _verified_partner(api)
    assert run_kyc_reminders()["reminders"] == 0
    _move_to(due - timedelta(days=30))
    first = run_kyc_reminders()
    second = run_kyc_reminders()
    assert first["reminders"] == 1 and second["reminders"] == 0
    [reminder] = outbox("KycDueSoon")
    assert reminder["data"]["partnerId"] == partner_id and reminder["data"]["daysUntilDue"] == 30
    # the runs of D-15 ... D-7 were missed: one catch-up reminder (the 7-day one), then nothing until D-1
    _move_to(due - timedelta(days=6))
    assert run_kyc_reminders()["reminders"] == 1
    assert run_kyc_reminders()["reminders"] == 0
    _move_to(due - timedelta(days=1))
    run_kyc_reminders()
    assert sorted(e["data"]["milestone"].split(":")[1] for e in outbox("KycDueSoon")) == [
        "before-1", "before-30", "before-7"]
    # overdue: weekly, through the scheduler's HTTP entry too
    _move_to(due + timedelta(days=1))
    jobs_response = api.post("/jobs/kyc-reminders", token=os.environ["JOBS_SHARED_SECRET"])
    assert jobs_response.status_code == 200, jobs_response.get_json()
    assert jobs_response.get_json()["summary"]["reminders"] == 1
    _move_to(due + timedelta(days=5))
    assert run_kyc_reminders()["reminders"] == 0
    _move_to(due + timedelta(days=8))
    run_kyc_reminders()
    run_kyc_reminders()
    assert [e["data"]["daysOverdue"] for e in sorted(outbox("KycOverdue"), key=lambda e: e["occurredAt"])] == [1, 8]
    assert _status(partner_id)["status"] == "ACTIVE"


def test_thirty_days_overdue_suspends_and_the_trade_guard_refuses(api, bucket):
    partner_id, due = _verified_partner(api)
    ensure_can_trade(partner_id)
    _move_to(due + timedelta(days=29))
    run_kyc_reminders()
    assert _status(partner_id)["status"] == "ACTIVE"
    ensure_can_trade(partner_id)
    _move_to(due + timedelta(days=31))
    # the guard refuses on the date alone, before the job has run
    with pytest.raises(Conflict) as refused:
        ensure_can_trade(partner_id)
    assert refused.value.code == "PARTNER_CANNOT_TRADE" and refused.value.details["reason"] == "KYC_OVERDUE"
    summary = run_kyc_reminders()
    assert summary["suspended"] == 1
    assert run_kyc_reminders()["suspended"] == 0
    stored = _status(partner_id)
    assert stored["status"] == "SUSPENDED" and stored["suspendedFor"] == "KYC"
    [event] = outbox("PartnerSuspended")
    assert event["data"]["cause"] == "KYC_OVERDUE"
    with pytest.raises(Conflict) as refused:
        ensure_can_trade(partner_id)
    assert refused.value.details["reason"] == "PARTNER_SUSPENDED"

    staff = Staff()  # new sessions: the clock moved past the old ones
    reactivate = api.post(f"/api/partners/{partner_id}/reactivate", json={"reason": "please"},
                          token=staff.checker_token)
    assert reactivate.status_code == 409 and reactivate.get_json()["code"] == "KYC_OVERDUE"
    document_id = _document(api, staff.maker_token, partner_id)
    verified = api.post(f"/api/partners/{partner_id}/kyc/verify", json={"documentIds": [document_id]},
                        token=staff.checker_token)
    assert verified.status_code == 200
    assert verified.get_json()["status"] == "ACTIVE" and verified.get_json()["canTrade"] is True
    ensure_can_trade(partner_id)


def test_a_partner_approved_without_kyc_gets_thirty_days(api):
    staff = Staff()
    partner_id, approved = active_partner(api, staff)
    assert approved["kyc"]["status"] == "NOT_VERIFIED"
    assert approved["kyc"]["dueDate"] == clock.today_india().isoformat()
    ensure_can_trade(partner_id)
    clock.advance(timedelta(days=30))
    with pytest.raises(Conflict):
        ensure_can_trade(partner_id)


def test_due_list_for_back_office(api, bucket):
    partner_id, due = _verified_partner(api)
    _move_to(due - timedelta(days=40))
    staff = Staff()
    assert api.get("/api/kyc/due?withinDays=30", token=staff.maker_token).get_json()["items"] == []
    listed = api.get("/api/kyc/due?withinDays=45", token=staff.maker_token).get_json()["items"]
    assert [(i["partnerId"], i["daysUntilDue"]) for i in listed] == [(partner_id, 40)]
    assert api.get("/api/kyc/due?withinDays=999", token=staff.maker_token).status_code == 422
    assert api.get("/api/kyc/due", token=Staff({"kyc:verify"}).maker_token).status_code == 403


def test_the_jobs_are_registered():
    assert job("kyc-reminders").cron == "0 9 * * *"
    assert job("kyc-reminders").load() is run_kyc_reminders
    assert job("certification-expiry").load().__name__ == "expire_certifications"
