"""Device labels and new-device detection (functions/auth/devices.py)."""
from __future__ import annotations

from functions.auth import devices


def test_device_labels_and_new_device_detection():
    chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
    assert devices.describe(chrome) == "Chrome on Windows"
    assert devices.describe(firefox) == "Firefox on Linux"
    assert devices.fingerprint(chrome) == devices.fingerprint(chrome.replace("126.0", "127.0"))
    known, new = devices.remember([], devices.fingerprint(chrome))
    assert new is False                                   # the first device ever is not "new"
    known, new = devices.remember(known, devices.fingerprint(firefox))
    assert new is True and known[0] == devices.fingerprint(firefox)
    assert devices.remember(known, devices.fingerprint(chrome))[1] is False
