"""Sign-in limits that fit an office behind one address: DOMAIN.md's 5 a minute per (IP, e-mail), a
looser 30 a minute per IP alone against spraying, and the account lockout on top."""
from __future__ import annotations

import concurrent.futures
from datetime import timedelta

from shared import clock
from shared.ratelimit import POLICIES
from tests.support.auth import GOOD_PASSWORD, fresh_ip, login, make_user
from tests.support.windows import start_of_window

OFFICE = "203.0.113.40"          # one mill's office: everyone behind this address


def test_ten_sign_ins_a_minute_from_one_address_for_ten_users_succeed(api, capture):
    emails = [f"clerk{n}@mill.example" for n in range(10)]
    for email in emails:
        make_user(email, role="SALES")
    start_of_window(60)
    statuses = [login(api, email, GOOD_PASSWORD, ip=OFFICE).status_code for email in emails]
    assert statuses == [200] * 10


def test_the_sixth_wrong_password_for_one_account_in_a_minute_is_refused(api, capture):
    make_user("target@mill.example", role="SALES")
    make_user("colleague@mill.example", role="SALES")
    start_of_window(60)
    statuses = [login(api, "target@mill.example", f"Wrong#Guess{n}x", ip=OFFICE).status_code for n in range(5)]
    assert statuses == [401, 401, 401, 401, 423]                  # the lockout, as before
    sixth = login(api, "target@mill.example", "Wrong#Guess6x", ip=OFFICE)
    assert sixth.status_code == 429
    assert sixth.get_json()["details"]["policy"] == "login"
    assert 1 <= int(sixth.headers["Retry-After"]) <= 60
    # Per (IP, e-mail): the colleague at the same address still signs in.
    assert login(api, "colleague@mill.example", GOOD_PASSWORD, ip=OFFICE).status_code == 200
    # From elsewhere the account is locked, whatever the password.
    assert login(api, "target@mill.example", GOOD_PASSWORD, ip=fresh_ip()).status_code == 423


def test_wrong_passwords_from_many_addresses_still_lock_the_account(api, capture):
    make_user("roamer@mill.example", role="SALES")
    statuses = [login(api, "roamer@mill.example", f"Wrong#Guess{n}x").status_code for n in range(6)]
    assert statuses == [401, 401, 401, 401, 423, 423]


def test_an_unknown_or_malformed_address_is_limited_per_ip_and_address_too(api, capture):
    start_of_window(60)
    # An unknown address locks like an account at its fifth failure; a malformed one has nothing to lock.
    for address, fifth in (("ghost@mill.example", 423), ("not an e-mail", 401)):
        statuses = [login(api, address, "Whatever#123", ip=OFFICE).status_code for _ in range(6)]
        assert statuses == [401] * 4 + [fifth, 429], address
    # The e-mail is compared normalized: another spelling of the same address is the same counter.
    assert login(api, " GHOST@Mill.Example ", "Whatever#123", ip=OFFICE).status_code == 429


def test_one_address_spraying_many_accounts_is_stopped_at_the_ip_limit(api, capture):
    per_minute = POLICIES["login_ip"].per_minute
    assert POLICIES["login"].per_minute < 10 < per_minute <= 30     # an office fits, a sprayer does not
    start_of_window(60)
    spray = OFFICE
    statuses = [login(api, f"user{n}@mill.example", "Spring#2026!", ip=spray).status_code
                for n in range(per_minute + 1)]
    assert statuses == [401] * per_minute + [429]
    refused = login(api, "someone.new@mill.example", "Spring#2026!", ip=spray)
    assert refused.status_code == 429
    assert refused.get_json()["details"]["policy"] == "login_ip"
    assert login(api, "user0@mill.example", "Spring#2026!", ip=fresh_ip()).status_code == 401   # per IP
    clock.advance(timedelta(seconds=int(refused.headers["Retry-After"])))
    assert login(api, "someone.new@mill.example", "Spring#2026!", ip=spray).status_code == 401


def test_concurrent_attempts_for_one_account_take_exactly_the_five_slots(api, capture):
    start_of_window(60)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda n: login(api, "ghost@mill.example", f"Wrong#Guess{n}x", ip=OFFICE),
                                  range(8)))
    # Five pass the limit (the fifth failure locks the unknown address: 423); three are refused by it.
    assert sorted(response.status_code for response in responses) == [401] * 4 + [423] + [429] * 3
