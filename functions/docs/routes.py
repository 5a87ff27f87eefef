"""HTTP routes of the `docs` function: mapping only, rules live in the service."""
from shared.http import Router

router = Router("docs")
