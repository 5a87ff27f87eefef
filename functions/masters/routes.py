"""HTTP routes of the `masters` function: mapping only, rules live in the service."""
from shared.http import Router

router = Router("masters")
