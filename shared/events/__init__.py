"""Domain events: the transactional outbox, its publisher and relay, and idempotent consumers."""
