"""The masters function's per-instance read cache (commodity templates and lists, location searches, states,
regions, GST rates and commission structures).

Masters change rarely: a trade request must not re-read the commodity on every call. Entries live
60 seconds; a write in this instance drops the entries of its kind at once (other instances catch up
within the TTL).
"""
from __future__ import annotations

from shared.cache import TtlCache

TTL_SECONDS = 60
CACHE = TtlCache(ttl_seconds=TTL_SECONDS, max_entries=2048)

COMMODITY_PREFIX = "commodity:"
LOCATION_PREFIX = "locations:"
GST_RATE_PREFIX = "gstRate:"
COMMISSION_PREFIX = "commission:"
