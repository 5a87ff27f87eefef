"""The contracts function's router, shared by routes.py and the other routes_*.py (each registers
on it; routes.py imports the others so that loading it loads every route)."""
from __future__ import annotations

from shared.http import Router

router = Router("contracts")
