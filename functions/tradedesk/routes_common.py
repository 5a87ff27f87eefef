"""The tradedesk function's router, shared by routes.py and routes_lots.py (routes.py imports routes_lots so
that loading it loads every route)."""
from __future__ import annotations

from shared.http import Router

router = Router("tradedesk")
