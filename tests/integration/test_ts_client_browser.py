"""The TypeScript client in a real browser, from the web app's own origin: a page served on its own port
(an origin in WEB_APP_ORIGINS) uses the client, bundled by esbuild, in headless Chromium to sign in, list
partners, update one (its ETag read through CORS and sent back as If-Match) and receive a notification
through its realtime listener (judged by infra/firestore.rules). The same page on an origin not in the
list is refused by the browser: the preflight grants nothing, so the sign-in fails in the page and never
reaches the API. Last, two tabs sharing one session in localStorage refresh at once: one refresh (Web
Locks), both keep working.

Tools: clients/typescript's npm packages, dev/'s (the Auth emulator) and Debian's chromium, installed
by the test itself on first use (tests/support/browser.py).
"""
from __future__ import annotations

import json
import os
import subprocess
import uuid
from urllib.parse import urlencode

import pytest

from tests.support.auth import GOOD_PASSWORD, login, make_user, sign_in
from tests.support.browser import Output, ensure_chromium
from tests.support.notifications import served_gateway_with_push
from tests.support.partners import profile
from tests.support.tsclient import CLIENT, build_browser_page, static_site

EXPECTED_TITLE = "New sign-in to your account"
OTHER_DEVICE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def sessions_of(user_id: str) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    return len(list(collection("sessions").where(filter=FieldFilter("userId", "==", user_id)).stream()))


def reuse_revocations(user_id: str) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from shared.db import collection

    sessions = collection("sessions").where(filter=FieldFilter("userId", "==", user_id)).stream()
    return sum(1 for s in sessions if (s.to_dict() or {}).get("revokedReason") == "REFRESH_TOKEN_REUSED")


@pytest.fixture
def web_app_origins():
    """Set WEB_APP_ORIGINS for this test (yields a setter)."""
    from shared.config import reset_settings_cache

    def allow(*origins: str) -> None:
        os.environ["WEB_APP_ORIGINS"] = ",".join(origins)
        reset_settings_cache()

    yield allow
    os.environ.pop("WEB_APP_ORIGINS", None)
    reset_settings_cache()


@pytest.mark.timeout(2400)   # the first run installs the npm packages and chromium
def test_the_client_works_from_the_web_apps_origin_and_not_from_another(api, clean_db, firebase_auth_emulator,
                                                                       firestore_rules, web_app_origins):
    chromium = ensure_chromium()
    site = build_browser_page()
    from shared.config import settings

    # Partners to list, made by a colleague (so the page's user signs in for the first time in the page).
    colleague = f"colleague.{uuid.uuid4().hex[:6]}@example.com"
    make_user(colleague, GOOD_PASSWORD, role="ADMIN")
    token = sign_in(api, colleague)["tokens"]["accessToken"]
    created = []
    for n in range(3):
        response = api.post("/api/partners", json=profile(legal_name=f"Browser Mill {n} Pvt Ltd"), token=token)
        assert response.status_code == 201, response.get_json()
        created.append(response.get_json()["id"])
    email = f"web.{uuid.uuid4().hex[:6]}@example.com"
    user_id = make_user(email, GOOD_PASSWORD, role="ADMIN")

    with static_site(site) as allowed, static_site(site) as other, \
            served_gateway_with_push() as base:
        web_app_origins(allowed)
        query = {"api": base, "email": email, "password": GOOD_PASSWORD, "project": settings().project_id,
                 "auth": firebase_auth_emulator, "firestore": f"127.0.0.1:{clean_db.ports['firestore']}"}
        browser = subprocess.Popen(
            ["node", "test/browser/drive.mjs", f"{allowed}/index.html?{urlencode(query)}", EXPECTED_TITLE,
             f"{other}/index.html?{urlencode(query)}"],
            cwd=CLIENT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "CHROMIUM": chromium})
        output = Output(browser)
        try:
            ready = output.until("READY", 120)
            assert ready is not None, "the page never got ready:\n" + output.rest(5)
            state = json.loads(ready.removeprefix("READY "))
            assert "failure" not in state and "signInError" not in state, state
            assert sorted(state["partners"]) == sorted(created), "every page of partners, through CORS"
            assert state["updated"] == "Edited in the browser"
            assert state["ifMatchSent"] == '"v1"', "the ETag was readable cross-origin and sent back"
            assert EXPECTED_TITLE not in state["notifications"], "a first sign-in is not a new device"
            sessions_before = sessions_of(user_id)

            response = login(api, email, GOOD_PASSWORD, user_agent=OTHER_DEVICE)    # causes the notification
            assert response.status_code == 200, response.get_data(as_text=True)
            seen = output.until("SEEN", 60)
            assert seen is not None, "the notification never reached the listener:\n" + output.rest(5)

            refused = output.until("REFUSED", 60)
            assert refused is not None, "the page on the other origin never finished:\n" + output.rest(5)
            refused_state = json.loads(refused.removeprefix("REFUSED "))
            # fetch() rejects with a TypeError (no answer is handed to the page), not an ApiError
            assert refused_state["signInError"]["name"] == "TypeError", refused_state
            assert refused_state["signInError"]["apiError"] is False
            assert refused_state["partners"] == []
            cors = output.until("CORS", 10)
            assert cors is not None and int(cors.split()[1]) >= 1, "Chromium named the CORS policy:\n" + output.rest(5)

            tabs_line = output.until("TABS", 60)
            assert tabs_line is not None, "the two-tab check never finished:\n" + output.rest(5)
            tabs = json.loads(tabs_line.removeprefix("TABS "))
            assert tabs["signedIn"] == {"ok": user_id}
            # One tab refreshed; the other waited for the lock and took the rotated tokens (no reuse).
            assert "error" not in tabs["refreshed"][0] and "error" not in tabs["refreshed"][1], tabs
            assert tabs["refreshed"][0] == tabs["refreshed"][1], "both tabs hold the same new access token (its tail)"
            # The second tab either found the rotated tokens after the lock, or its storage lagged: its refresh
            # was 409 REFRESH_TOKEN_ROTATED and it waited for them. Never a reuse that ends the session.
            assert sorted(tabs["refreshes"]) in ([0, 1], [1, 1]), tabs
            assert reuse_revocations(user_id) == 0
            assert tabs["calls"] == [{"ok": user_id}, {"ok": user_id}], tabs
            assert browser.wait(timeout=30) == 0, output.rest(5)
            everything = output.rest(5)
            assert "BLOCKED" not in everything, "the page tried to reach another host"
            assert f"from origin '{other}' has been blocked by CORS policy" in everything, everything
        finally:
            if browser.poll() is None:
                browser.kill()
    # The refused page's sign-in never reached the API: only the other device's and the tabs' sign-ins
    # made sessions.
    assert sessions_of(user_id) == sessions_before + 2
    from shared.db import collection

    saved = collection("partners").document(state["partners"][0]).get().to_dict()
    assert saved["tradeName"] == "Edited in the browser"
