"""HTTP routes of the `tradedesk` function: mapping only, rules live in the services."""
from __future__ import annotations

from functions.tradedesk.models import ParseRequest, ParseResponse
from shared.http import ApiRequest, Router

router = Router("tradedesk")


@router.post("/api/nlp/parse", permission="nlp:parse", body=ParseRequest, response=ParseResponse)
def parse_chat_message(req: ApiRequest) -> ParseResponse:
    """Parse a chat message into a draft trade, resolved against the masters."""
    from functions.tradedesk.nlp_service import parse

    return parse(req.body.text)
