"""Every route is authenticated and permission-checked, except an explicit list of public ones."""
import importlib

from shared.auth.permissions import PERMISSIONS
from shared.routing import HTTP_FUNCTIONS

# Public by design (DESIGN.md §8, DOMAIN.md): signing in, tokens, resets, OTP, invites, the API docs,
# and self-service onboarding, whose routes check the application token (X-Application-Token) instead.
PUBLIC = {
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/refresh"),
    ("POST", "/api/auth/password-reset/request"),
    ("POST", "/api/auth/password-reset/confirm"),
    ("POST", "/api/auth/otp/send"),
    ("POST", "/api/auth/otp/verify"),
    ("POST", "/api/users/invites/accept"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/{asset}"),
    ("POST", "/api/onboarding/applications"),
}
APPLICATION_TOKEN_PREFIX = "/api/onboarding/applications/{applicationId}"


def all_routes():
    for spec in HTTP_FUNCTIONS:
        yield from importlib.import_module(f"{spec.module}.routes").router.routes


def test_only_the_listed_routes_are_public():
    public = {(route.method, route.path) for route in all_routes() if route.public}
    unexpected = {item for item in public - PUBLIC if not item[1].startswith(APPLICATION_TOKEN_PREFIX)}
    assert unexpected == set()


def test_the_onboarding_routes_name_the_application_token_they_check():
    # The token's reissue is proven by an e-mail OTP instead (the applicant may have lost the token).
    reissue = ("POST", f"{APPLICATION_TOKEN_PREFIX}/token")
    under = [route for route in all_routes() if route.path.startswith(APPLICATION_TOKEN_PREFIX)]
    assert len(under) > 10
    assert {(route.method, route.path) for route in under if route.credential != "applicationToken"} == {reissue}


def test_every_declared_permission_is_in_the_catalogue():
    unknown = set()
    for route in all_routes():
        for permission in (route.permission or "").split("|"):
            if permission and permission not in PERMISSIONS:
                unknown.add((route.method, route.path, permission))
    assert unknown == set()
