"""OTP send and verify (DOMAIN.md "OTP").

One live challenge per (destination, purpose): `otpChallenges/{keyed hash of both}` holds the keyed
hash of the code (never the code), the wrong-try count and the expiry. A new send replaces the
challenge. Sends are limited per destination (1/minute, 3/hour, 10/day: 429 with Retry-After). SMS
falls back to e-mail when the SMS cannot be delivered (or when there is no phone number) and a
fallback address is given; the challenge is then bound to the e-mail that really got the code.
Each caller is limited too, for each channel: per IP when anonymous, per user when signed in (same
numbers), so one address cannot pump SMS to many numbers.

The code goes only into the message; it is never returned, logged or stored in clear.
"""
from __future__ import annotations

import hmac
import logging
import secrets
from typing import TYPE_CHECKING, Any

from functions.auth import mail, otp_rules
from shared import clock
from shared.adapters.masking import mask_email, mask_phone
from shared.adapters.sms import send_sms
from shared.auth.opaque import keyed_hash
from shared.auth.principal import Actor
from shared.auth.verification import issue_verification_token
from shared.db import collection
from shared.errors import ServiceUnavailable, Unprocessable, field_error
from shared.logging import get_logger, log
from shared.ratelimit import check
from shared.uow import run_in_transaction
from shared.validators import InvalidValue, email, mobile

if TYPE_CHECKING:
    from shared.uow import UnitOfWork

OTP_CHALLENGES = "otpChallenges"
# The DLT template registered for the OTP text below (India: every SMS text matches a registered template).
SMS_TEMPLATE_OTP = "1107170000000000001"
logger = get_logger("auth.otp")


def normalize(channel: str, destination: str) -> str:
    """A case-folded e-mail or an E.164 Indian mobile; 422 naming the rule otherwise."""
    try:
        return email(destination) if channel == "email" else mobile(destination)
    except InvalidValue as error:
        raise field_error("destination", error.message, rule=error.rule) from None


def channel_of(destination: str) -> str:
    return "email" if "@" in destination else "sms"


def challenge_ref(destination: str, purpose: str) -> Any:
    return collection(OTP_CHALLENGES).document(keyed_hash("otp-challenge", f"{purpose}|{destination}")[:40])


def _code_hash(nonce: str, code: str) -> str:
    return keyed_hash("otp-code", f"{nonce}:{code}")


def _mask(destination: str) -> str:
    return mask_email(destination) if "@" in destination else mask_phone(destination)


def _store(destination: str, channel: str, purpose: str, code: str, actor: Actor) -> Any:
    ref = challenge_ref(destination, purpose)
    nonce = secrets.token_hex(16)
    moment = clock.now()
    expires = moment + otp_rules.CODE_TTL

    def work(uow: UnitOfWork) -> None:
        uow.set(ref, {"destination": destination, "channel": channel, "purpose": purpose, "nonce": nonce,
                      "codeHash": _code_hash(nonce, code), "wrongTries": 0, "createdAt": moment,
                      "expiresAt": expires, "consumedAt": None, "ip": actor.ip})

    run_in_transaction(work, actor)
    return expires


def _kill(destination: str, purpose: str) -> None:
    challenge_ref(destination, purpose).set({"consumedAt": clock.now(), "expiresAt": clock.now()}, merge=True)


def _deliver(channel: str, destination: str, code: str) -> None:
    """Hand the code to the provider; DeliveryFailed (or ValueError) when it cannot."""
    if channel == "sms":
        send_sms(destination, mail.otp_text(code), template_id=SMS_TEMPLATE_OTP)
    else:
        mail.send_otp_email(destination, code)


def send_code(channel: str, destination: str | None, purpose: str, fallback_email: str | None,
              actor: Actor, *, user_id: str | None = None) -> dict[str, Any]:
    """Send a code; `user_id` is the signed-in caller (None: anonymous, limited per IP)."""
    fallback = normalize("email", fallback_email) if fallback_email else None
    if channel == "sms" and not destination:
        if fallback is None:
            raise field_error("destination", "Give a mobile number, or a fallbackEmail", rule="required")
        channel, target, used_fallback = "email", fallback, True
    else:
        if not destination:
            raise field_error("destination", "Give the e-mail address to send the code to", rule="required")
        target, used_fallback = normalize(channel, destination), False
    # The caller first: a refused caller spends none of the destination's sends.
    if user_id:
        check("otp_send_user", f"user:{user_id}|{channel}")
    else:
        check("otp_send_ip", f"ip:{actor.ip}|{channel}")
    check("otp_send", f"otp:{target}")
    code = otp_rules.generate_code()
    expires = _store(target, channel, purpose, code, actor)
    try:
        _deliver(channel, target, code)
    except Exception as error:  # noqa: BLE001 - DeliveryFailed, or a refusal of the number itself
        _kill(target, purpose)
        reason = getattr(error, "reason", type(error).__name__)
        log(logger, logging.WARNING, "otp delivery failed", channel=channel, to=_mask(target), purpose=purpose,
            reason=reason)
        if channel != "sms" or fallback is None:
            raise ServiceUnavailable("OTP_DELIVERY_FAILED", "The code could not be sent; try again shortly") from None
        check("otp_send", f"otp:{fallback}")
        channel, target, used_fallback = "email", fallback, True
        code = otp_rules.generate_code()
        expires = _store(target, channel, purpose, code, actor)
        try:
            _deliver(channel, target, code)
        except Exception:  # noqa: BLE001 - both channels failed
            _kill(target, purpose)
            raise ServiceUnavailable("OTP_DELIVERY_FAILED", "The code could not be sent; try again shortly") from None
    log(logger, logging.INFO, "otp sent", channel=channel, to=_mask(target), purpose=purpose, fallback=used_fallback)
    return {"channel": channel, "destination": _mask(target), "expiresAt": expires, "fallbackUsed": used_fallback}


def verify_code(destination_input: str, purpose: str, code: str, actor: Actor) -> dict[str, Any]:
    """A verification token for (destination, purpose) when `code` is right; 422 otherwise."""
    channel = channel_of(destination_input)
    destination = normalize(channel, destination_input)
    ref = challenge_ref(destination, purpose)
    candidate = code.strip()

    def work(uow: UnitOfWork) -> otp_rules.Verdict:
        snapshot = uow.get(ref)
        challenge = snapshot.to_dict() if snapshot.exists else None
        if not challenge or not challenge.get("codeHash"):
            return otp_rules.Verdict(False, "OTP_INVALID")
        matches = otp_rules.looks_like_code(candidate) and hmac.compare_digest(
            _code_hash(challenge["nonce"], candidate), challenge["codeHash"])
        verdict = otp_rules.judge(code_matches=matches, wrong_tries=int(challenge.get("wrongTries") or 0),
                                  expires_at=challenge["expiresAt"], consumed=challenge.get("consumedAt") is not None,
                                  now=clock.now())
        if verdict.ok:
            uow.update(ref, {"consumedAt": clock.now(), "expiresAt": clock.now()})
        elif verdict.wrong_tries != int(challenge.get("wrongTries") or 0):
            uow.update(ref, {"wrongTries": verdict.wrong_tries})
        return verdict

    verdict = run_in_transaction(work, actor)
    if not verdict.ok:
        messages = {
            "OTP_INVALID": "The code is not correct",
            "OTP_TOO_MANY_TRIES": "Too many wrong codes; ask for a new code",
            "OTP_EXPIRED": "The code has expired; ask for a new code",
            "OTP_USED": "The code was already used; ask for a new code",
        }
        reason = verdict.reason or "OTP_INVALID"
        raise Unprocessable(reason, messages.get(reason, "The code is not valid"), {
            "fields": [{"field": "code", "message": messages.get(reason, ""), "rule": "otp"}],
            "attemptsLeft": verdict.attempts_left})
    token, lifetime = issue_verification_token(destination, purpose, channel)
    return {"verificationToken": token, "expiresIn": lifetime, "destination": _mask(destination), "purpose": purpose}
