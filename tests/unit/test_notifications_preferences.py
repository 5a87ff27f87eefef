import pytest

from functions.notifications.catalog import CATALOG, EMAIL, IN_APP, SMS
from functions.notifications.preferences import (
    MandatoryChannelOff,
    UnknownCategory,
    apply_update,
    effective,
    wanted_channels,
)


def test_defaults_apply_when_nothing_is_stored():
    prefs = effective(None)
    assert prefs["language"] == "en"
    assert prefs["categories"]["trade"] == {IN_APP: True, EMAIL: True, SMS: False}
    assert prefs["categories"]["security"] == {IN_APP: True, EMAIL: True, SMS: True}


def test_stored_choices_override_defaults_but_never_mandatory_ones():
    prefs = effective({"language": "hi", "categories": {"trade": {"email": False, "sms": True},
                                                         "security": {"email": False, "sms": False}}})
    assert prefs["language"] == "hi"
    assert prefs["categories"]["trade"] == {IN_APP: True, EMAIL: False, SMS: True}
    assert prefs["categories"]["security"] == {IN_APP: True, EMAIL: True, SMS: True}


def test_unknown_language_falls_back_to_english():
    assert effective({"language": "fr"})["language"] == "en"


def test_update_changes_only_the_given_channels():
    updated = apply_update({"categories": {"kyc": {"sms": False}}}, "hi", {"kyc": {EMAIL: False, SMS: None}})
    assert updated["categories"]["kyc"] == {IN_APP: True, EMAIL: False, SMS: False}
    assert updated["language"] == "hi"


def test_turning_off_a_mandatory_category_is_refused_naming_it():
    with pytest.raises(MandatoryChannelOff) as refused:
        apply_update(None, None, {"security": {SMS: False}})
    assert refused.value.category == "security" and refused.value.channel == SMS
    # Turning it "on" again is harmless.
    assert apply_update(None, None, {"security": {SMS: True}})["categories"]["security"][SMS] is True


def test_unknown_category_is_refused():
    with pytest.raises(UnknownCategory):
        apply_update(None, None, {"marketing": {EMAIL: False}})


def test_wanted_channels_follow_preferences_and_rule_restrictions():
    kyc = CATALOG["KycDueSoon"]
    prefs = effective({"categories": {"kyc": {"email": False}}})
    assert wanted_channels(kyc, prefs) == {IN_APP, SMS}
    assert wanted_channels(kyc, prefs, frozenset({IN_APP, EMAIL})) == {IN_APP}
    locked = CATALOG["AccountLocked"]
    off = {"categories": {"security": {"email": False, "sms": False, "inApp": False}}}
    # Even a stored "off" (written before the rule, or by hand) cannot silence a security alert.
    assert wanted_channels(locked, {**effective(None), "categories": {**effective(None)["categories"],
                                                                       "security": off["categories"]["security"]}}
                           ) == {IN_APP, EMAIL, SMS}
    assert wanted_channels(CATALOG["SessionExpiring"], effective(None)) == {IN_APP}
