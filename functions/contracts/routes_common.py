"""The contracts function's router, shared by routes.py, routes_commissions.py and routes_invoices.py (each
registers on it; routes.py imports the other two so that loading it loads every route)."""
from __future__ import annotations

from shared.http import Router

router = Router("contracts")
