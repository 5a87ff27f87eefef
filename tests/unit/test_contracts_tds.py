"""functions/contracts/tds.py: TDS under 194H at the Rs 20,000 yearly threshold."""
from functions.contracts.tds import on_brokerage
from shared.money import Money


def test_nothing_at_or_below_the_yearly_threshold():
    assert on_brokerage(Money.of(20_000), Money.zero()).amount == Money.zero()
    exact = on_brokerage(Money.of("5000.00"), Money.of("15000.00"))
    assert (exact.base, exact.amount, exact.year_brokerage) == (Money.zero(), Money.zero(), Money.of(20_000))


def test_the_invoice_that_crosses_takes_the_whole_year_and_later_ones_their_own():
    crossing = on_brokerage(Money.of("0.01"), Money.of(20_000))
    assert (crossing.base, crossing.amount) == (Money.of("20000.01"), Money.of(400))
    big = on_brokerage(Money.of(12_000), Money.of(10_000))
    assert (big.base, big.amount, big.year_brokerage) == (Money.of(22_000), Money.of(440), Money.of(22_000))
    later = on_brokerage(Money.of("1234.00"), Money.of(22_000))
    assert (later.base, later.amount) == (Money.of(1234), Money.of(25))        # 24.68 rounds to 25


def test_the_deduction_is_rounded_to_the_nearest_rupee_half_up():
    assert on_brokerage(Money.of(1225), Money.of(30_000)).amount == Money.of(25)    # 24.50
    assert on_brokerage(Money.of("1224.99"), Money.of(30_000)).amount == Money.of(24)  # 24.4998
