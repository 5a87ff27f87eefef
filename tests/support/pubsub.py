"""Reading what was published to Pub/Sub in integration tests."""
from __future__ import annotations

from typing import Any


def pull_all(subscriber: Any, name: str, expected: int) -> list:
    """Pull until `expected` messages arrived (or a few empty polls), acking them."""
    received = []
    empty_polls = 0
    while empty_polls < 5:
        # Once the expected count is in, one short extra poll shows that nothing more arrives.
        timeout = 1 if len(received) >= expected else 3
        response = subscriber.pull(subscription=name, max_messages=50, timeout=timeout)
        if not response.received_messages:
            empty_polls += 1
            if len(received) >= expected:
                break
            continue
        subscriber.acknowledge(subscription=name, ack_ids=[m.ack_id for m in response.received_messages])
        received.extend(m.message for m in response.received_messages)
    return received
