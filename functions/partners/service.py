"""Onboarding, review and the partner lifecycle: the rules, each state change in one transaction.

Self-service applications and back-office onboarding share everything from the draft onwards; they
differ in who may act (an applicant with an application token, or a back-office user) and in what
a duplicate PAN/GSTIN answer reveals (the existing partner's code to the back office only).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from functions.auth import public as identity
from functions.partners import eligibility, lifecycle, store, validation
from functions.partners import events as ev
from functions.partners.access import Access, issue_application_token
from functions.partners.keys import KeyCheck, release
from functions.partners.kyc_rules import due_date_after
from functions.partners.versioning import profile_of
from shared import clock, validators
from shared.db import stamp_new, stamp_update
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.http.etag import check_if_match
from shared.numbering import next_number, partner_code
from shared.reference_data import normalize
from shared.uow import run_in_transaction

ENTITY = "partner"
SELF_SERVICE, BACK_OFFICE = "SELF_SERVICE", "BACK_OFFICE"
MAX_BRANCHES = 200
PARTNER_SCOPE, PARTNER_COUNTER = "global", "partner"

EMPTY_PROFILE: dict[str, Any] = {
    "kind": None, "legalName": None, "tradeName": None, "address": None, "pan": None, "gstins": [],
    "bankAccount": None, "contacts": [], "website": None,
}


def search_name(legal_name: str | None) -> str | None:
    return normalize(legal_name) if legal_name else None


def branches_of(uow: Any, partner_id: str) -> list[dict[str, Any]]:
    """The live branches of a partner (bounded), read inside `uow` when given."""
    live_branches = store.child(partner_id, store.BRANCHES).where(filter=store.cond("deletedAt", "==", None))
    query = live_branches.limit(MAX_BRANCHES)
    snapshots = uow.query(query) if uow is not None else list(query.stream())
    return [{**(s.to_dict() or {}), "id": s.id} for s in snapshots]


def _transition(current: str, target: str, reason: str | None = None) -> str:
    status = current
    for step in lifecycle.path(current, target):
        status = lifecycle.transition(status, step, reason)
    return status


def _editable(data: dict[str, Any]) -> None:
    if data["status"] not in lifecycle.EDITABLE:
        raise Conflict("PARTNER_NOT_EDITABLE", f"A {data['status']} application cannot be edited",
                       {"status": data["status"]})


# ---------------------------------------------------------------- drafts

def create_draft(body: Any, access: Access, actor: Any) -> tuple[str, dict[str, Any]]:
    """Back-office onboarding: a DRAFT partner from the profile fields given."""
    changes = validation.profile_changes(body, {})
    ref = store.partners().document()

    def work(uow: Any) -> dict[str, Any]:
        KeyCheck(uow, ref.id, validation.identity_keys(changes, []), set()).raise_conflict(uow, back_office=True)
        data = stamp_new({**EMPTY_PROFILE, **changes, "status": lifecycle.DRAFT, "source": BACK_OFFICE,
                          "nameLower": search_name(changes.get("legalName")), "ownedKeys": [],
                          "code": None, "profileVersion": 0, "makers": [access.user_id]}, access.user_id)
        uow.create(ref, data)
        uow.audit("create", ENTITY, ref.id, after=data)
        return data

    return ref.id, run_in_transaction(work, actor)


@dataclass(frozen=True)
class StartedApplication:
    application_id: str
    data: dict[str, Any]
    token: str
    token_expires_at: Any


def start_application(body: Any, actor: Any) -> StartedApplication:
    """Self-service start: both OTP verifications proven, a DRAFT application and its token."""
    email = identity.verified_destination(body.email_verification_token, identity.ONBOARDING_PURPOSE,
                                               "emailVerificationToken")
    mobile = identity.verified_destination(body.mobile_verification_token, identity.ONBOARDING_PURPOSE,
                                                "mobileVerificationToken")
    errors = validators.FieldErrors()
    email = errors.check("emailVerificationToken", validators.email, email)
    mobile = errors.check("mobileVerificationToken", validators.mobile, mobile)
    errors.raise_if_any()
    changes = validation.profile_changes(body, {})
    if not changes.get("contacts"):
        changes["contacts"] = [{"name": body.applicant_name, "designation": None, "email": email, "mobile": mobile,
                                "isPrimary": True}]
    ref = store.partners().document()
    token, token_id, expires = issue_application_token(ref.id)
    moment = clock.now()

    def work(uow: Any) -> dict[str, Any]:
        KeyCheck(uow, ref.id, validation.identity_keys(changes, []), set()).raise_conflict(uow, back_office=False)
        data = stamp_new({**EMPTY_PROFILE, **changes, "status": lifecycle.DRAFT, "source": SELF_SERVICE,
                          "applicant": {"name": body.applicant_name, "email": email, "mobile": mobile,
                                        "emailVerifiedAt": moment, "mobileVerifiedAt": moment},
                          "applicationTokenId": token_id, "nameLower": search_name(changes.get("legalName")),
                          "ownedKeys": [], "code": None, "profileVersion": 0}, None)
        uow.create(ref, data)
        uow.audit("create", ENTITY, ref.id, after=data, source=SELF_SERVICE)
        return data

    data = run_in_transaction(work, actor)
    return StartedApplication(ref.id, data, token, expires)


def reissue_application_token(application_id: str, email_token: str, actor: Any) -> tuple[str, Any]:
    """A new application token (the old one stops working) for whoever proves the applicant's e-mail."""
    email = validators.email(identity.verified_destination(
        email_token, identity.ONBOARDING_PURPOSE, "emailVerificationToken"))
    token, token_id, expires = issue_application_token(application_id)
    ref = store.partner_ref(application_id)

    def work(uow: Any) -> None:
        data = store.live(uow.get(ref))
        if (data is None or data.get("source") != SELF_SERVICE or (data.get("applicant") or {}).get("email") != email
                or data["status"] in lifecycle.ONBOARDED | {lifecycle.BLACKLISTED}):
            raise NotFound("APPLICATION_NOT_FOUND", "No open application of this e-mail address has this id")
        uow.update(ref, stamp_update({"applicationTokenId": token_id}, None, data["version"]))
        uow.audit("reissue_application_token", ENTITY, application_id)

    run_in_transaction(work, actor)
    return token, expires


def update_draft(partner_id: str, body: Any, access: Access, actor: Any, if_match: str | None) -> dict[str, Any]:
    ref = store.partner_ref(partner_id)

    def work(uow: Any) -> dict[str, Any]:
        data = access.load(uow, partner_id)
        _editable(data)
        check_if_match(if_match, data["version"])
        changes = validation.profile_changes(body, data)
        merged = {**data, **changes}
        KeyCheck(uow, partner_id, validation.identity_keys(merged, []), set()).raise_conflict(
            uow, back_office=access.back_office)
        if "legalName" in changes:
            changes["nameLower"] = search_name(changes["legalName"])
        update = stamp_update({**changes, "makers": lifecycle.with_maker(data, access.user_id)}, access.user_id,
                              data["version"])
        uow.update(ref, update)
        uow.audit("update", ENTITY, partner_id, before=data, after={**data, **update})
        return {**data, **update}

    return run_in_transaction(work, actor)


def get_partner(partner_id: str, access: Access) -> tuple[dict[str, Any], list[str]]:
    """The partner and, while it is an editable application, what a submission still lacks."""
    data = access.load(None, partner_id)
    missing: list[str] = []
    if data["status"] in lifecycle.EDITABLE:
        missing = validation.missing_for_submission(data, branches_of(None, partner_id))
    return data, missing


# ---------------------------------------------------------------- submission and review

def submit(partner_id: str, access: Access, actor: Any, if_match: str | None = None) -> dict[str, Any]:
    """DRAFT/CHANGES_REQUESTED → SUBMITTED: complete, consistent, and its PAN/GSTINs reserved."""
    ref = store.partner_ref(partner_id)

    def work(uow: Any) -> dict[str, Any]:
        data = access.load(uow, partner_id)
        check_if_match(if_match, data["version"])
        status = lifecycle.transition(data["status"], lifecycle.SUBMITTED)
        branches = branches_of(uow, partner_id)
        missing = validation.missing_for_submission(data, branches)
        if missing:
            raise Unprocessable("APPLICATION_INCOMPLETE", "The application is not complete",
                                {"fields": [{"field": name, "message": "Required before submission", "rule": "required"}
                                            for name in missing]})
        validation.consistency_errors(data, branches).raise_if_any()
        keys = KeyCheck(uow, partner_id, validation.identity_keys(data, branches), set(data.get("ownedKeys") or []))
        keys.raise_conflict(uow, back_office=access.back_office)
        owned = keys.write(uow)
        update = stamp_update({"status": status, "submittedAt": clock.now(), "submittedBy": access.user_id,
                               "ownedKeys": owned, "statusReason": None,
                               "makers": lifecycle.with_maker(data, access.user_id)}, access.user_id, data["version"])
        uow.update(ref, update)
        uow.audit("submit", ENTITY, partner_id, before=data, after={**data, **update})
        uow.emit(ev.PartnerApplicationSubmitted(partner_id=partner_id, kind=data.get("kind"),
                                                source=data.get("source")), subject=partner_id)
        return {**data, **update}

    return run_in_transaction(work, actor)


def start_review(partner_id: str, access: Access, actor: Any) -> dict[str, Any]:
    return _decide(partner_id, access, actor, lifecycle.UNDER_REVIEW, "start_review", None, {})


def reject(partner_id: str, reason: str, access: Access, actor: Any) -> dict[str, Any]:
    return _decide(partner_id, access, actor, lifecycle.REJECTED, "reject", ev.PartnerRejected,
                   {"rejectionReason": reason, "statusReason": reason}, reason=reason, release_keys=True)


def request_changes(partner_id: str, comments: list[Any], message: str | None, access: Access,
                    actor: Any) -> dict[str, Any]:
    stored = [{"field": c.field, "comment": c.comment} for c in comments]
    return _decide(partner_id, access, actor, lifecycle.CHANGES_REQUESTED, "request_changes",
                   ev.PartnerChangesRequested, {"reviewComments": stored, "reviewMessage": message})


def _decide(partner_id: str, access: Access, actor: Any, target: str, action: str,
            event: type[ev.PartnerRejected | ev.PartnerChangesRequested] | None,
            fields: dict[str, Any], *, reason: str | None = None, release_keys: bool = False) -> dict[str, Any]:
    ref = store.partner_ref(partner_id)

    def work(uow: Any) -> dict[str, Any]:
        data = access.load(uow, partner_id)
        status = _transition(data["status"], target, reason)
        if release_keys:
            release(uow, partner_id, set(data.get("ownedKeys") or []))
            fields["ownedKeys"] = []
        update = stamp_update({**fields, "status": status, "reviewedBy": access.user_id, "reviewedAt": clock.now()},
                              access.user_id, data["version"])
        uow.update(ref, update)
        uow.audit(action, ENTITY, partner_id, before=data, after={**data, **update}, reason=reason)
        if event:
            # Ids only: consumers look the partner and its applicant up (no personal data in Pub/Sub).
            uow.emit(event(partner_id=partner_id), subject=partner_id)
        return {**data, **update}

    return run_in_transaction(work, actor)


def _primary_contact(data: dict[str, Any]) -> tuple[str, str, str | None]:
    """(email, name, mobile) of the partner's first user: the verified applicant, else the primary contact."""
    applicant = data.get("applicant")
    if applicant and applicant.get("email"):
        return applicant["email"], applicant.get("name") or data.get("legalName") or "", applicant.get("mobile")
    for contact in data.get("contacts") or []:
        if contact.get("isPrimary") and contact.get("email"):
            return contact["email"], contact.get("name") or "", contact.get("mobile")
    raise Unprocessable("PRIMARY_CONTACT_MISSING", "The partner has no primary contact with an e-mail address",
                        {"fields": [{"field": "contacts", "message": "A primary contact with e-mail is required",
                                     "rule": "required"}]})


@dataclass(frozen=True)
class Approval:
    data: dict[str, Any]
    invite_token: str
    email: str
    name: str


def approve(partner_id: str, access: Access, actor: Any) -> dict[str, Any]:
    """Maker-checker approval: code, primary user, version 1 and PartnerApproved in one transaction;
    the invite e-mail goes out after the commit."""
    return approve_with_invite(partner_id, access, actor).data


def approve_with_invite(partner_id: str, access: Access, actor: Any) -> Approval:
    """`approve`, also giving the primary user's invite token to an in-process caller (the local demo
    seed accepts the demo partner's invite with it); never for an API answer."""
    ref = store.partner_ref(partner_id)

    def work(uow: Any) -> Approval:
        data = access.load(uow, partner_id)
        if access.user_id in lifecycle.makers_of(data):
            raise Forbidden("MAKER_CHECKER",
                            "Whoever created, changed or submitted an application cannot approve it")
        status = _transition(data["status"], lifecycle.ACTIVE)
        email, name, mobile = _primary_contact(data)
        owned = sorted(data.get("ownedKeys") or [])
        key_snapshots = uow.get_all([store.key_ref(key) for key in owned])
        code = partner_code(next_number(uow, PARTNER_SCOPE, PARTNER_COUNTER))
        user_id, invite_token = identity.create_partner_primary_user(uow, partner_id, email, name, mobile)
        moment, today = clock.now(), clock.today_india()
        kyc = dict(data.get("kyc") or {})
        if kyc.get("status") != "VERIFIED":
            # Approved without a KYC verification: due at once, so the reminders run and trading stops
            # after the grace period unless the back office verifies it.
            kyc = {"status": "NOT_VERIFIED", "dueDate": today.isoformat(), "remindersHandled": []}
        for key in owned:
            snapshot = key_snapshots.get(store.key_ref(key).path)
            if snapshot is not None and snapshot.exists:
                uow.update(store.key_ref(key), {"partnerCode": code})
        uow.create(store.child(partner_id, store.VERSIONS).document("1"), {
            "number": 1, "profile": profile_of(data), "changedFields": [], "changeRequestId": None,
            "reason": "approved", "createdAt": moment, "createdBy": access.user_id})
        update = stamp_update({"status": status, "code": code, "approvedBy": access.user_id, "approvedAt": moment,
                               "reviewedBy": access.user_id, "reviewedAt": moment, "primaryUserId": user_id,
                               "profileVersion": 1, "kyc": kyc, "statusReason": None, "applicationTokenId": None,
                               "reviewComments": []}, access.user_id, data["version"])
        uow.update(ref, update)
        uow.audit("approve", ENTITY, partner_id, before=data, after={**data, **update})
        uow.emit(ev.PartnerApproved(partner_id=partner_id, partner_code=code, kind=data.get("kind"),
                                    primary_user_id=user_id), subject=partner_id)
        return Approval({**data, **update}, invite_token, email, name)

    approval = run_in_transaction(work, actor)
    identity.send_invite(approval.email, approval.name, approval.invite_token, approval.data.get("legalName"),
                              approval.data["primaryUserId"])
    return approval


# ---------------------------------------------------------------- lifecycle after approval

def change_status(partner_id: str, target: str, reason: str, access: Access, actor: Any) -> dict[str, Any]:
    """Suspend, reactivate or blacklist, with a reason and an event."""
    ref = store.partner_ref(partner_id)
    events = {lifecycle.SUSPENDED: ev.PartnerSuspended, lifecycle.ACTIVE: ev.PartnerReactivated,
              lifecycle.BLACKLISTED: ev.PartnerBlacklisted}

    def work(uow: Any) -> dict[str, Any]:
        data = access.load(uow, partner_id)
        status = lifecycle.transition(data["status"], target, reason)
        fields: dict[str, Any] = {"status": status, "statusReason": reason, "suspendedFor": None}
        if target == lifecycle.ACTIVE:
            due = store.parse_date((data.get("kyc") or {}).get("dueDate"))
            refusal = eligibility.refusal(lifecycle.ACTIVE, due, clock.today_india())
            if refusal == "KYC_OVERDUE":
                raise Conflict("KYC_OVERDUE", "The partner's KYC is overdue: verify the KYC to reactivate it",
                               {"dueDate": due.isoformat() if due else None})
        if target == lifecycle.SUSPENDED:
            fields["suspendedFor"] = "MANUAL"
        if target == lifecycle.BLACKLISTED:
            # Keep (or take) its PAN/GSTIN keys so the same identity cannot be onboarded again.
            keys = KeyCheck(uow, partner_id, validation.identity_keys(data, branches_of(uow, partner_id)),
                            set(data.get("ownedKeys") or []))
            free = {key for key in keys.keys if key not in keys.conflicts()}
            keys.keys = free | set(data.get("ownedKeys") or [])
            fields["ownedKeys"] = keys.write(uow)
            fields["blacklistedAt"] = clock.now()
        update = stamp_update(fields, access.user_id, data["version"])
        uow.update(ref, update)
        uow.audit(target.lower(), ENTITY, partner_id, before=data, after={**data, **update}, reason=reason)
        uow.emit(events[target](partner_id=partner_id, partner_code=data.get("code"), reason=reason,
                                previous_status=data["status"]), subject=partner_id)
        return {**data, **update}

    return run_in_transaction(work, actor)


def record_kyc_verification(partner_id: str, document_ids: list[str], notes: str | None, access: Access,
                            actor: Any) -> dict[str, Any]:
    """Back office verified the KYC: which documents were checked; due again in 12 months. A partner
    suspended for overdue KYC becomes ACTIVE again."""
    ref = store.partner_ref(partner_id)
    allowed = {lifecycle.SUBMITTED, lifecycle.UNDER_REVIEW, lifecycle.ACTIVE, lifecycle.SUSPENDED}

    def work(uow: Any) -> dict[str, Any]:
        data = access.load(uow, partner_id)
        if data["status"] not in allowed:
            raise Conflict("KYC_NOT_APPLICABLE", f"KYC cannot be verified for a {data['status']} partner",
                           {"status": data["status"]})
        docs = uow.get_all([store.child(partner_id, store.DOCUMENTS).document(d) for d in document_ids])
        problems = []
        for index, document_id in enumerate(document_ids):
            doc = store.live(docs.get(store.child(partner_id, store.DOCUMENTS).document(document_id).path))
            if doc is None or doc.get("status") != "VERIFIED_FILE":
                problems.append({"field": f"documentIds[{index}]", "rule": "document_verified_file",
                                 "message": "Not an uploaded and checked document of this partner"})
        if problems:
            raise Unprocessable("VALIDATION_FAILED", "Some documents cannot be used for KYC", {"fields": problems})
        today = clock.today_india()
        kyc = {"status": "VERIFIED", "verifiedAt": clock.now(), "verifiedBy": access.user_id,
               "verifiedOn": today.isoformat(), "dueDate": due_date_after(today).isoformat(),
               "documentsChecked": list(dict.fromkeys(document_ids)), "notes": notes, "remindersHandled": []}
        fields: dict[str, Any] = {"kyc": kyc}
        if data["status"] == lifecycle.SUSPENDED and data.get("suspendedFor") == "KYC":
            fields.update(status=lifecycle.transition(lifecycle.SUSPENDED, lifecycle.ACTIVE, "KYC verified"),
                          statusReason="KYC verified", suspendedFor=None)
        update = stamp_update(fields, access.user_id, data["version"])
        uow.update(ref, update)
        uow.audit("kyc_verify", ENTITY, partner_id, before=data, after={**data, **update})
        uow.emit(ev.KycVerified(partner_id=partner_id, partner_code=data.get("code"), due_date=kyc["dueDate"],
                                documents_checked=kyc["documentsChecked"]), subject=partner_id)
        if fields.get("status") == lifecycle.ACTIVE:
            uow.emit(ev.PartnerReactivated(partner_id=partner_id, partner_code=data.get("code"),
                                           reason="KYC verified", previous_status=lifecycle.SUSPENDED),
                     subject=partner_id)
        return {**data, **update}

    return run_in_transaction(work, actor)
