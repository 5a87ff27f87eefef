"""A real browser check: dev/notifications.html in headless Chromium signs in with the login's Firebase
token (Auth emulator) and lists its notifications live with the Firebase JS SDK; a sign-in from another
device through the API makes a "new sign-in" notification appear on the page.

The path is the local stack's: login API → outbox → Pub/Sub emulator → push to the gateway → fan-out →
Firestore emulator → the page's onSnapshot listener. The tools (npm packages of dev/, Debian chromium)
are installed by tests/support/browser.py on first use; without npm or apt it is skipped with the reason.
"""
from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from tests.support.auth import GOOD_PASSWORD, login, make_user
from tests.support.browser import DEV, Output, ensure_chromium
from tests.support.notifications import served_gateway_with_push

EXPECTED_TITLE = "New sign-in to your account"
OTHER_DEVICE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.mark.timeout(2400)   # the first run installs the npm packages and chromium
def test_the_page_shows_a_notification_appear_after_an_api_call(api, clean_db, firebase_auth_emulator, tmp_path):
    chromium = ensure_chromium()
    email = f"asha.{uuid.uuid4().hex[:6]}@example.com"
    user_id = make_user(email, GOOD_PASSWORD, role="SALES")
    firestore = f"127.0.0.1:{clean_db.ports['firestore']}"
    from shared.config import settings

    with served_gateway_with_push() as base:
        url = (f"{base}/dev/notifications.html?project={settings().project_id}&firestore={firestore}"
               f"&auth={firebase_auth_emulator}")
        screenshot = tmp_path / "notifications.png"
        browser = subprocess.Popen(
            ["node", str(DEV / "e2e" / "browser-check.mjs"), url, email, GOOD_PASSWORD, EXPECTED_TITLE,
             str(screenshot)],
            cwd=DEV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "CHROMIUM": chromium})
        output = Output(browser)
        try:
            ready = output.until("READY", 90)
            assert ready is not None, "the page never started listening:\n" + output.rest(5)
            assert ready == "READY 0", "a first sign-in is not a new device: nothing shown yet"

            # The API call: the same user signs in from another device.
            response = login(api, email, GOOD_PASSWORD, user_agent=OTHER_DEVICE)
            assert response.status_code == 200, response.get_data(as_text=True)

            seen = output.until("SEEN", 60)
            assert seen is not None, "the notification never appeared on the page:\n" + output.rest(5)
            assert browser.wait(timeout=30) == 0, output.rest(5)
            everything = output.rest(5)
            assert "UNREAD 1" in everything
            assert "BLOCKED" not in everything, "the page tried to reach another host"
            assert screenshot.stat().st_size > 0
        finally:
            if browser.poll() is None:
                browser.kill()
    # The page showed what the fan-out wrote for this user.
    from shared.db import collection

    [notification] = [s.to_dict() for s in collection("users").document(user_id).collection("notifications").stream()]
    assert notification["title"] == EXPECTED_TITLE and notification["category"] == "security"
