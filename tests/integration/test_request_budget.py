"""The Firestore budget of a request, from the pipeline's counters (X-Firestore-Reads / -Writes): counts, not
timings, so they are stable. An authenticated call's pipeline overhead is the session read and the rate-limit
write; a refused call costs at most one write; warm masters read nothing of their own; a list reads at most
its page (and the one look-ahead document) plus a small constant."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import clock
from shared.auth.permissions import PERMISSIONS
from shared.http.entry import router_for
from shared.routing import HTTP_FUNCTIONS
from tests.support.auth import make_user, sign_in
from tests.support.client import ApiClient
from tests.support.identity import token_for
from tests.support.windows import start_of_window

PAGE = 5
LIST_CONSTANT = 3          # the session, and a route's own lookups (the caller's user or partner, a settings doc)


def ops(response) -> tuple[int, int]:
    return int(response.headers["X-Firestore-Reads"]), int(response.headers["X-Firestore-Writes"])


@pytest.fixture
def empty_masters_cache(api):
    from functions.masters.cached import CACHE

    CACHE.clear()
    yield api
    CACHE.clear()


def test_an_authenticated_me_costs_two_reads_and_one_write(api, capture):
    make_user("budget@example.com", role="SALES")
    token = sign_in(api, "budget@example.com")["tokens"]["accessToken"]
    response = api.get("/api/auth/me", token=token)
    assert response.status_code == 200
    assert ops(response) == (2, 1)            # session + user; the rate-limit counters (no read, no transaction)


def test_a_plain_call_does_not_write_the_session_and_a_revocation_stops_the_next_call(api, capture):
    from shared.db import collection

    make_user("revoked@example.com", role="SALES")
    token = sign_in(api, "revoked@example.com")["tokens"]["accessToken"]
    session_id = api.get("/api/auth/session", token=token).get_json()["id"]
    before = collection("sessions").document(session_id).get()
    assert api.get("/api/auth/me", token=token).status_code == 200
    after = collection("sessions").document(session_id).get()
    assert after.update_time == before.update_time
    collection("sessions").document(session_id).update({"revokedAt": clock.now()})
    refused = api.get("/api/auth/me", token=token)
    assert refused.status_code == 401 and refused.get_json()["code"] == "SESSION_REVOKED"


def test_101_calls_ten_at_a_time_the_101st_is_429_for_at_most_one_write(api, capture):
    make_user("parallel@example.com", role="SALES")
    token = sign_in(api, "parallel@example.com")["tokens"]["accessToken"]
    start_of_window(60)
    clients = [ApiClient(api.client.application) for _ in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        for _ in range(10):
            answers = list(pool.map(lambda client: client.get("/api/auth/me", token=token), clients))
            assert [a.status_code for a in answers] == [200] * 10
            assert all(ops(a) == (2, 1) for a in answers)
    refused = api.get("/api/auth/me", token=token)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert ops(refused) == (1, 1)             # the session, and the counters that refused it
    again = api.get("/api/auth/me", token=token)
    assert again.status_code == 429 and ops(again) == (1, 0)     # remembered by this instance


def test_a_warm_master_list_reads_nothing_of_its_own(empty_masters_cache, capture):
    from functions.masters.seed import seed_masters

    api = empty_masters_cache
    seed_masters()
    token = token_for({"masters:read"})[0]
    for path in ("/api/commodities", "/api/settings/gst-rates", "/api/settings/commission-structures",
                 "/api/settings/states", "/api/settings/regions", "/api/settings/locations?q=b"):
        cold = api.get(path, token=token)
        warm = api.get(path, token=token)
        assert cold.status_code == warm.status_code == 200, (path, cold.get_data(as_text=True))
        assert warm.get_json() == cold.get_json()
        assert ops(warm) == (1, 1), path      # the session and the rate-limit counters only


def test_a_master_write_is_seen_by_the_next_list_of_this_instance(empty_masters_cache, capture):
    from functions.masters.seed import seed_masters

    api = empty_masters_cache
    seed_masters()
    reader = token_for({"masters:read", "masters:write"})[0]
    first = api.get("/api/commodities", token=reader).get_json()["items"]
    target = first[0]
    current = api.get(f"/api/commodities/{target['id']}", token=reader)
    changed = api.patch(f"/api/commodities/{target['id']}", json={"name": target["name"] + " Premium"},
                        token=reader, headers={"If-Match": current.headers["ETag"]})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    names = [item["name"] for item in api.get("/api/commodities", token=reader).get_json()["items"]]
    assert target["name"] + " Premium" in names


def _list_routes() -> list[str]:
    """Every GET list (a Page answer with pageSize) without path parameters."""
    paths = []
    for spec in HTTP_FUNCTIONS:
        for route in router_for(spec.name).routes:
            fields = getattr(route.query, "model_fields", {})
            if route.method == "GET" and "{" not in route.path and not route.public and any(
                    (info.alias or name) == "pageSize" for name, info in fields.items()):
                paths.append(route.path)
    return sorted(paths)


def test_every_list_reads_at_most_its_page_plus_a_constant(empty_masters_cache, capture):
    from functions.masters.seed import seed_masters
    from functions.partners.seed import seed_partners

    api = empty_masters_cache
    seed_masters()
    seed_partners()
    token = token_for(set(PERMISSIONS), role="ADMIN", organization_ids=("org-alpha",))[0]
    measured = {}
    for path in _list_routes():
        response = api.get(f"{path}?pageSize={PAGE}", token=token)
        if response.status_code != 200:
            continue                          # a list that needs a filter or another kind of caller
        reads, _ = ops(response)
        measured[path] = (reads, len(response.get_json()["items"]))
        assert reads <= PAGE + 1 + LIST_CONSTANT, (path, reads)
    assert len(measured) >= 8, measured
    assert any(items == PAGE for _, items in measured.values())      # some list really had a full page


def test_parallel_first_requests_make_one_client_counted_once(clean_db, monkeypatch):
    import threading
    import time

    from google.cloud import firestore

    from shared import db
    from shared.metrics import start_counting, stop_counting

    real = firestore.Client

    def slow_client(*args, **kwargs):
        time.sleep(0.05)                      # widen the window in which another thread finds no client yet
        return real(*args, **kwargs)

    db.reset_client()
    monkeypatch.setattr(firestore, "Client", slow_client)
    barrier = threading.Barrier(8)
    made = []

    def first_request() -> None:
        barrier.wait()
        made.append(db.client())

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in made}) == 1
    counted, token = start_counting()
    try:
        db.collection("budget").document("one").get()
    finally:
        stop_counting(token)
    assert counted.reads == 1
    db.reset_client()


def test_a_location_search_reads_its_matches_and_one_more_cold_and_nothing_warm(empty_masters_cache, capture):
    from functions.masters.seed import seed_masters

    api = empty_masters_cache
    seed_masters()
    token = token_for({"masters:read"})[0]
    cold = api.get("/api/settings/locations?q=b&pageSize=20", token=token)
    items = cold.get_json()["items"]
    assert cold.status_code == 200 and items
    # the session, the page's stations and the look-ahead one (only when there is a next page)
    assert ops(cold)[0] == 1 + len(items) + (1 if cold.get_json()["nextPageToken"] else 0)
    assert ops(api.get("/api/settings/locations?q=b&pageSize=20", token=token)) == (1, 1)
