"""Endpoint groups, one Cloud Function each."""
