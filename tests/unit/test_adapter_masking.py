"""shared/adapters/masking.py: masked e-mail addresses and phone numbers."""
from __future__ import annotations

from shared.adapters.masking import mask_email, mask_phone


def test_masks():
    assert mask_email("asha.rao@example.com") == "a***@example.com"
    assert mask_email("nonsense") == "***"
    assert mask_phone("+919876543210") == "+91******3210"
    assert mask_phone("9876543210") == "******3210"
    assert mask_phone("+1") == "***"
