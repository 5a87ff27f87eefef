"""Create the Pub/Sub topics and push subscriptions of shared/routing.py on the emulator.

The emulator keeps no state across restarts, so this runs at every start of the local stack.
"""
from __future__ import annotations

from shared.routing import EVENT_FUNCTIONS


def ensure_topics(project: str, gateway_url: str | None = None) -> list[str]:
    """Create every event topic; with `gateway_url`, a push subscription per event function to
    `<gateway_url>/_events/<function>`. Returns the topic names."""
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topics = []
    for spec in EVENT_FUNCTIONS:
        topic = publisher.topic_path(project, spec.topic)
        try:
            publisher.create_topic(name=topic)
        except AlreadyExists:
            pass
        topics.append(spec.topic)
        if gateway_url:
            subscription = subscriber.subscription_path(project, f"{spec.name}-push")
            push = pubsub_v1.types.PushConfig(push_endpoint=f"{gateway_url}/_events/{spec.name}")
            try:
                subscriber.create_subscription(name=subscription, topic=topic, push_config=push,
                                               ack_deadline_seconds=30)
            except AlreadyExists:
                pass
    return topics
