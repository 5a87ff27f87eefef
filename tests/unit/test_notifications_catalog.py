"""The notification catalog: every event type renders completely, in both SMS languages, with DLT ids."""
from datetime import date

import pytest

from functions.notifications import rendering
from functions.notifications.catalog import BY_EVENT, CATALOG, CATEGORIES, EMAIL, IN_APP, SMS, SPECS
from functions.notifications.fanout import HANDLERS

REQUIRED = {"PartnerApproved", "KycDueSoon", "KycOverdue", "PasswordExpiring", "AccountLocked", "NewDeviceSignIn",
            "SessionExpiring", "OfferReceived", "OfferAccepted", "ContractCreated", "TradePosted", "OfferCountered",
            "OfferRejected", "OfferExpiring", "TradeExpired", "OfferWithdrawn", "OfferExpired", "TradeCancelled"}
TODAY = date(2026, 4, 24)


def values_for(spec):
    return rendering.context(spec.sample, today=TODAY,
                             extra={"appUrl": "https://tradehub.example", "partnerName": "Shree Ginning",
                                    "partnerCode": "BP-000123", "userName": "Asha"})


def test_catalog_covers_the_required_event_types_and_the_fanout_handles_each():
    assert set(CATALOG) >= REQUIRED
    assert set(HANDLERS) == set(CATALOG)
    assert len(SPECS) == len(CATALOG), "an event type is declared twice"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.event_type)
def test_every_sample_is_valid_data_of_its_typed_event(spec):
    event = spec.event.model_validate(spec.sample)
    assert event.to_data().keys() == spec.sample.keys()      # a sample uses the wire spelling, nothing extra
    assert BY_EVENT[spec.event] is spec and spec.event.producer


def test_a_sample_with_a_second_spelling_is_refused():
    from pydantic import ValidationError

    spec = CATALOG["PartnerApproved"]
    with pytest.raises(ValidationError):
        spec.event.model_validate({**spec.sample, "organizationId": "o1"})
    with pytest.raises(ValidationError):
        spec.event.model_validate({"code": "BP-000001"})


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.event_type)
def test_every_template_placeholder_has_a_value(spec):
    values = values_for(spec)
    templates = [spec.title, spec.body, spec.email_subject or "", spec.email_text or ""]
    templates += [sms.text for sms in spec.sms.values()]
    for template in templates:
        missing = rendering.placeholders(template) - set(values)
        assert not missing, (spec.event_type, template, missing)
    assert spec.category in CATEGORIES
    assert spec.severity in {"info", "warning", "critical"}
    assert spec.recipients, spec.event_type


@pytest.mark.parametrize("spec", [s for s in SPECS if s.sms], ids=lambda s: s.event_type)
def test_sms_templates_exist_in_english_and_hindi_with_their_own_dlt_ids(spec):
    assert set(spec.sms) == {"en", "hi"}
    english, hindi = spec.sms["en"], spec.sms["hi"]
    for template in (english, hindi):
        assert template.dlt_template_id.isdigit() and len(template.dlt_template_id) == 19
    assert english.dlt_template_id != hindi.dlt_template_id
    assert any("\u0900" <= ch <= "\u097f" for ch in hindi.text), "the Hindi text is in Devanagari"
    values = values_for(spec)
    assert len(rendering.render(english.text, values)) <= 160, "one GSM segment"
    assert len(rendering.render(hindi.text, values)) <= 3 * 67, "at most three Unicode segments"


def test_all_dlt_template_ids_are_distinct():
    ids = [template.dlt_template_id for spec in SPECS for template in spec.sms.values()]
    assert len(ids) == len(set(ids))


def test_security_alerts_are_mandatory_and_the_others_are_not():
    assert CATEGORIES["security"].mandatory is True
    assert [key for key, category in CATEGORIES.items() if category.mandatory] == ["security"]
    assert CATALOG["AccountLocked"].category == "security" and CATALOG["AccountLocked"].mandatory
    assert CATALOG["NewDeviceSignIn"].category == "security"
    assert CATALOG["AccountLocked"].channels == {IN_APP, EMAIL, SMS}


def test_session_expiring_is_in_app_only():
    assert CATALOG["SessionExpiring"].channels == {IN_APP}


def test_kyc_overdue_tells_the_partner_on_every_channel_and_back_office_without_sms():
    rules = CATALOG["KycOverdue"].recipients
    partner_rule, office_rule = rules
    assert partner_rule.channels is None
    assert office_rule.permission == "kyc:verify" and SMS not in office_rule.channels


def test_a_withdrawn_dispute_is_announced_to_both_parties_by_dispute_updated():
    from functions.notifications.catalog import PartnerUsersRule

    spec = CATALOG["DisputeUpdated"]
    assert {rule.field for rule in spec.recipients if isinstance(rule, PartnerUsersRule)} == {
        "buyerPartnerId", "sellerPartnerId"}
    sample = {**spec.sample, "status": "WITHDRAWN", "change": "WITHDRAWN"}
    spec.event.model_validate(sample)
    values = rendering.context(sample, today=TODAY, extra={"appUrl": "https://tradehub.example", "userName": "Asha"})
    body = rendering.render(spec.body, values)
    assert "DSP/25-26/00001" in body and body.endswith("it is now WITHDRAWN.")


def test_rendered_texts_read_naturally():
    spec = CATALOG["KycDueSoon"]
    values = values_for(spec)
    assert rendering.render(spec.title, values) == "KYC renewal due in 7 days"
    assert rendering.render(spec.sms["en"].text, values) == (
        "RNRL TradeHub: KYC for BP-000123 is due on 01 May 2026. Please renew it to keep trading. -RNRL")
    assert rendering.render(spec.sms["hi"].text, values).startswith("RNRL TradeHub: BP-000123 का KYC 01 May 2026")
    locked = CATALOG["AccountLocked"]
    assert "unlocks at 01 May 2026, 4:00 PM IST" in rendering.render(locked.body, values_for(locked))
    session = CATALOG["SessionExpiring"]
    assert rendering.render(session.title, values_for(session)) == "Your session ends at 4:00 PM IST"
    assert "after 30 minutes without activity" in rendering.render(session.body, values_for(session))


def test_an_expired_offer_says_why_and_the_trade_desk_notices_name_no_counterparty():
    spec = CATALOG["OfferExpired"]
    lapsed = rendering.render(spec.body, values_for(spec))
    assert lapsed == "Offer of1 on trade request TR-25-26-000123 expired: its validity ended before it was answered."
    request_gone = rendering.context({**spec.sample, "reason": "REQUEST_EXPIRED"}, today=TODAY)
    assert rendering.render(spec.body, request_gone).endswith(
        "expired: its trade request reached the end of its validity.")
    # the values a template may use hold no partner name: the notices of the negotiation show references only
    for event_type in ("OfferWithdrawn", "OfferExpired", "TradeCancelled", "OfferCountered", "OfferReceived"):
        spec = CATALOG[event_type]
        used = set().union(*(rendering.placeholders(t) for t in (spec.title, spec.body, spec.email_subject or "",
                                                                 spec.email_text or "")))
        assert not used & {"partnerName", "partnerCode", "partnerId", "recipientPartnerId"}, event_type
