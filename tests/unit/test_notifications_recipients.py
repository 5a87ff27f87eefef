from functions.notifications.recipients import Recipient, has_permission, is_active, permissions_of


def test_active_means_not_disabled_deleted_or_soft_deleted():
    assert is_active({"status": "ACTIVE"}) and is_active({"status": "INVITED"}) and is_active({})
    for inactive in ({"status": "DISABLED"}, {"status": "deleted"}, {"deletedAt": "2026-01-01"},
                     {"disabled": True}):
        assert not is_active(inactive), inactive


def test_permissions_follow_identitys_rule_role_plus_grants_minus_revocations():
    assert has_permission({"role": "ACCOUNTS"}, "kyc:verify")
    assert not has_permission({"role": "ACCOUNTS", "revocations": ["kyc:verify"]}, "kyc:verify")
    assert has_permission({"role": "SALES", "grants": ["kyc:verify"]}, "kyc:verify")
    assert not has_permission({"role": "SALES"}, "kyc:verify")
    assert has_permission({"role": "KYC_DESK"}, "kyc:verify", frozenset({"kyc:verify"}))
    assert not has_permission({"role": "KYC_DESK"}, "kyc:verify")
    assert has_permission({"role": "X", "grants": ["kyc:*"]}, "kyc:verify")
    assert permissions_of({"permissions": ["a:b"], "role": "ADMIN"}) == {"a:b"}


def test_a_user_matched_by_several_rules_gets_the_union_of_their_channels():
    recipient = Recipient("u1", {}, {"inApp"})
    recipient.allow(frozenset({"email"}))
    assert recipient.allowed == {"inApp", "email"}
    recipient.allow(None)
    assert recipient.allowed is None
    recipient.allow(frozenset({"inApp"}))
    assert recipient.allowed is None
