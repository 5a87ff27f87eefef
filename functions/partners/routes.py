"""HTTP routes of the `partners` function: mapping only, rules live in the service."""
from shared.http import Router

router = Router("partners")
