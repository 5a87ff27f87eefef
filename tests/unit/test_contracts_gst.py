"""GST split and place of supply (trading.md): pure, in paise."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from functions.contracts import gst, invoices
from shared.errors import Conflict
from shared.money import Money


def test_same_state_is_cgst_plus_sgst_each_on_the_taxable_value():
    split = gst.split(Money.of("41.40"), Decimal("5"), "27", "27")
    assert split.kind == gst.INTRA
    assert (split.cgst, split.sgst, split.igst) == (Money.of("1.04"), Money.of("1.04"), Money.zero())
    assert split.total_tax == Money.of("2.08")


def test_another_state_is_igst_at_the_full_rate():
    split = gst.split(Money.of("41.40"), Decimal("5"), "27", "24")
    assert split.kind == gst.INTER and split.igst == Money.of("2.07") and split.cgst == Money.zero()
    assert gst.split(Money.of("10"), Decimal("5"), None, "24").kind == gst.INTER


def test_place_of_supply_is_the_delivery_state_unless_bill_to_ship_to():
    assert gst.place_of_supply("24", "27") == "24"
    assert gst.place_of_supply(None, "27") == "27"
    assert gst.place_of_supply("24", "27", bill_to_ship_to=True) == "27"


def test_reverse_charge_only_for_kapas_from_an_agriculturist():
    assert gst.reverse_charge("KAPAS", True) and not gst.reverse_charge("COTTON", True)
    assert not gst.reverse_charge("KAPAS", False)


def test_due_date_and_quantity_limit():
    assert invoices.due_date(date(2026, 12, 2), {"days": 15}) == date(2026, 12, 17)
    assert invoices.due_date(date(2026, 12, 2), None) == date(2026, 12, 2)
    assert invoices.check_quantity(Decimal(1000), Decimal(0), Decimal(1050)) == Decimal(1050)
    with pytest.raises(Conflict) as over:
        invoices.check_quantity(Decimal(1000), Decimal(0), Decimal("1050.01"))
    assert over.value.code == "QUANTITY_EXCEEDS_CONTRACT"
