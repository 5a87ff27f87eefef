"""How a message is read: the extractors in order, then commodity, defaults, confidence and warnings.

Each extractor takes what it understands out of the shared working copy (text.Scan), so the order
matters: noise (dates, phones) first, then the term days, variety, grade, places, bargain words,
quality, prices, and last the quantities, so that `per 20 kg` is a price unit and never a quantity.
"""
from __future__ import annotations

from typing import Any

from .goods import detect_commodity, extract_grade, extract_variety, says_kapas
from .lexicon import ParserMasters, default_masters, lexicon_for
from .location import Place, extract_location
from .model import ParsedTrade
from .noise import mask_noise
from .price import Price, bare_price, check_usual, extract_price, price_from_counts
from .quality import extract_quality
from .quantity import Quantity, extract_quantity
from .side import SideFound, detect_side
from .terms import Terms, extract_bargain, extract_terms
from .text import Scan, clean


def parse(text: str, masters: ParserMasters | None = None) -> ParsedTrade:
    """Read one message. Fields the message does not give are None; `warnings` says what was unclear."""
    lexicon = lexicon_for(masters or default_masters())
    warnings: list[str] = []
    scan = Scan(clean(text))
    mask_noise(scan)
    side = detect_side(scan.text)
    terms = extract_terms(scan, warnings)
    variety = extract_variety(scan, lexicon, warnings)
    grade = extract_grade(scan)
    place = extract_location(scan, lexicon, warnings)
    extract_bargain(scan, terms)
    quality = extract_quality(scan, warnings)
    price = extract_price(scan, warnings)
    quantity, other_counts = extract_quantity(scan, warnings)
    if price is None:
        price, other_counts = price_from_counts(other_counts, warnings)
    if price is None:
        price = bare_price(scan, says_kapas(scan.text), warnings)
    warnings.extend(f"another quantity '{count.text}' ignored" for count in other_counts)
    units = [quantity.unit if quantity else None, price.unit if price else None]
    commodity = detect_commodity(scan.text, variety, units, warnings)
    if price is not None:
        if price.unit is None:
            price.unit = "QUINTAL" if commodity == "KAPAS" else "CANDY"
            warnings.append(f"price unit assumed {price.unit} (none written)")
        check_usual(price, warnings)
    _bargain(terms, place, warnings)
    trade_side = _side(side, warnings)
    has_trade = any((commodity, variety, quantity, price, quality, place))
    if has_trade:
        for value, what in ((trade_side, "side (buy/sell)"), (quantity, "quantity"), (price, "price")):
            if value is None:
                warnings.append(f"no {what} found")
    else:
        warnings.append("no trade details found")
    return ParsedTrade(
        side=trade_side,
        commodity=commodity,
        variety=variety.name if variety else None,
        grade=grade,
        quantity={"value": quantity.value, "unit": quantity.unit} if quantity else None,
        quality=quality,
        price=({"amount": price.amount, "max_amount": price.max_amount, "unit": price.unit}
               if price else None),
        location={"station": place.station, "state": place.state} if place else None,
        delivery_days=terms.delivery_days,
        payment_days=terms.payment_days,
        bargain_type=terms.bargain_type,
        confidence=_confidence(trade_side, quantity, price, side.question,
                               extras=(commodity, variety, place, quality,
                                       terms.delivery_days is not None or terms.payment_days is not None
                                       or terms.bargain_type),
                               doubts=sum(any(mark in w for mark in _DOUBTS) for w in warnings)),
        warnings=warnings,
    )


# Warnings about a guess (not about something missing): each lowers the confidence a little.
_DOUBTS = ("fuzzy", "assumed", "read from", "read as")


def _side(side: SideFound, warnings: list[str]) -> str | None:
    if side.asked:
        warnings.append(f"'{side.asked}' is asked in a question, so no side is taken from it")
    if side.conflict:
        warnings.append(f"both buy and sell words ('{side.word}', '{side.conflict}'); used the first")
    return side.side


def _bargain(terms: Terms, place: Place | None, warnings: list[str]) -> None:
    """A marked delivery place makes the bargain DELIVERED; conflicting bargain words are reported."""
    kinds = {kind for kind, _ in terms.bargain_words}
    if place is not None and place.delivered:
        if terms.bargain_type not in (None, "DELIVERED"):
            warnings.append(f"'{terms.bargain_words[0][1]}' and a delivery place both given; used DELIVERED")
        terms.bargain_type = "DELIVERED"
    elif len(kinds) > 1:
        words = ", ".join(word for _, word in terms.bargain_words)
        warnings.append(f"several bargain terms ({words}); used the first")


def _confidence(side: str | None, quantity: Quantity | None, price: Price | None, question: bool,
                extras: tuple[Any, ...], doubts: int) -> float:
    """Bands by how many of side, quantity and price were found (3: 0.8-1, 2: 0.55-0.75, 1: 0.3-0.45,
    0: 0.05-0.3), moved within the band by the other fields found and down by doubtful readings.
    A question stays below 0.5."""
    core = sum(value is not None for value in (side, quantity, price))
    extra = sum(bool(value) for value in extras) / len(extras)
    low, width = {3: (0.8, 0.2), 2: (0.55, 0.2), 1: (0.3, 0.15), 0: (0.05, 0.25)}[core]
    score = low + width * extra - 0.03 * doubts
    score = max(low, min(low + width, score))
    if question:
        score = min(score, 0.45)
    return round(score, 2)
