"""Adapters to the services outside Firestore: email (SendGrid), SMS (Twilio), Cloud Storage, Cloud Tasks.

Each adapter imports its SDK inside the functions that use it, so importing this package costs nothing
at cold start. Locally and in tests the same SDKs talk to the emulators or to local/capture.py.
"""
from shared.adapters.errors import DeliveryFailed

__all__ = ["DeliveryFailed"]
