"""shared/openapi.py documents the status a route answers: a handler that returns nothing is a 204."""
import importlib

from shared.routing import HTTP_FUNCTIONS


def test_every_route_whose_handler_returns_nothing_is_documented_as_204():
    wrong = []
    for spec in HTTP_FUNCTIONS:
        for route in importlib.import_module(f"{spec.module}.routes").router.routes:
            returns_nothing = route.handler.__annotations__.get("return", "unannotated") in ("None", None)
            if returns_nothing and route.status != 204:
                wrong.append(f"{route.method} {route.path}")
    assert wrong == []


def test_the_document_says_204_for_the_partner_child_deletes():
    from shared.openapi import build_document

    paths = build_document(version="test")["paths"]
    for path in ("/api/partners/{partnerId}/branches/{branchId}", "/api/partners/{partnerId}/documents/{documentId}",
                 "/api/onboarding/applications/{applicationId}/documents/{documentId}"):
        responses = paths[path]["delete"]["responses"]
        assert "204" in responses and "200" not in responses, path
