
import pytest

from functions.partners.models import ProfileIn
from functions.partners.validation import identity_keys, missing_for_submission, profile_changes
from shared.errors import Unprocessable

PAN = "AAPFU0939F"
GSTIN = "27AAPFU0939F1ZV"


def _fields(error: Unprocessable) -> dict[str, str]:
    return {f["field"]: f["rule"] for f in error.details["fields"]}


def test_only_sent_fields_change_and_values_are_normalized():
    patch = ProfileIn.model_validate({"pan": "aapfu 0939 f", "gstins": ["27aapfu0939f1zv"],
                                      "address": {"line1": "1", "city": "Rajkot", "state": "guj", "pincode": "360 001"},
                                      "contacts": [{"name": "A", "mobile": "098250 12345", "isPrimary": True}]})
    changes = profile_changes(patch, {"legalName": "Kept"})
    assert changes["pan"] == PAN and changes["gstins"] == [GSTIN]
    assert changes["address"]["state"] == "Gujarat" and changes["address"]["stateCode"] == "24"
    assert changes["address"]["pincode"] == "360001"
    assert changes["contacts"][0]["mobile"] == "+919825012345"
    assert "legalName" not in changes


def test_a_new_pan_rechecks_the_stored_gstins():
    with pytest.raises(Unprocessable) as caught:
        profile_changes(ProfileIn.model_validate({"pan": "AAHCK3507G"}), {"pan": PAN, "gstins": [GSTIN]})
    assert _fields(caught.value) == {"gstins[0]": "gstin_pan_mismatch"}


def test_duplicates_and_two_primary_contacts_are_refused():
    with pytest.raises(Unprocessable) as caught:
        profile_changes(ProfileIn.model_validate({
            "pan": PAN, "gstins": [GSTIN, GSTIN],
            "contacts": [{"name": "A", "isPrimary": True}, {"name": "B", "isPrimary": True}]}), {})
    assert _fields(caught.value) == {"gstins[1]": "gstin_duplicate", "contacts": "primary_contact_unique"}


def test_missing_for_submission_and_keys():
    partner = {"kind": "BUYER", "legalName": "X", "address": {"stateCode": "27"}, "pan": PAN, "gstins": [GSTIN],
               "bankAccount": {"ifsc": "HDFC0001234"}, "contacts": [{"isPrimary": True, "email": "a@b.in",
                                                                      "mobile": "+919876543210"}]}
    assert missing_for_submission(partner, []) == ["branches.headOffice"]
    assert missing_for_submission(partner, [{"isHeadOffice": True}]) == []
    assert missing_for_submission(partner, [{"isHeadOffice": True}, {"isHeadOffice": True}]) == ["branches.headOffice"]
    assert missing_for_submission({**partner, "contacts": []}, [{"isHeadOffice": True}]) == ["contacts.primary"]
    assert missing_for_submission({**partner, "contacts": [], "source": "SELF_SERVICE"},
                                  [{"isHeadOffice": True}]) == []
    assert identity_keys(partner, [{"gstin": "24AAPFU0939F1ZZ"}, {"gstin": "24X", "deletedAt": 1}]) == {
        f"pan:{PAN}", f"gstin:{GSTIN}", "gstin:24AAPFU0939F1ZZ"}
