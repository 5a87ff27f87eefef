"""Every Cloud Function entry point, one small function each.

Each entry imports its group only when first called, so one function's cold start does not pay for
the others. A production process with a missing secret or an emulator variable refuses to start (the
check below, standard library only); the full settings are validated on first use (shared/config.py).
"""
import os as _os
import sys as _sys

from shared.environment import refuse_to_start as _refuse_to_start

_refuse_to_start(_os.environ)


def _framework_error(error):
    from shared.http.pipeline import framework_error

    return framework_error(error)


# The Functions Framework answers paths its own router refuses (a `%0A` in the path, /robots.txt)
# before our pipeline runs: make those answers JSON with a code too. It registers handlers while it
# loads this module; a plain `import main` (no framework loaded) skips this and stays cheap.
if "functions_framework" in _sys.modules:
    for _status in (400, 404, 405):
        _sys.modules["functions_framework"].errorhandler(_status)(_framework_error)


def _serve(name, request):
    from shared.http.entry import serve

    return serve(name, request)


def auth(request):
    return _serve("auth", request)


def masters(request):
    return _serve("masters", request)


def partners(request):
    return _serve("partners", request)


def tradedesk(request):
    return _serve("tradedesk", request)


def contracts(request):
    return _serve("contracts", request)


def notifications(request):
    return _serve("notifications", request)


def docs(request):
    return _serve("docs", request)


def jobs(request):
    from functions.jobs import serve

    return serve(request)


def on_domain_event(cloud_event):
    from functions.notifications.fanout import handle

    handle(cloud_event)


def on_email_requested(cloud_event):
    from functions.notifications.delivery import handle_email

    handle_email(cloud_event)


def on_sms_requested(cloud_event):
    from functions.notifications.delivery import handle_sms

    handle_sms(cloud_event)


def on_contract_version(cloud_event):
    from functions.contracts.documents import handle

    handle(cloud_event)


def on_financial_year(cloud_event):
    from functions.contracts.carry_forward import handle

    handle(cloud_event)


def on_trade_event(cloud_event):
    from functions.tradedesk.view_writer import handle

    handle(cloud_event)


def on_contract_cancelled(cloud_event):
    from functions.tradedesk.lot_release import handle

    handle(cloud_event)
