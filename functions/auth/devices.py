"""A readable device label and a stable device fingerprint from a User-Agent (pure).

The fingerprint only drives the "new sign-in from a new device" e-mail; it is not a security control.
"""
from __future__ import annotations

import hashlib

KNOWN_DEVICES_KEPT = 10

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"), ("python-requests", "Python client"), ("curl/", "curl"))
_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe(user_agent: str | None) -> str:
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system or ""
    return (agent[:60] or "Unknown device").strip()


def fingerprint(user_agent: str | None) -> str:
    return hashlib.sha256(describe(user_agent).encode()).hexdigest()[:16]


def remember(known: list[str] | None, device: str) -> tuple[list[str], bool]:
    """(known devices with `device` first, whether it is new). The very first device is not 'new'."""
    known = list(known or [])
    is_new = bool(known) and device not in known
    updated = [device] + [item for item in known if item != device]
    return updated[:KNOWN_DEVICES_KEPT], is_new
