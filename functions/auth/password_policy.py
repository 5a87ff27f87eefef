"""The password policy (DOMAIN.md "Password policy"): a pure dataclass and a pure validator.

Per organization: `settings/{orgId}.passwordPolicy` (camelCase keys, any subset) over the defaults
below. `nistMode` swaps the composition and expiry rules for NIST SP 800-63B ones (at least 15
characters, no composition rules, no expiry); the blocklist, the e-mail-name rule and the history
stay. Each rule that a password breaks is reported with a stable rule name.

The history rule needs the stored hashes, so the service checks it (`history` rule) after this.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from functions.auth import common_passwords

NIST_MIN_LENGTH = 15
FLOOR_MIN_LENGTH = 8          # an organization may raise the minimum, never lower it below this
CEILING_MAX_LENGTH = 256      # the settings API's own ceiling


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    max_length: int = 128
    require_upper: bool = True
    require_lower: bool = True
    require_digit: bool = True
    require_special: bool = True
    block_common: bool = True
    forbid_email_name: bool = True
    history_count: int = 5              # the new password may not equal any of the last N (current included)
    expiry_days: int | None = 90
    reminder_days: tuple[int, ...] = (14, 7, 1)
    nist_mode: bool = False
    nist_min_length: int = NIST_MIN_LENGTH

    def effective(self) -> PasswordPolicy:
        """The rules actually enforced: nistMode replaces composition and expiry."""
        if not self.nist_mode:
            return self
        return replace(self, min_length=max(self.min_length, self.nist_min_length, NIST_MIN_LENGTH),
                       require_upper=False,
                       require_lower=False, require_digit=False, require_special=False, expiry_days=None,
                       reminder_days=())

    def expires_at(self, changed_at: datetime | None) -> datetime | None:
        policy = self.effective()
        if changed_at is None or not policy.expiry_days:
            return None
        return changed_at + timedelta(days=policy.expiry_days)

    def is_expired(self, changed_at: datetime | None, now: datetime) -> bool:
        expires = self.expires_at(changed_at)
        return expires is not None and expires <= now


DEFAULT_POLICY = PasswordPolicy()

def _days(value: Any) -> tuple[int, ...]:
    return tuple(sorted({int(day) for day in value}, reverse=True))


# The keys of the settings API's `passwordPolicy` (functions/masters), plus a few aliases.
_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "minLength": ("min_length", int),
    "maxLength": ("max_length", int),
    "requireUppercase": ("require_upper", bool),
    "requireLowercase": ("require_lower", bool),
    "requireDigit": ("require_digit", bool),
    "requireSpecial": ("require_special", bool),
    "blocklist": ("block_common", bool),
    "blockCommon": ("block_common", bool),
    "forbidEmailName": ("forbid_email_name", bool),
    "historyCount": ("history_count", int),
    "expiryDays": ("expiry_days", lambda v: int(v) if v else None),     # 0: never expires
    "expiryReminderDays": ("reminder_days", _days),
    "reminderDays": ("reminder_days", _days),
    "nistMode": ("nist_mode", bool),
    "nistMinLength": ("nist_min_length", int),
}


def policy_from_settings(raw: dict[str, Any] | None) -> PasswordPolicy:
    """A policy from a settings document's `passwordPolicy` map; unknown keys and bad values ignored.

    Limits are clamped to sane bounds: a minimum length below 8 or a maximum above 256 is not honoured.
    """
    if not isinstance(raw, dict):
        return DEFAULT_POLICY
    values: dict[str, Any] = {}
    for key, (attribute, convert) in _KEYS.items():
        if key in raw and raw[key] is not None:
            try:
                values[attribute] = convert(raw[key])
            except (TypeError, ValueError):
                continue
    policy = replace(DEFAULT_POLICY, **values)
    min_length = max(FLOOR_MIN_LENGTH, min(policy.min_length, CEILING_MAX_LENGTH))
    max_length = max(min_length, min(policy.max_length, CEILING_MAX_LENGTH))
    return replace(policy, min_length=min_length, max_length=max_length,
                   history_count=max(0, min(policy.history_count, 24)),
                   nist_min_length=max(FLOOR_MIN_LENGTH, min(policy.nist_min_length, CEILING_MAX_LENGTH)))


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str


def _email_names(email: str | None) -> list[str]:
    """The e-mail's local part and its longer pieces (`asha.rao` → asha.rao, asha): what not to contain."""
    if not email or "@" not in email:
        return []
    local = email.split("@", 1)[0].casefold()
    names = [local] if len(local) >= 3 else []
    for separator in ".-_+":
        local = local.replace(separator, " ")
    names += [piece for piece in local.split() if len(piece) >= 4]
    return sorted(set(names), key=len, reverse=True)


def _strip_decoration(text: str) -> str:
    """`Dragon2024!` → `dragon`: a common word dressed with leading or trailing digits and symbols."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


def validate(password: str, policy: PasswordPolicy, *, email: str | None = None,
             is_common: Callable[[str], bool] | None = None) -> list[Violation]:
    """Every rule of `policy` that `password` breaks (empty: acceptable so far; history not checked here)."""
    active = policy.effective()
    problems: list[Violation] = []
    length = len(password)
    if length < active.min_length:
        problems.append(Violation("min_length", f"Use at least {active.min_length} characters"))
    if length > active.max_length:
        problems.append(Violation("max_length", f"Use at most {active.max_length} characters"))
    if active.require_upper and not any(ch.isupper() for ch in password):
        problems.append(Violation("uppercase", "Include at least one upper-case letter"))
    if active.require_lower and not any(ch.islower() for ch in password):
        problems.append(Violation("lowercase", "Include at least one lower-case letter"))
    if active.require_digit and not any(ch.isdigit() for ch in password):
        problems.append(Violation("digit", "Include at least one digit"))
    if active.require_special and not any(not ch.isalnum() for ch in password):
        problems.append(Violation("special", "Include at least one special character (not a letter or digit)"))
    folded = password.casefold()
    if active.block_common:
        check = is_common or common_passwords.is_common
        stripped = _strip_decoration(folded)
        if check(folded) or (len(stripped) >= 4 and check(stripped)):
            problems.append(Violation("common_password", "This password is too common; choose another"))
    if active.forbid_email_name and any(name in folded for name in _email_names(email)):
        problems.append(Violation("contains_email", "Do not use your e-mail name in your password"))
    return problems


def reminder_due(policy: PasswordPolicy, changed_at: datetime | None, now: datetime,
                 already_sent: list[int] | tuple[int, ...] = ()) -> int | None:
    """The reminder milestone (days before expiry) to send now, or None: the smallest milestone
    reached and not yet sent, so a missed daily run still sends exactly one reminder."""
    active = policy.effective()
    expires = active.expires_at(changed_at)
    if expires is None or expires <= now:
        return None
    days_left = (expires - now).total_seconds() / 86400
    reached = [day for day in active.reminder_days if days_left <= day and day not in already_sent]
    return min(reached) if reached else None


def generate_password(policy: PasswordPolicy = DEFAULT_POLICY, length: int = 20) -> str:
    """A random password that meets `policy`'s composition and length (temporary and seed passwords)."""
    active = policy.effective()
    size = max(length, active.min_length)
    specials = "!#$%&*+-=?@^_~"
    alphabet = string.ascii_letters + string.digits + specials
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(size))
        if (any(ch.isupper() for ch in candidate) and any(ch.islower() for ch in candidate)
                and any(ch.isdigit() for ch in candidate) and any(ch in specials for ch in candidate)):
            return candidate
