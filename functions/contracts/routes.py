"""HTTP routes of the `contracts` function: mapping only, rules live in the service."""
from shared.http import Router

router = Router("contracts")
