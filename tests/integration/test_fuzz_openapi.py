"""Fuzzing gate (issue 15): schemathesis over the whole OpenAPI document against the in-process gateway
on the emulators, as a seeded admin, a few examples per operation; any 5xx, undocumented status or
response that does not match its schema fails (part of `make test`; about 180 operations, 500 requests,
under a minute)."""
from __future__ import annotations

import time

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from tests.support.identity import token_for

EXAMPLES_PER_OPERATION = 3
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.response_schema_conformance]


def test_the_whole_api_answers_as_documented(clean_db, monkeypatch):
    from local.gateway import create_gateway
    from shared.http import pipeline

    monkeypatch.setattr(pipeline, "enforce", lambda *args, **kwargs: None)   # fuzzing, not the limits
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", create_gateway())
    token = token_for({"*"})[0]
    headers = {"Authorization": f"Bearer {token}"}
    failures: dict[str, str] = {}
    operations = requests = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, phases=[Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case):
            nonlocal requests
            requests += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect all, report at once
            text = str(error)
            found = [line.strip() for line in text.splitlines() if line.strip().startswith(("- ST", "- ", "Received"))]
            failures[operation.label] = " | ".join(found[:4])[:400] or text[:400]
    seconds = round(time.monotonic() - started, 1)
    print(f"fuzzed {operations} operations, {requests} requests, {seconds} s")
    assert failures == {}, f"{len(failures)} of {operations} operations failed: {failures}"
