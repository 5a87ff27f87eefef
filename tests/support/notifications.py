"""Helpers for notification tests: seed users and partners, tap Pub/Sub topics, deliver like push does."""
from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from shared import clock


def seed_user(user_id: str, **fields: Any) -> dict[str, Any]:
    """A `users/{id}` document shaped like the identity group's (active unless told otherwise)."""
    from shared.db import collection

    partner = bool(fields.get("partnerId"))
    doc = {"email": f"{user_id}@example.com", "name": f"User {user_id}", "mobile": "+919876543210",
           "kind": "partner" if partner else "back_office", "role": "PARTNER_PRIMARY" if partner else "SALES",
           "grants": [], "revocations": [], "partnerId": None, "organizationIds": [], "status": "ACTIVE",
           "createdAt": clock.now(), **fields}
    collection("users").document(user_id).set(doc)
    return doc


def seed_partner(partner_id: str, **fields: Any) -> dict[str, Any]:
    from shared.db import collection

    doc = {"code": f"BP-{partner_id[-6:].rjust(6, '0')}", "legalName": "Shree Ginning Pvt Ltd",
           "tradeName": "Shree Ginning", "status": "ACTIVE", "orgId": "org-1", **fields}
    collection("partners").document(partner_id).set(doc)
    return doc


def emit(event_type: str, data: dict[str, Any], subject: str | None = None) -> str:
    """Commit an outbox event (published to `domain-events` after the commit); returns its event id."""
    from shared.uow import run_in_transaction

    return run_in_transaction(lambda uow: uow.emit(event_type, data, subject=subject))


class Tap:
    """A pull subscription on a topic, created before the messages it should see are published."""

    def __init__(self, topic: str) -> None:
        from google.cloud import pubsub_v1

        from shared.config import settings

        project = settings().project_id
        self.subscriber = pubsub_v1.SubscriberClient()
        self.topic = topic
        self.path = self.subscriber.subscription_path(project, f"test-{topic}-{uuid.uuid4().hex[:10]}")
        self.subscriber.create_subscription(name=self.path, topic=f"projects/{project}/topics/{topic}",
                                            ack_deadline_seconds=60)

    def _pull_once(self) -> list[Any]:
        response = self.subscriber.pull(request={"subscription": self.path, "max_messages": 50}, timeout=5)
        if not response.received_messages:
            time.sleep(0.02)
            return []
        self.subscriber.acknowledge(request={"subscription": self.path,
                                             "ack_ids": [m.ack_id for m in response.received_messages]})
        return [m.message for m in response.received_messages]

    def pull(self, expected: int = 1, timeout: float = 10.0, settle: float = 0.0) -> list[Any]:
        """At least `expected` messages (acked), waiting up to `timeout`; then `settle` seconds more to
        collect any extra ones (to prove there are none)."""
        messages: list[Any] = []
        deadline = time.monotonic() + timeout
        while len(messages) < expected and time.monotonic() < deadline:
            messages.extend(self._pull_once())
        settle_until = time.monotonic() + settle
        while time.monotonic() < settle_until:
            messages.extend(self._pull_once())
        return messages

    def close(self) -> None:
        try:
            self.subscriber.delete_subscription(request={"subscription": self.path})
        finally:
            self.subscriber.close()


def push_envelope(message: Any, subscription: str = "projects/p/subscriptions/test") -> dict[str, Any]:
    """The JSON body the Pub/Sub push subscription POSTs to an endpoint."""
    publish_time = message.publish_time.isoformat() if message.publish_time else clock.iso(clock.now())
    return {"subscription": subscription, "message": {
        "data": base64.b64encode(message.data).decode(), "attributes": dict(message.attributes),
        "messageId": message.message_id, "message_id": message.message_id,
        "publishTime": publish_time, "publish_time": publish_time}}


def push(api: Any, function: str, message: Any) -> Any:
    """Deliver one Pub/Sub message to an event function through the gateway (functions-framework turns the
    push envelope into the CloudEvent, as in the local stack)."""
    return api.post(f"/_events/{function}", json=push_envelope(message))


def cloud_event(message: Any, topic: str) -> Any:
    """The CloudEvent functions-framework builds for a Pub/Sub message (for calling a handler directly)."""
    from cloudevents.http import CloudEvent

    from shared.config import settings

    envelope = push_envelope(message, f"projects/{settings().project_id}/subscriptions/direct")
    return CloudEvent({"type": "google.cloud.pubsub.topic.v1.messagePublished", "specversion": "1.0",
                       "source": f"//pubsub.googleapis.com/projects/{settings().project_id}/topics/{topic}",
                       "id": message.message_id}, envelope)


@contextmanager
def served_gateway_with_push(topic: str = "domain-events", function: str = "on_domain_event",
                             wrap: Callable[[Any], Any] | None = None) -> Iterator[str]:
    """The gateway on a real local port, with a Pub/Sub push subscription on `topic` delivering to
    `/_events/<function>` (as the local stack wires it); yields the gateway's base URL. `wrap` may wrap
    the gateway's WSGI app (test-only routes in front of it)."""
    from google.cloud import pubsub_v1
    from werkzeug.serving import make_server

    from local.gateway import create_gateway
    from shared.config import settings

    gateway = create_gateway()
    server = make_server("127.0.0.1", 0, wrap(gateway) if wrap else gateway, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    project = settings().project_id
    subscriber = pubsub_v1.SubscriberClient()
    subscription = subscriber.subscription_path(project, f"test-push-{uuid.uuid4().hex[:8]}")
    subscriber.create_subscription(
        name=subscription, topic=f"projects/{project}/topics/{topic}", ack_deadline_seconds=30,
        push_config=pubsub_v1.types.PushConfig(push_endpoint=f"{base}/_events/{function}"))
    try:
        yield base
    finally:
        subscriber.delete_subscription(request={"subscription": subscription})
        subscriber.close()
        server.shutdown()
        thread.join(timeout=5)
