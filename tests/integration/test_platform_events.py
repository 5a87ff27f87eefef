"""Outbox, Pub/Sub publishing, idempotent consumers, the relay job and numbering, on the emulators."""
from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.support.pubsub import pull_all


def emit_one(event_type: str = "SampleHappened") -> str:
    from shared.uow import run_in_transaction

    return run_in_transaction(lambda uow: uow.emit(event_type, {"n": 1}, subject="s1"))


def as_cloud_event(message) -> dict:
    return {"message": {"data": base64.b64encode(message.data).decode(), "attributes": dict(message.attributes),
                        "messageId": message.message_id}}


def test_a_committed_change_publishes_exactly_one_message(subscription):
    from shared.db import collection

    subscriber, name = subscription
    event_id = emit_one()
    messages = pull_all(subscriber, name, expected=1)
    assert len(messages) == 1
    assert messages[0].attributes["eventId"] == event_id
    assert messages[0].attributes["type"] == "SampleHappened"
    assert json.loads(messages[0].data)["data"] == {"n": 1}
    assert collection("outbox").document(event_id).get().to_dict()["status"] == "SENT"


def test_a_typed_event_is_published_under_its_class_name_with_camel_case_data(subscription):
    from functions.partners.public import PartnerApproved
    from shared.uow import run_in_transaction

    subscriber, name = subscription
    event = PartnerApproved(partner_id="p1", partner_code="BP-000001", kind="SELLER")
    event_id = run_in_transaction(lambda uow: uow.emit(event, subject="p1"))
    [message] = pull_all(subscriber, name, expected=1)
    assert (message.attributes["eventId"], message.attributes["type"]) == (event_id, "PartnerApproved")
    assert json.loads(message.data)["data"] == {"partnerId": "p1", "partnerCode": "BP-000001", "kind": "SELLER"}
    with pytest.raises(TypeError):
        run_in_transaction(lambda uow: uow.emit(event, {"partnerId": "p1"}))


def test_a_consumer_given_the_same_message_twice_acts_once(subscription):
    from shared.db import collection
    from shared.events.consumer import consume_once, decode

    subscriber, name = subscription
    emit_one()
    message = pull_all(subscriber, name, expected=1)[0]
    acted = []

    def work(uow):
        acted.append(1)
        uow.create(collection("sampleEffects").document(), {"eventId": message.attributes["eventId"]})

    event = decode(as_cloud_event(message))
    assert consume_once("sample-consumer", event, work) is True
    assert consume_once("sample-consumer", event, work) is False
    assert len(acted) == 1
    assert len(list(collection("sampleEffects").stream())) == 1


def test_the_fanout_entry_dedupes_redeliveries(subscription):
    from functions.notifications.fanout import handle
    from shared.db import collection

    subscriber, name = subscription
    event_id = emit_one()
    message = pull_all(subscriber, name, expected=1)[0]
    results = [handle(as_cloud_event(message)) for _ in range(3)]
    assert results == [True, False, False]
    assert collection("processedEvents").document(f"notifications-fanout:{event_id}").get().exists


def test_outbox_relay_job_publishes_what_was_left_unsent(subscription, api):
    from shared import clock
    from shared.config import settings
    from shared.db import collection
    from shared.uow import run_in_transaction

    subscriber, name = subscription
    # A crash between commit and publish: the event is committed but never published.
    event_id = run_in_transaction(lambda uow: uow.emit("SampleHappened", {"n": 2}), publish=False)
    assert collection("outbox").document(event_id).get().to_dict()["status"] == "PENDING"
    clock.advance(timedelta(minutes=1))
    secret = settings().jobs_shared_secret.get_secret_value()
    denied = api.post("/jobs/outbox-relay", headers={"Authorization": "Bearer wrong"})
    assert denied.status_code == 401
    response = api.post("/jobs/outbox-relay", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["summary"] == {"pending": 1}
    messages = pull_all(subscriber, name, expected=1)
    assert [m.attributes["eventId"] for m in messages] == [event_id]
    assert collection("outbox").document(event_id).get().to_dict()["status"] == "SENT"
    again = api.post("/jobs/outbox-relay", headers={"Authorization": f"Bearer {secret}"})
    assert again.get_json()["summary"] == {"pending": 0}


def test_fifty_concurrent_numbering_requests_get_fifty_consecutive_numbers(clean_db):
    from shared.db import collection
    from shared.numbering import CounterScope, contract_number, next_number
    from shared.uow import run_in_transaction

    scope = CounterScope("org-1", "2025-26", "SC")

    def take(_: int) -> str:
        def work(uow):
            n = next_number(uow, scope)
            number = contract_number("2025-26", n)
            uow.create(collection("sampleContracts").document(), {"number": number})
            return number

        return run_in_transaction(work)

    with ThreadPoolExecutor(max_workers=5) as pool:
        numbers = list(pool.map(take, range(50)))
    assert sorted(numbers) == [f"SC/25-26/{n:05d}" for n in range(1, 51)]
    stored = sorted(doc.to_dict()["number"] for doc in collection("sampleContracts").stream())
    assert stored == sorted(numbers)
    counter = collection("counters").document("org-1:2025-26:SC").get().to_dict()
    assert (counter["value"], counter["orgId"], counter["fy"], counter["series"]) == (50, "org-1", "2025-26", "SC")


def test_two_numbers_from_one_counter_in_one_unit_of_work_are_consecutive(clean_db):
    from shared.db import collection
    from shared.numbering import CounterScope, invoice_number, next_number
    from shared.uow import run_in_transaction

    scope = CounterScope("org-1", "2025-26", "INV")
    other = CounterScope("org-2", "2025-26", "INV")

    def work(uow):
        first, second = next_number(uow, scope), next_number(uow, scope)
        elsewhere = next_number(uow, other)
        third = next_number(uow, scope)
        for n in (first, second, third):
            uow.create(collection("sampleInvoices").document(), {"number": invoice_number("2025-26", n)})
        return first, second, third, elsewhere

    assert run_in_transaction(work) == (1, 2, 3, 1)
    assert run_in_transaction(work) == (4, 5, 6, 2)
    assert collection("counters").document(scope.key).get().to_dict()["value"] == 6
    assert collection("counters").document(other.key).get().to_dict()["value"] == 2
    numbers = sorted(doc.to_dict()["number"] for doc in collection("sampleInvoices").stream())
    assert numbers == [f"INV/2526/{n:05d}" for n in range(1, 7)]

    def fails(uow):
        next_number(uow, scope)
        next_number(uow, scope)
        raise RuntimeError("the invoice could not be made")

    with pytest.raises(RuntimeError):
        run_in_transaction(fails)
    assert run_in_transaction(lambda uow: next_number(uow, scope)) == 7   # a failed transaction used none


def test_concurrent_transactions_taking_two_numbers_each_leave_no_gap_and_no_duplicate(clean_db):
    from shared.numbering import CounterScope, next_number
    from shared.uow import run_in_transaction

    scope = CounterScope("org-1", "2025-26", "BRK")

    def take(_: int) -> tuple[int, int]:
        return run_in_transaction(lambda uow: (next_number(uow, scope), next_number(uow, scope)))

    with ThreadPoolExecutor(max_workers=5) as pool:
        pairs = list(pool.map(take, range(20)))
    assert all(second == first + 1 for first, second in pairs)
    assert sorted(n for pair in pairs for n in pair) == list(range(1, 41))


def test_helpers_that_read_then_write_compose_in_one_transaction(clean_db):
    """Writes are queued until the work returns, so a second read-then-write helper can still read."""
    from shared.db import collection
    from shared.numbering import next_number
    from shared.uow import run_in_transaction

    def work(uow):
        first = next_number(uow, "org-1:2025-26", "contract")
        second = next_number(uow, "org-1:2025-26", "invoice")
        uow.create(collection("sampleContracts").document(), {"contract": first, "invoice": second})
        return first, second

    assert run_in_transaction(work) == (1, 1)
    assert run_in_transaction(work) == (2, 2)
    assert collection("counters").document("org-1:2025-26:invoice").get().to_dict()["value"] == 2


def test_work_that_never_gets_through_is_503_contention_and_writes_nothing(clean_db, monkeypatch):
    from google.api_core.exceptions import Aborted

    from shared import uow as uow_module
    from shared.db import collection
    from shared.errors import ServiceUnavailable

    monkeypatch.setattr(uow_module, "MAX_TRANSACTION_ATTEMPTS", 3)
    attempts = []

    def always_contended(uow):
        attempts.append(1)
        uow.create(collection("sampleContracts").document("never"), {"n": len(attempts)})
        uow.flush()
        raise Aborted("Transaction lock timeout.")

    from shared import metrics

    ops, token = metrics.start_counting()
    try:
        with pytest.raises(ServiceUnavailable) as refused:
            uow_module.run_in_transaction(always_contended)
    finally:
        metrics.stop_counting(token)
    assert len(attempts) == 3
    assert ops.retries == 3                  # every abort is counted (X-Transaction-Retries, for bench/)
    assert refused.value.status == 503 and refused.value.code == "CONTENTION"
    assert refused.value.headers["Retry-After"] == "1"
    assert not collection("sampleContracts").document("never").get().exists


def test_after_an_abort_transactions_take_turns_so_twenty_contending_increments_all_get_through(clean_db):
    """Twenty read-then-write transactions on one document from twenty threads: every one commits once."""
    from shared.db import collection
    from shared.uow import run_in_transaction

    ref = collection("sampleCounters").document("hot")
    ref.set({"value": 0})

    def bump(_: int) -> int:
        def work(uow):
            value = uow.get(ref).to_dict()["value"] + 1
            uow.update(ref, {"value": value})
            return value

        return run_in_transaction(work)

    with ThreadPoolExecutor(max_workers=20) as pool:
        places = sorted(pool.map(bump, range(20)))
    assert places == list(range(1, 21))
    assert ref.get().to_dict()["value"] == 20
