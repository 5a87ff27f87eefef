"""The common-password blocklist (data/common-passwords.txt, 30,000 entries; provenance in data/NOTICE.txt).

Loaded on first use (about 10 ms), never at import, so a cold start that does not check a password
does not pay for it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LIST_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@lru_cache(maxsize=1)
def blocklist() -> frozenset[str]:
    with LIST_FILE.open(encoding="utf-8") as handle:
        return frozenset(line.strip().casefold() for line in handle if line.strip())


def is_common(password: str) -> bool:
    return password.casefold() in blocklist()
