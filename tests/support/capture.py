"""The `capture` fixture: local/capture.py in a thread for the session, emptied before each test.

SENDGRID_API_HOST and TWILIO_API_BASE point the real SendGrid and Twilio clients at it. Use it from
any test (tests/conftest.py loads this module as a plugin):

    def test_invite_email(api, capture):
        ...
        [email] = capture.emails(to="asha@example.com")
        assert "Accept the invitation" in email["text"]
"""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def capture_server():
    from local.capture import CaptureServer
    from shared.config import reset_settings_cache

    server = CaptureServer.start(port=0)
    previous = {name: os.environ.get(name) for name in ("SENDGRID_API_HOST", "TWILIO_API_BASE")}
    os.environ["SENDGRID_API_HOST"] = server.url
    os.environ["TWILIO_API_BASE"] = server.url
    reset_settings_cache()
    try:
        yield server
    finally:
        server.stop()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings_cache()


@pytest.fixture
def capture(capture_server):
    """The capture endpoint with no messages, counters or armed failures."""
    capture_server.reset()
    yield capture_server
    capture_server.reset()
