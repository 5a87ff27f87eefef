"""HTTP routes of the `auth` function: mapping only, rules live in the service."""
from shared.http import Router

router = Router("auth")
