"""Validation and normalization of partner profiles, built on shared/validators.py.

Two levels: every field that is sent must be valid (a draft may be incomplete), and a submission must
be complete (`missing_for_submission`). Errors name the field by its camelCase path and the rule.
"""
from __future__ import annotations

from typing import Any

from shared import validators
from shared.reference_data import state_by_code, state_by_name
from shared.validators import FieldErrors, InvalidValue

CONTACTS_MAX = 20


def state_of(value: str) -> tuple[str, str]:
    """(state name, GST state code) from a name, alias or 2-digit code."""
    text = (value or "").strip()
    found = state_by_code(text) if text.isdigit() and len(text) <= 2 else state_by_name(text)
    if found is None:
        raise InvalidValue("state_unknown", f"{text!r} is not an Indian state or union territory")
    return found.name, found.gst_code


def address(errors: FieldErrors, field: str, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    data = value.model_dump() if hasattr(value, "model_dump") else dict(value)
    state = errors.check(f"{field}.state", state_of, data.get("state"))
    pincode = errors.check(f"{field}.pincode", validators.pincode, data.get("pincode"))
    if state is None or pincode is None:
        return None
    return {"line1": data["line1"], "line2": data.get("line2"), "city": data["city"],
            "district": data.get("district"), "state": state[0], "stateCode": state[1], "pincode": pincode}


def contact(errors: FieldErrors, field: str, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    data = value.model_dump() if hasattr(value, "model_dump") else dict(value)
    email = errors.check(f"{field}.email", validators.email, data["email"]) if data.get("email") else None
    mobile = errors.check(f"{field}.mobile", validators.mobile, data["mobile"]) if data.get("mobile") else None
    return {"name": data["name"], "designation": data.get("designation"), "email": email, "mobile": mobile,
            "isPrimary": bool(data.get("is_primary"))}


def bank_account(errors: FieldErrors, field: str, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    data = value.model_dump() if hasattr(value, "model_dump") else dict(value)
    number = errors.check(f"{field}.accountNumber", validators.bank_account, data.get("account_number"))
    ifsc = errors.check(f"{field}.ifsc", validators.ifsc, data.get("ifsc"))
    return {"accountHolderName": data["account_holder_name"], "accountNumber": number, "ifsc": ifsc,
            "bankName": data.get("bank_name"), "branchName": data.get("branch_name")}


def gstin_for(errors: FieldErrors, field: str, value: str, pan: str | None, state_code: str | None = None
              ) -> str | None:
    """A valid GSTIN whose PAN is the partner's (when known) and whose state is `state_code` (when given)."""
    number = errors.check(field, validators.gstin, value)
    if number is None:
        return None
    if pan and number[2:12] != pan:
        errors.add(field, "The PAN inside the GSTIN differs from the partner's PAN", "gstin_pan_mismatch")
        return None
    if state_code and number[:2] != state_code:
        errors.add(field, f"The GSTIN is registered in state {number[:2]}, not in the branch's state {state_code}",
                   "gstin_state_mismatch")
        return None
    return number


def profile_changes(patch: Any, current: dict[str, Any]) -> dict[str, Any]:
    """Stored-shape values of the fields `patch` (a ProfileIn) sets; one 422 listing every bad field."""
    sent = patch.model_fields_set
    errors = FieldErrors()
    out: dict[str, Any] = {}
    if "kind" in sent:
        out["kind"] = patch.kind
    if "legal_name" in sent:
        out["legalName"] = patch.legal_name
    if "trade_name" in sent:
        out["tradeName"] = patch.trade_name or None
    if "website" in sent:
        out["website"] = patch.website or None
    if "address" in sent:
        out["address"] = address(errors, "address", patch.address)
    if "pan" in sent:
        out["pan"] = errors.check("pan", validators.pan, patch.pan) if patch.pan else None
    pan = out.get("pan", current.get("pan")) if "pan" in sent else current.get("pan")
    if "gstins" in sent or ("pan" in sent and pan):
        values = patch.gstins if "gstins" in sent else (current.get("gstins") or [])
        gstins: list[str] = []
        for index, value in enumerate(values or []):
            number = gstin_for(errors, f"gstins[{index}]", value, pan)
            if number and number in gstins:
                errors.add(f"gstins[{index}]", "This GSTIN is listed twice", "gstin_duplicate")
            elif number:
                gstins.append(number)
        out["gstins"] = gstins
    if "bank_account" in sent:
        out["bankAccount"] = bank_account(errors, "bankAccount", patch.bank_account)
    if "contacts" in sent:
        contacts = [contact(errors, f"contacts[{i}]", c) for i, c in enumerate(patch.contacts or [])]
        if sum(1 for c in contacts if c and c["isPrimary"]) > 1:
            errors.add("contacts", "Only one contact can be the primary contact", "primary_contact_unique")
        out["contacts"] = [c for c in contacts if c]
    errors.raise_if_any()
    return out


def missing_for_submission(partner: dict[str, Any], branches: list[dict[str, Any]]) -> list[str]:
    """The fields a submission still lacks (empty when complete)."""
    missing = [name for name in ("kind", "legalName", "address", "pan", "bankAccount") if not partner.get(name)]
    if not partner.get("gstins"):
        missing.append("gstins")
    primary = [c for c in partner.get("contacts") or [] if c.get("isPrimary")]
    if partner.get("source") != "SELF_SERVICE" and not (primary and primary[0].get("email")
                                                       and primary[0].get("mobile")):
        missing.append("contacts.primary")
    live = [b for b in branches if not b.get("deletedAt")]
    if sum(1 for b in live if b.get("isHeadOffice")) != 1:
        missing.append("branches.headOffice")
    return missing


def consistency_errors(partner: dict[str, Any], branches: list[dict[str, Any]]) -> FieldErrors:
    """Cross-field rules re-checked at submission: GSTINs and branch GSTINs carry the partner's PAN."""
    errors = FieldErrors()
    pan = partner.get("pan")
    for index, number in enumerate(partner.get("gstins") or []):
        gstin_for(errors, f"gstins[{index}]", number, pan)
    for branch in branches:
        if branch.get("gstin") and not branch.get("deletedAt"):
            gstin_for(errors, f"branches[{branch.get('code')}].gstin", branch["gstin"], pan,
                      (branch.get("address") or {}).get("stateCode"))
    return errors


def identity_keys(partner: dict[str, Any], branches: list[dict[str, Any]]) -> set[str]:
    """The unique keys a partner holds: its PAN and every GSTIN (its own and its branches')."""
    keys = set()
    if partner.get("pan"):
        keys.add(f"pan:{partner['pan']}")
    for number in partner.get("gstins") or []:
        keys.add(f"gstin:{number}")
    for branch in branches:
        if branch.get("gstin") and not branch.get("deletedAt"):
            keys.add(f"gstin:{branch['gstin']}")
    return keys
