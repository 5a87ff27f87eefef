"""HTTP routes of the `tradedesk` function: mapping only, rules live in the service."""
from shared.http import Router

router = Router("tradedesk")
