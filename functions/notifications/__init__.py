"""The `notifications` Cloud Function (see shared/routing.py for its prefixes)."""
