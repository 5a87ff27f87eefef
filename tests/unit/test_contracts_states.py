"""functions/contracts/states.py: the contract lifecycle table and the reason a cancellation needs."""
from __future__ import annotations

import pytest

from functions.contracts import states
from shared.errors import Conflict, Unprocessable


def test_the_lifecycle_allows_what_domain_md_says_and_cancel_needs_a_reason():
    machine = states.CONTRACT
    assert machine.allowed("DRAFT") == {"PENDING_APPROVAL", "CANCELLED"}
    assert machine.can("ACTIVE", "DISPUTED") and machine.can("DISPUTED", "ACTIVE")
    assert machine.can("ACTIVE", "CARRIED_FORWARD") and not machine.can("DRAFT", "ACTIVE")
    assert machine.allowed("CANCELLED") == frozenset()
    with pytest.raises(Unprocessable) as missing:
        machine.ensure("ACTIVE", "CANCELLED", " ")
    assert missing.value.code == "REASON_REQUIRED"
    with pytest.raises(Conflict):
        machine.ensure("COMPLETED", "CANCELLED", "late")
