"""The contract note (PDF) of one contract version: pure rendering, bytes out.

fpdf2 (pure Python) with HarfBuzz shaping (uharfbuzz) and the Noto Sans Devanagari font from its PyPI
package (fontpkg-noto-sans-devanagari, SIL Open Font License 1.1: the licence ships inside the
package): it has Latin, Devanagari and the ₹ sign, so Hindi party names and amounts render without
any system font (Cloud Functions have none). fpdf2 is imported here only, when a note is rendered.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from shared.money import Money, to_words

FAMILY = "NotoDeva"
FONT_FILE = "NotoSansDevanagari[wdth,wght].ttf"


@lru_cache(maxsize=1)
def font_path() -> Path:
    import fontpkg_noto_sans_devanagari as font

    return Path(font.ROOT) / "files" / FONT_FILE


def rupees(paise: int) -> str:
    """`₹ 12,34,567.50` (Indian digit grouping)."""
    money = Money.from_paise(int(paise))
    whole, fraction = divmod(abs(money.paise), 100)
    digits = str(whole)
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        digits = ",".join(groups) + "," + tail
    sign = "-" if money.paise < 0 else ""
    return f"{sign}₹ {digits}.{fraction:02d}"


def _number(text: Any) -> str:
    value = Decimal(str(text))
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def _party_lines(title: str, party: dict[str, Any] | None) -> list[str]:
    if not party:
        return []
    lines = [f"{title}: {party.get('legalName') or party.get('name') or party.get('partnerId')}"]
    if party.get("name") and party.get("name") != party.get("legalName"):
        lines.append(f"    Trade name: {party['name']}")
    address = party.get("address") or {}
    where = ", ".join(str(address[k]) for k in ("line1", "city", "state", "pincode") if address.get(k))
    if where:
        lines.append(f"    {where}")
    ids = [f"Code {party['code']}" if party.get("code") else "",
           f"GSTIN {party['gstin']}" if party.get("gstin") else ""]
    if any(ids):
        lines.append("    " + "   ".join(i for i in ids if i))
    return lines


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
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(f"Sales contract {content.get('number')} v{version}")
    pdf.set_creator("RNRL TradeHub")
    path = str(font_path())
    pdf.add_font(FAMILY, "", path)
    pdf.add_font(FAMILY, "B", path, variations={"wght": 700})
    pdf.set_text_shaping(True)
    pdf.add_page()
    sizes = {"title": 16, "head": 12, "": 10}
    for style, text in note_lines(content, version):
        pdf.set_font(FAMILY, "B" if style else "", sizes[style])
        if style == "head":
            pdf.ln(2)
        pdf.multi_cell(0, 6 if style else 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
