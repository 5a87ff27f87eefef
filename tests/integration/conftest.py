"""Fixtures shared by the integration tests (tests/conftest.py has the emulators, `clean_db`, `api` and
`capture`). A fixture used by more than one test file belongs here, not copied into each."""
from __future__ import annotations

import uuid

import pytest
from flask import Flask

from shared.adapters import storage
from shared.config import settings
from shared.http.pipeline import handle
from shared.routing import DOMAIN_EVENTS_TOPIC
from tests.support.masters import with_empty_cache
from tests.support.notifications import Tap
from tests.support.sample_router import router, slow_gate


@pytest.fixture
def sample_client(clean_db):
    """A Flask test client of the pipeline serving the sample router (tests/support/sample_router.py)."""
    app = Flask("sample")

    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def entry(path):
        from flask import request

        return handle(router, request, ("/api/sample",))

    yield app.test_client()
    slow_gate.clear()


@pytest.fixture
def subscription(clean_db):
    """A fresh pull subscription on domain-events, so the test sees exactly what was published:
    (subscriber, subscription path)."""
    from google.cloud import pubsub_v1

    subscriber = pubsub_v1.SubscriberClient()
    project = settings().project_id
    name = subscriber.subscription_path(project, f"test-{uuid.uuid4().hex[:10]}")
    subscriber.create_subscription(name=name, topic=f"projects/{project}/topics/{DOMAIN_EVENTS_TOPIC}")
    yield subscriber, name
    subscriber.delete_subscription(subscription=name)


@pytest.fixture
def taps(api):
    """A tap on each notification topic: {topic: Tap} (tests/support/notifications.py)."""
    opened = {topic: Tap(topic) for topic in ("domain-events", "email-requests", "sms-requests")}
    yield opened
    for tap in opened.values():
        tap.close()


@pytest.fixture
def bucket(emulators):
    """The documents bucket on the Storage emulator, created when missing."""
    storage.reset_client()
    storage.ensure_bucket()
    yield storage.bucket()
    storage.reset_client()


@pytest.fixture
def masters_api(api):
    """The `api` client with the masters' instance cache emptied before and after the test."""
    yield from with_empty_cache(api)


@pytest.fixture
def seeded_masters(masters_api):
    """The masters' demo reference data (functions/masters/seed.py); its tally."""
    from functions.masters.seed import seed_masters

    return seed_masters()


@pytest.fixture
def contract_parties(api):
    """Masters seeded and the three contract parties (buyer-1 in Gujarat, seller-1 and other-1 in
    Maharashtra), with the masters' cache emptied before and after; the organization's financial year."""
    from functions.masters.cached import CACHE
    from tests.support.contracts import HINDI_BUYER, ORG, seed_masters, seed_party

    CACHE.clear()
    years = seed_masters()["financialYears"]
    seed_party("buyer-1", legal_name=HINDI_BUYER, state_code="24", pan="AAACS1234F")
    seed_party("seller-1", legal_name="Patel Ginning Factory", state_code="27", pan="AAAFP5678K")
    seed_party("other-1", legal_name="Other Traders", state_code="27", pan="AAAFO9999K")
    yield {"fy": years[ORG]}
    CACHE.clear()
