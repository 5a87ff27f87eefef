"""The contract note (PDF) of one contract version: pure rendering, bytes out.

The font, rupees and the page are pdf_kit's (shared with the invoices' PDFs); fpdf2 is imported there
only, when a note is rendered.
"""
from __future__ import annotations

from typing import Any

from functions.contracts.pdf_kit import FAMILY, font_path, rupees
from functions.contracts.pdf_kit import number as _number
from functions.contracts.pdf_kit import party_lines as _party_lines
from functions.contracts.pdf_kit import render as render_lines
from shared.money import Money, to_words

__all__ = ["FAMILY", "font_path", "note_lines", "render", "rupees"]


def note_lines(content: dict[str, Any], version: int) -> list[tuple[str, str]]:
    """The note as (style, text) lines: style "title", "head" or "" (body). Pure, tested without a PDF."""
    quantity = content.get("quantity") or {}
    rate = content.get("rate") or {}
    gst = content.get("gst") or {}
    value = int(content.get("valuePaise") or 0)
    commodity = content.get("commodity") or {}
    variety = content.get("variety") or {}
    lines: list[tuple[str, str]] = [
        ("title", "SALES CONTRACT NOTE"),
        ("head", f"Contract No. {content.get('number')}    Date {content.get('contractDate')}    Version {version}"),
        ("", f"Financial year {content.get('financialYear')}"),
        ("head", "Parties"),
    ]
    for title, key in (("Seller", "seller"), ("Buyer", "buyer"), ("Sub-broker", "subBroker")):
        lines += [("", text) for text in _party_lines(title, content.get(key))]
    lines += [
        ("head", "Goods"),
        ("", f"Commodity: {commodity.get('name')} (HSN {commodity.get('hsnCode')})"),
    ]
    if variety:
        lines.append(("", f"Variety: {variety.get('name') or variety.get('code')}"))
    lines.append(("", f"Quantity: {_number(quantity.get('value', 0))} {quantity.get('unit')} "
                      f"({_number(quantity.get('kg', 0))} kg)"))
    lines.append(("", f"Rate: {rupees(int(rate.get('amountPaise') or 0))} per {rate.get('unit')}"))
    for spec in content.get("qualitySpecs") or []:
        bounds = " - ".join(_number(spec[k]) for k in ("min", "max") if spec.get(k) is not None)
        unit = f" {spec['unit']}" if spec.get("unit") else ""
        lines.append(("", f"Quality: {spec.get('label') or spec.get('key')} {bounds}{unit}"))
    lines += [
        ("head", "Amount"),
        ("", f"Contract value: {rupees(value)}"),
        ("", f"In words: {to_words(Money.from_paise(value))}"),
        ("", f"GST @ {_number(gst.get('ratePercent', 0))}%: {rupees(int(gst.get('amountPaise') or 0))}"),
        ("", f"Total with GST: {rupees(value + int(gst.get('amountPaise') or 0))}"),
        ("head", "Terms"),
    ]
    labels = {"tradeType": "Trade type", "bargainType": "Bargain", "passingTerms": "Passing",
              "weightmentTerms": "Weightment", "deliveryTerms": "Delivery", "paymentTerms": "Payment"}
    for key, label in labels.items():
        term = (content.get("terms") or {}).get(key)
        if term:
            days = f" ({term['days']} days)" if term.get("days") else ""
            lines.append(("", f"{label}: {term.get('label') or term.get('code')}{days}"))
    if content.get("deliveryStation"):
        lines.append(("", f"Delivery station: {content['deliveryStation']}"))
    commissions = content.get("commissions") or {}
    if commissions.get("buyer") or commissions.get("seller"):
        lines.append(("head", "Brokerage"))
        for side in ("buyer", "seller"):
            item = commissions.get(side)
            if not item:
                continue
            basis = (f"{_number(item['percent'])}% of value" if item.get("basis") == "PERCENTAGE"
                     else f"{rupees(int(item.get('ratePaise') or 0))} per bale")
            lines.append(("", f"{side.title()} side: {basis} = {rupees(int(item.get('amountPaise') or 0))} "
                              f"+ GST {_number(item.get('gstPercent', 0))}% {rupees(int(item.get('gstPaise') or 0))}"))
    if content.get("remarks"):
        lines += [("head", "Remarks"), ("", str(content["remarks"]))]
    lines.append(("", "Disputes under the bylaws of the Cotton Association of India. Subject to the terms above."))
    return lines


def render(content: dict[str, Any], version: int) -> bytes:
    """The PDF bytes of the note of `content` (a version snapshot)."""
    return render_lines(f"Sales contract {content.get('number')} v{version}", note_lines(content, version))
