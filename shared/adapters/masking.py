"""Masks for personal data in logs: enough to tell two recipients apart, not enough to contact them."""
from __future__ import annotations


def mask_email(address: str) -> str:
    """`asha.rao@example.com` → `a***@example.com`."""
    local, at, domain = (address or "").strip().rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_phone(number: str) -> str:
    """`+919876543210` → `+91******3210` (country code and the last four digits)."""
    digits = "".join(ch for ch in (number or "") if ch.isdigit())
    if len(digits) < 6:
        return "***"
    head = 2 if len(digits) > 10 else 0
    plus = "+" if (number or "").startswith("+") else ""
    return plus + digits[:head] + "*" * (len(digits) - head - 4) + digits[-4:]
