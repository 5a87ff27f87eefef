"""shared/http/pipeline.py: the client IP taken from X-Forwarded-For behind the trusted proxies."""
from __future__ import annotations


def test_client_ip_is_the_entry_the_trusted_proxy_appended(monkeypatch):
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from shared.config import reset_settings_cache
    from shared.http.pipeline import _client_ip

    def ip(forwarded: str | None, hops: str) -> str:
        monkeypatch.setenv("TRUSTED_PROXY_HOPS", hops)
        reset_settings_cache()
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return _client_ip(Request(EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.9"})
                                  .get_environ()))

    try:
        assert ip("6.6.6.6, 203.0.113.7", "1") == "203.0.113.7"      # a spoofed first entry is ignored
        assert ip("6.6.6.6, 203.0.113.7, 35.191.0.1", "2") == "203.0.113.7"
        assert ip(None, "1") == "10.0.0.9"
        assert ip("6.6.6.6", "0") == "10.0.0.9"
    finally:
        monkeypatch.delenv("TRUSTED_PROXY_HOPS")
        reset_settings_cache()
