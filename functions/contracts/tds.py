"""TDS under section 194H on brokerage (DOMAIN.md "Contracts and settlement", domain/trading.md).

Whoever pays RNRL brokerage deducts 2% of it as TDS once the brokerage it pays RNRL in a financial year
passes Rs 20,000. The brokerage invoice shows what the partner will deduct, and what it is to pay:
- at or below the threshold for the year (this invoice included), nothing;
- on the invoice that takes the year past it, 2% of the whole year's brokerage so far (the deduction is
  due on the aggregate once the threshold is crossed, earlier invoices included);
- on every later invoice of that year, 2% of its brokerage.
The base is the brokerage before GST (GST shown separately is not part of it), and the deduction is
rounded to the nearest rupee (section 288B).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shared.money import Money

SECTION = "194H"
RATE_PERCENT = Decimal("2")
YEAR_THRESHOLD = Money.of(20_000)


@dataclass(frozen=True)
class Deduction:
    base: Money              # the brokerage the 2% is taken on
    amount: Money            # the TDS, whole rupees
    year_brokerage: Money    # the partner's brokerage in the year, this invoice included


def on_brokerage(taxable: Money, earlier_in_year: Money) -> Deduction:
    """The TDS a brokerage invoice of `taxable` shows, after `earlier_in_year` invoiced to the same payer."""
    year = earlier_in_year + taxable
    if year <= YEAR_THRESHOLD:
        base = Money.zero()
    elif earlier_in_year <= YEAR_THRESHOLD:
        base = year
    else:
        base = taxable
    exact_rupees = Decimal(base.paise) * RATE_PERCENT / 10_000          # once, not to the paisa first
    return Deduction(base, Money.of(exact_rupees.quantize(Decimal(1), rounding=ROUND_HALF_UP)), year)
