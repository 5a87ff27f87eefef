"""The directory other groups ask (functions/auth/directory.py): active users and auth's permission rule."""
from functions.auth.directory import _permissions, grants, is_active


def _has(user, permission, custom_role=None):
    role_doc = {"permissions": sorted(custom_role)} if custom_role is not None else None
    return grants(_permissions(user, role_doc), permission)


def test_active_means_not_disabled_deleted_or_soft_deleted():
    assert is_active({"status": "ACTIVE"}) and is_active({"status": "INVITED"}) and is_active({})
    for inactive in ({"status": "DISABLED"}, {"status": "deleted"}, {"deletedAt": "2026-01-01"},
                     {"disabled": True}):
        assert not is_active(inactive), inactive


def test_permissions_follow_identitys_rule_role_plus_grants_minus_revocations():
    assert _has({"role": "ACCOUNTS"}, "kyc:verify")
    assert not _has({"role": "ACCOUNTS", "revocations": ["kyc:verify"]}, "kyc:verify")
    assert _has({"role": "SALES", "grants": ["kyc:verify"]}, "kyc:verify")
    assert not _has({"role": "SALES"}, "kyc:verify")
    assert _has({"role": "KYC_DESK"}, "kyc:verify", frozenset({"kyc:verify"}))
    assert not _has({"role": "KYC_DESK"}, "kyc:verify")
    assert _has({"role": "X", "grants": ["kyc:*"]}, "kyc:verify")
    assert _permissions({"permissions": ["a:b"], "role": "ADMIN"}, None) == {"a:b"}
