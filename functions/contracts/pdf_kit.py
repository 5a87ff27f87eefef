"""What every PDF of the contracts group shares (the contract note, the GST and brokerage invoices):
the font, rupees written the Indian way, party blocks and the A4 page that lines are written on.

fpdf2 (pure Python) with HarfBuzz shaping (uharfbuzz) and the Noto Sans Devanagari font from its PyPI
package (fontpkg-noto-sans-devanagari, SIL Open Font License 1.1: the licence ships inside the
package): it has Latin, Devanagari and the ₹ sign, so Hindi party names and amounts render without
any system font (Cloud Functions have none). fpdf2 and the font are imported here only, when a PDF is
rendered, never on `import main`'s path.

A document is a list of (style, text) lines, pure and testable without a PDF: style "title", "head",
"" (body), "row" (`label<TAB>amount`: the amount right-aligned) or "total" (a bold row).
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from shared.money import Money

FAMILY = "NotoDeva"
FONT_FILE = "NotoSansDevanagari[wdth,wght].ttf"
Line = tuple[str, str]


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


def number(text: Any) -> str:
    """A decimal without trailing zeros when whole (`5`, `2.5`, `17000`)."""
    value = Decimal(str(text))
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def party_lines(title: str, party: dict[str, Any] | None) -> list[str]:
    """`Title: legal name`, its trade name, address and code/GSTIN, as far as the party holds them."""
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


SIZES = {"title": 16, "head": 12, "": 10, "row": 10, "total": 11}


def render(title: str, lines: Iterable[Line], watermark: str | None = None) -> bytes:
    """The A4 PDF of `lines`; with `watermark`, that word across every page in light red."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("RNRL TradeHub")
    path = str(font_path())
    pdf.add_font(FAMILY, "", path)
    pdf.add_font(FAMILY, "B", path, variations={"wght": 700})
    pdf.set_text_shaping(True)
    pdf.add_page()
    for style, text in lines:
        pdf.set_font(FAMILY, "B" if style in ("title", "head", "total") else "", SIZES[style])
        if style == "head":
            pdf.ln(2)
        if style in ("row", "total"):
            label, _, amount = text.partition("\t")
            width = pdf.epw * 0.65
            pdf.cell(width, 6, label)
            pdf.cell(pdf.epw - width, 6, amount, align="R", new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.multi_cell(0, 6 if style else 5, text, new_x="LMARGIN", new_y="NEXT")
    if watermark:
        for page in range(1, pdf.page + 1):
            pdf.page = page
            pdf.set_font(FAMILY, "B", 72)
            pdf.set_text_color(220, 80, 80)
            with pdf.rotation(45, pdf.w / 2, pdf.h / 2):
                pdf.text(pdf.w / 2 - pdf.get_string_width(watermark) / 2, pdf.h / 2, watermark)
            pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
