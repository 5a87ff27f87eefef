"""HTTP routes of the `tradedesk` function: mapping only, rules live in the services."""
from __future__ import annotations

import functions.tradedesk.routes_dashboard  # noqa: F401 - registers its routes on `router`
import functions.tradedesk.routes_lots  # noqa: F401 - registers its routes on `router`
import functions.tradedesk.routes_matches  # noqa: F401 - registers its routes on `router`
from functions.tradedesk.models import ParseRequest, ParseResponse
from functions.tradedesk.nlp_service import parse
from functions.tradedesk.routes_common import router
from shared.http import ApiRequest


@router.post("/api/nlp/parse", permission="nlp:parse", body=ParseRequest, response=ParseResponse)
def parse_chat_message(req: ApiRequest) -> ParseResponse:
    """Parse a chat message into a draft trade, resolved against the masters."""
    return parse(req.body.text)
