from functions.partners.versioning import diff, profile_of


def test_diff_names_each_changed_leaf_by_its_path():
    before = {"tradeName": "Old", "address": {"city": "Rajkot", "pincode": "360001"},
              "contacts": [{"name": "A", "email": "a@x.in"}], "pan": "AAPFU0939F"}
    after = {"tradeName": "New", "address": {"city": "Rajkot", "pincode": "360002"},
             "contacts": [{"name": "A", "email": "b@x.in"}, {"name": "B", "email": "c@x.in"}],
             "pan": "AAPFU0939F", "website": "https://x.in"}
    assert diff(before, after) == [
        {"field": "address.pincode", "before": "360001", "after": "360002"},
        {"field": "contacts[0].email", "before": "a@x.in", "after": "b@x.in"},
        {"field": "contacts[1]", "before": None, "after": {"name": "B", "email": "c@x.in"}},
        {"field": "tradeName", "before": "Old", "after": "New"},
        {"field": "website", "before": None, "after": "https://x.in"},
    ]


def test_identical_versions_have_no_diff_and_removed_items_show():
    same = {"a": [1, 2], "b": {"c": None}}
    assert diff(same, {"a": [1, 2], "b": {}}) == []
    assert diff({"gstins": ["A", "B"]}, {"gstins": ["A"]}) == [{"field": "gstins[1]", "before": "B", "after": None}]


def test_profile_holds_only_profile_fields():
    profile = profile_of({"legalName": "X", "status": "ACTIVE", "kyc": {}, "pan": "P"})
    assert profile["legalName"] == "X" and profile["pan"] == "P"
    assert "status" not in profile and "kyc" not in profile
