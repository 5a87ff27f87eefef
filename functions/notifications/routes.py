"""HTTP routes of the `notifications` function: mapping only, rules live in the service."""
from shared.http import Router

router = Router("notifications")
