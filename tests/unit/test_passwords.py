"""Argon2id hashing (shared/auth/passwords.py) and its cheap test profile."""
from __future__ import annotations

from argon2 import PasswordHasher

from shared.auth import passwords


def test_argon2id_hashes_verify_and_the_cheap_profile_is_for_tests_only():
    hashed = passwords.hash_password("Kestrel#Lantern42")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "Kestrel#Lantern42")
    assert not passwords.verify_password(hashed, "kestrel#lantern42")
    assert not passwords.verify_password("garbage", "x") and not passwords.verify_password(None, "x")
    # A production-profile hash (argon2-cffi defaults) verifies too, and is not due for a rehash... in
    # production; under the test profile it is (parameters differ), which is what login's rehash relies on.
    strong = PasswordHasher().hash("Kestrel#Lantern42")
    assert passwords.verify_password(strong, "Kestrel#Lantern42")
    assert passwords.needs_rehash(strong) is True
    assert passwords.TEST_PROFILE["memory_cost"] < PasswordHasher().memory_cost
