"""Organizations (RNRL's own companies): validation, versioned CRUD with soft delete, logo.

A PAN belongs to one organization (`organizationKeys/pan:{PAN}`, written in the same transaction);
every GSTIN must carry the organization's PAN. Creating an organization also creates its settings
document with the defaults, so `settings/{orgId}` always exists for the identity service to read, and
makes its creator a member (auth.public.add_creator_membership): whoever creates one administers it.

Scope (access.py): a caller reads, changes, deletes and restores only the organizations it belongs to.
Deleting one still in use is 409 ORGANIZATION_IN_USE with what uses it: users who still belong to it
(but for the caller, whose membership stays so that it can restore it), its contracts and trade
requests (counted through those groups' public modules), its active financial year. Partners belong
to no organization (they trade with all of them), so they never hold one in use. A deleted
organization's settings answer 404 like the organization; `restore` brings both back. Its PAN is freed
by the delete: a new organization may take it, after which the old one can no longer be restored
(409 ORGANIZATION_PAN_EXISTS).
"""
from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from functions.masters import org_settings, store
from functions.masters.access import ORGANIZATIONS, require_organization_access
from functions.masters.financial_years import ACTIVE_POINTERS, FINANCIAL_YEARS
from shared import validators
from shared.adapters import storage
from shared.db import collection, get_all
from shared.errors import BadRequest, Conflict, NotFound, Unprocessable
from shared.http.pagination import decode_token, encode_token
from shared.reference_data import state_by_code, state_by_name
from shared.validators import FieldErrors

if TYPE_CHECKING:
    from shared.auth.principal import Actor, Principal
    from shared.uow import UnitOfWork

KIND = ORGANIZATIONS
KEYS = "organizationKeys"
_PHONE = re.compile(r"^\+?[0-9][0-9\s\-()]{5,19}$")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_KINDS = {"png": "image/png", "jpeg": "image/jpeg"}


def validate_organization(raw: dict[str, Any]) -> dict[str, Any]:
    """The normalized stored content of an organization (camelCase), or a 422 listing every bad field."""
    errors = FieldErrors()
    pan = errors.check("pan", validators.pan, raw.get("pan"))

    gstins: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw.get("gstins") or []):
        field = f"gstins.{index}.gstin"
        number = errors.check(field, validators.gstin, item.get("gstin"))
        if number is None:
            continue
        if pan and number[2:12] != pan:
            errors.add(field, f"The PAN inside {number} ({number[2:12]}) differs from the organization's PAN",
                       "gstin_pan_mismatch")
            continue
        if number in seen:
            errors.add(field, f"{number} is listed twice", "gstin_duplicate")
            continue
        seen.add(number)
        state = state_by_code(number[:2])
        gstins.append({"gstin": number, "stateCode": number[:2], "state": state.name if state else None,
                       "label": item.get("label"), "primary": bool(item.get("primary"))})
    _one_primary(gstins, "gstins", errors)

    tan = errors.check("tan", validators.tan, raw["tan"]) if raw.get("tan") else None
    cin = errors.check("cin", validators.cin, raw["cin"]) if raw.get("cin") else None
    if cin and pan and pan[3] != "C":
        errors.add("pan", "A company (with a CIN) has a PAN whose 4th letter is C", "pan_holder_type_mismatch")

    address = dict(raw.get("address") or {})
    pincode = errors.check("address.pincode", validators.pincode, address.get("pincode"))
    state = state_by_name(address.get("state") or "")
    if state is None:
        errors.add("address.state", f"{address.get('state')!r} is not an Indian state or union territory",
                   "state_unknown")
    address.update({"pincode": pincode, "state": state.name if state else address.get("state"),
                    "stateCode": state.gst_code if state else None, "country": "IN"})

    accounts = []
    for index, item in enumerate(raw.get("bankAccounts") or []):
        number = errors.check(f"bankAccounts.{index}.accountNumber", validators.bank_account,
                              item.get("accountNumber"))
        ifsc = errors.check(f"bankAccounts.{index}.ifsc", validators.ifsc, item.get("ifsc"))
        accounts.append({**item, "accountNumber": number, "ifsc": ifsc, "primary": bool(item.get("primary"))})
    _one_primary(accounts, "bankAccounts", errors)

    email = errors.check("email", validators.email, raw["email"]) if raw.get("email") else None
    phone = raw.get("phone") or None
    if phone and not _PHONE.match(phone):
        errors.add("phone", "Phone must be 6 to 20 digits, spaces or dashes", "phone_format")
    legal_name = " ".join(str(raw.get("legalName") or "").split())
    if len(legal_name) < 2:
        errors.add("legalName", "Legal name is required", "required")
    errors.raise_if_any()
    return {
        "legalName": legal_name,
        "legalNameLower": legal_name.casefold(),
        "tradeName": raw.get("tradeName") or None,
        "pan": pan,
        "gstins": gstins,
        "tan": tan,
        "cin": cin,
        "address": address,
        "bankAccounts": accounts,
        "email": email,
        "phone": phone,
        "logo": raw.get("logo"),
        "status": raw.get("status") or "ACTIVE",
    }


def _one_primary(items: list[dict[str, Any]], field: str, errors: FieldErrors) -> None:
    """At most one primary; with none marked, the first one is."""
    primaries = [index for index, item in enumerate(items) if item.get("primary")]
    if len(primaries) > 1:
        errors.add(f"{field}.{primaries[1]}.primary", "Only one can be primary", "primary_multiple")
    elif items and not primaries:
        items[0]["primary"] = True


def _pan_key(pan: str) -> Any:
    return collection(KEYS).document(f"pan:{pan}")


def _pan_hook(org_id: str, *, deleting: bool = False) -> store.Hook:
    """Keeps `organizationKeys/pan:{PAN}` pointing at the one organization with that PAN."""

    def hook(uow: UnitOfWork, current: dict[str, Any] | None, after: dict[str, Any]):
        old_pan = (current or {}).get("pan")
        new_pan = None if deleting else after.get("pan")
        if old_pan == new_pan:
            return None
        if new_pan:
            key = uow.get(_pan_key(new_pan))
            if key.exists and (key.to_dict() or {}).get("orgId") != org_id:
                raise Conflict("ORGANIZATION_PAN_EXISTS", f"Another organization has the PAN {new_pan}",
                               {"field": "pan"})

        def writes() -> None:
            if old_pan:
                uow.delete(_pan_key(old_pan))
            if new_pan:
                uow.set(_pan_key(new_pan), {"orgId": org_id, "pan": new_pan})

        return writes

    return hook


def create(body: dict[str, Any], actor: Actor, *, org_id: str | None = None, creator: Principal | None = None
           ) -> dict[str, Any]:
    """A new organization with its default settings; `creator` (the caller; None for the seed) becomes
    a member, in the same transaction."""
    from functions.auth import public as auth  # at call time: auth imports masters.public at load

    content = validate_organization(body)
    org_id = org_id or uuid.uuid4().hex[:20]
    pan_hook = _pan_hook(org_id)
    settings_hook = org_settings.creation_hook(org_id, actor)

    def hook(uow: UnitOfWork, current: dict[str, Any] | None, after: dict[str, Any]):
        first = pan_hook(uow, current, after)
        second = settings_hook(uow, current, after)
        if creator is not None:
            auth.add_creator_membership(uow, creator.user_id, creator.session_id, org_id)

        def writes() -> None:
            for step in (first, second):
                if step:
                    step()

        return writes

    return store.create(KIND, org_id, content, actor, hook=hook)


def update(org_id: str, patch: dict[str, Any], actor: Actor, if_match: str | None) -> dict[str, Any]:
    def change(current: dict[str, Any]) -> dict[str, Any]:
        return validate_organization({**current, **patch})

    return store.update(KIND, org_id, change, actor, if_match=if_match, hook=_pan_hook(org_id))


def _in_use_hook(org_id: str, counts: dict[str, int]) -> store.Hook:
    """409 ORGANIZATION_IN_USE when anything still uses the organization: `counts` (users, contracts,
    trade requests, counted before the transaction) or its active financial year (read in it); then the
    PAN hook."""
    pan_hook = _pan_hook(org_id, deleting=True)

    def hook(uow: UnitOfWork, current: dict[str, Any] | None, after: dict[str, Any]):
        pointer = uow.get(collection(ACTIVE_POINTERS).document(org_id))
        year_id = (pointer.to_dict() or {}).get("financialYearId") if pointer.exists else None
        year = uow.get(collection(FINANCIAL_YEARS).document(year_id)) if year_id else None
        details: dict[str, Any] = {name: count for name, count in counts.items() if count}
        if year is not None and year.exists and (year.to_dict() or {}).get("active"):
            details["activeFinancialYears"] = [(year.to_dict() or {}).get("code")]
        if details:
            raise Conflict("ORGANIZATION_IN_USE", f"Organization {org_id} is still in use (see details); "
                           "move or remove what uses it first", details)
        return pan_hook(uow, current, after)

    return hook


def usage_counts(org_id: str, caller_id: str | None) -> dict[str, int]:
    """What of the other groups still belongs to `org_id`: one count aggregation each. The caller's own
    membership does not count: it stays, so that the caller can restore the organization."""
    from functions.auth import public as auth  # at call time: these groups import masters at load
    from functions.contracts import public as contracts
    from functions.tradedesk import public as tradedesk

    return {"users": auth.organization_user_count(org_id, except_user_id=caller_id),
            "contracts": contracts.organization_contract_count(org_id),
            "tradeRequests": tradedesk.organization_trade_count(org_id)}


def delete(org_id: str, actor: Actor, if_match: str | None) -> None:
    store.delete(KIND, org_id, actor, if_match=if_match, hook=_in_use_hook(org_id, usage_counts(org_id, actor.user_id)))


def restore(org_id: str, actor: Actor) -> dict[str, Any]:
    """Undo a delete; 409 ORGANIZATION_PAN_EXISTS if another organization took its PAN meanwhile."""
    return store.restore(KIND, org_id, actor, hook=_pan_hook(org_id))


def get(principal: Principal, org_id: str, as_of=None) -> tuple[dict[str, Any], int]:
    require_organization_access(principal, org_id)
    return store.read(KIND, org_id, as_of)


def list_for(principal: Principal, page_size: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """The caller's live organizations by legal name. A member has few (at most 100 are read, in one
    batch); the page token is the last item's (legal name, id), as for the cursor-paged lists."""
    if not principal.is_back_office:
        return [], None
    refs = [store.ref_of(KIND, org_id) for org_id in sorted(principal.organization_ids)[:100]]
    docs = [store.with_id(snap.id, snap.to_dict() or {}) for snap in get_all(refs).values() if snap.exists]
    docs = sorted((doc for doc in docs if doc.get("deletedAt") is None),
                  key=lambda doc: (doc.get("legalNameLower", ""), doc["id"]))
    if token:
        after = decode_token(token)
        if len(after) != 2:
            raise BadRequest("INVALID_PAGE_TOKEN", "pageToken does not fit this list")
        docs = [doc for doc in docs if [doc.get("legalNameLower", ""), doc["id"]] > after]
    items = docs[:page_size]
    last = items[-1] if items and len(docs) > page_size else None
    return items, encode_token([last.get("legalNameLower", ""), last["id"]]) if last else None


# --- logo (an object in the documents bucket; the document keeps its name) ---------------------------

def logo_prefix(org_id: str) -> str:
    return f"organizations/{org_id}/logo/"


def logo_upload_url(principal: Principal, org_id: str, content_type: str, size_bytes: int) -> dict[str, Any]:
    get(principal, org_id)
    extension = "png" if content_type == "image/png" else "jpg"
    object_name = f"{logo_prefix(org_id)}{uuid.uuid4().hex}.{extension}"
    signed = storage.signed_upload_url(object_name, content_type, max_bytes=size_bytes)
    return {"objectName": object_name, "uploadUrl": signed["url"], "method": signed["method"],
            "headers": signed["headers"], "expiresInSeconds": int(storage.UPLOAD_EXPIRY.total_seconds())}


def set_logo(principal: Principal, org_id: str, object_name: str, actor: Actor, if_match: str | None
             ) -> dict[str, Any]:
    get(principal, org_id)
    if not object_name.startswith(logo_prefix(org_id)) or ".." in object_name:
        raise Unprocessable("VALIDATION_FAILED", "Use the object name the upload URL came with",
                            {"fields": [{"field": "objectName", "rule": "logo_object_name",
                                         "message": "Not an upload of this organization's logo"}]})
    info = storage.inspect(object_name)
    problem = None
    if not info.exists:
        problem = ("logo_not_uploaded", "Nothing was uploaded under this object name")
    elif info.kind not in LOGO_KINDS:
        problem = ("logo_type", "The logo must be a PNG or JPEG image")
    elif info.size > LOGO_MAX_BYTES:
        problem = ("logo_too_large", "The logo must be at most 1 MiB")
    if problem:
        raise Unprocessable("VALIDATION_FAILED", problem[1],
                            {"fields": [{"field": "objectName", "rule": problem[0], "message": problem[1]}]})
    logo = {"objectName": object_name, "contentType": LOGO_KINDS[info.kind], "sizeBytes": info.size}
    return update(org_id, {"logo": logo}, actor, if_match)


def logo_download_url(principal: Principal, org_id: str) -> dict[str, Any]:
    doc, _ = get(principal, org_id)
    logo = doc.get("logo")
    if not logo:
        raise NotFound("LOGO_NOT_FOUND", "This organization has no logo")
    return {"objectName": logo["objectName"], "url": storage.signed_download_url(logo["objectName"]),
            "expiresInSeconds": int(storage.DOWNLOAD_EXPIRY.total_seconds())}
