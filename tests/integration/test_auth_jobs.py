"""The session-cleanup job and the demo identity seed."""
from __future__ import annotations

import os
from datetime import timedelta

from shared import clock
from tests.support.auth import make_user, sign_in


def run_job(api, name):
    return api.post(f"/jobs/{name}", headers={"Authorization": f"Bearer {os.environ['JOBS_SHARED_SECRET']}"})


def test_session_cleanup_removes_dead_sessions_only_and_is_idempotent(api, capture):
    from shared.db import collection

    make_user("sessions@example.com", role="SALES")
    dead = sign_in(api, "sessions@example.com")["tokens"]
    gone = sign_in(api, "sessions@example.com")["tokens"]
    assert api.post("/api/auth/logout", token=gone["accessToken"]).status_code == 204
    clock.advance(timedelta(minutes=25))
    alive = sign_in(api, "sessions@example.com")["tokens"]
    clock.advance(timedelta(minutes=10))                               # the first session is now idle-dead
    first = run_job(api, "session-cleanup")
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["summary"]["sessionsDeleted"] == 2
    remaining = [s.id for s in collection("sessions").stream()]
    assert remaining == [alive["refreshToken"].split(".")[0]]
    assert api.get("/api/auth/me", token=alive["accessToken"]).status_code == 200
    assert api.post("/api/auth/refresh", json={"refreshToken": dead["refreshToken"]}).status_code == 401
    again = run_job(api, "session-cleanup").get_json()["summary"]
    assert again == {"sessionsDeleted": 0, "sessionsFixed": 0, "oneTimeRecordsDeleted": 0}


def test_seed_identity_is_idempotent_and_its_passwords_work(api, capture, capsys):
    from functions.auth.seed import seed_identity
    from shared.db import collection

    first = seed_identity(["org-a", "Org B"], "P-9")
    emails = [item["email"] for item in first]
    assert emails == ["admin.org-a@demo.rnrl.in", "admin.org-b@demo.rnrl.in", "checker@demo.rnrl.in",
                      "sales@demo.rnrl.in", "partner@demo.rnrl.in"]
    assert [item["role"] for item in first] == ["ADMIN", "ADMIN", "ADMIN", "SALES", "PARTNER_PRIMARY"]
    second = seed_identity(["org-a", "Org B"], "P-9")
    assert [item["email"] for item in second] == emails
    assert len(list(collection("users").stream())) == 5
    for old, new in zip(first, second, strict=True):
        assert old["password"] != new["password"]
        body = sign_in(api, new["email"], new["password"])
        assert body["user"]["role"] == new["role"] and body["requiresPasswordChange"] is False
    partner = sign_in(api, "partner@demo.rnrl.in", second[-1]["password"])["user"]
    assert partner["partnerId"] == "P-9" and partner["kind"] == "partner"
    checker = sign_in(api, "checker@demo.rnrl.in", second[2]["password"])["user"]
    assert checker["organizationIds"] == ["org-a", "Org B"]
    output = capsys.readouterr()
    assert not any(item["password"] in output.out + output.err for item in first + second)
