"""GST on an invoice (domain/trading.md "GST invoices"): pure, integer paise, never a float.

Place of supply when goods move: the state where the movement ends (the delivery state); bill-to-ship-to
(the recipient directs delivery to a third party): the recipient's principal place of business. The
supplier's state is its GSTIN's. Same state → CGST + SGST at half the rate each, each computed on the
taxable value; otherwise IGST at the full rate. Reverse charge: kapas bought from an agriculturist.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shared.money import Money

INTRA, INTER = "INTRA_STATE", "INTER_STATE"


@dataclass(frozen=True)
class TaxSplit:
    kind: str
    rate_percent: Decimal
    cgst: Money
    sgst: Money
    igst: Money

    @property
    def total_tax(self) -> Money:
        return self.cgst + self.sgst + self.igst


def place_of_supply(delivery_state: str | None, recipient_state: str | None, *, bill_to_ship_to: bool = False
                    ) -> str | None:
    """The GST state code of the place of supply."""
    if bill_to_ship_to:
        return recipient_state
    return delivery_state or recipient_state


def split(taxable: Money, rate_percent: Decimal, supplier_state: str | None, place: str | None) -> TaxSplit:
    if supplier_state and place and supplier_state == place:
        half = rate_percent / 2
        return TaxSplit(INTRA, rate_percent, taxable.percent(half), taxable.percent(half), Money.zero())
    return TaxSplit(INTER, rate_percent, Money.zero(), Money.zero(), taxable.percent(rate_percent))


def reverse_charge(commodity_code: str | None, seller_is_agriculturist: bool) -> bool:
    return bool(seller_is_agriculturist) and (commodity_code or "").upper() == "KAPAS"
