"""functions/masters/search.py: search keys (prefixes of names, aliases and words) and alias matching."""
from __future__ import annotations

from functions.masters import search


def test_search_keys_hold_prefixes_of_names_aliases_and_words():
    keys = search.search_keys("Sri Ganganagar", ["Ganganagar"])
    for key in ("s", "sri", "sri g", "sriganga", "ganga", "ganganagar"):
        assert key in keys
    assert "anga" not in keys
    assert search.query_key("  RAJ ") == "raj"
    assert search.matched_alias("Morbi", ["Morvi"], "morv") == "Morvi"
    assert search.matched_alias("Morbi", ["Morvi"], "mor") is None


def test_search_keys_are_bounded():
    keys = search.search_keys("A" * 80)
    assert max(len(k) for k in keys) == search.MAX_KEY
