"""HTTP routes of the `tradedesk` function: mapping only, rules live in the services."""
from __future__ import annotations

from functions.tradedesk.models import ParseRequest, ParseResponse
from functions.tradedesk.nlp_service import parse
from shared.http import ApiRequest, Router

router = Router("tradedesk")


@router.post("/api/nlp/parse", permission="nlp:parse", body=ParseRequest, response=ParseResponse)
def parse_chat_message(req: ApiRequest) -> ParseResponse:
    """Parse a chat message into a draft trade, resolved against the masters."""
    return parse(req.body.text)

# Route modules that register on `router` (imported last: they import `router` from here).
import functions.tradedesk.routes_dashboard  # noqa: E402,F401
import functions.tradedesk.routes_lots  # noqa: E402,F401
import functions.tradedesk.routes_matches  # noqa: E402,F401
