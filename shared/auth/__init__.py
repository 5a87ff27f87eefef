"""Authentication and authorization guards used by every endpoint group."""
