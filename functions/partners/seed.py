"""Demo business partners for the local stack (`make run`): never in production.

`seed_partners()` makes sure three ACTIVE partners exist, each taken through the real onboarding flow of
service.py: a back-office draft and its head-office branch, submitted by one system principal and approved
by another (maker-checker holds), so the approval writes the code, the primary user, version 1, the
PartnerApproved event and the invite e-mail exactly as it does for a real partner:
- a SELLER: a cotton ginner in Rajkot (Gujarat),
- a BUYER: a spinning mill in Coimbatore (Tamil Nadu),
- a TRADER: a cotton trading firm in Akola (Maharashtra).

A partner is found by its PAN (its `partnerKeys/pan:…` document, or a query for an application an
interrupted run left unsubmitted), so a second run creates nothing; a half-done one is taken on from
where it stopped.

Each partner's primary user is a demo partner login (a seller, a buyer and a trader to try the desk
with); setting its password crosses into the auth group, so that part lives in local/demo_partners.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from functions.partners import access, branches, lifecycle, service, store
from functions.partners.models import BranchIn, ProfileIn
from shared.auth.principal import BACK_OFFICE, Actor, Principal
from shared.config import settings
from shared.db import get_all
from shared.validators import gstin_check_char

DEMO_DOMAIN = "demo.rnrl.in"
# Two system principals: the maker drafts and submits, the checker approves.
MAKER = Principal(user_id="system-seed-maker", session_id="seed", kind=BACK_OFFICE, role="SYSTEM",
                  permissions=frozenset({"partners:create"}))
CHECKER = Principal(user_id="system-seed-checker", session_id="seed", kind=BACK_OFFICE, role="SYSTEM",
                    permissions=frozenset({"partners:approve"}))
SEED_ACTOR = Actor(user_id=None, user_agent="local demo seed")


class SeedRefused(RuntimeError):
    """Demo data must never reach a production project."""


@dataclass(frozen=True)
class DemoPartner:
    kind: str
    legal_name: str
    trade_name: str
    pan: str                      # invented, valid format; 4th letter C (company) or F (firm)
    state: str
    state_code: str
    line1: str
    city: str
    pincode: str
    account_number: str
    ifsc: str
    bank_name: str
    bank_branch: str
    contact_name: str
    designation: str
    email: str
    mobile: str
    demo_login: bool = False      # its primary user becomes the demo partner login

    @property
    def gstin(self) -> str:
        first14 = f"{self.state_code}{self.pan}1Z"
        return first14 + gstin_check_char(first14)

    def _address(self) -> dict[str, Any]:
        return {"line1": self.line1, "city": self.city, "district": self.city, "state": self.state,
                "pincode": self.pincode}

    def profile(self) -> Any:
        return ProfileIn.model_validate({
            "kind": self.kind, "legalName": self.legal_name, "tradeName": self.trade_name,
            "address": self._address(), "pan": self.pan, "gstins": [self.gstin],
            "bankAccount": {"accountHolderName": self.legal_name, "accountNumber": self.account_number,
                            "ifsc": self.ifsc, "bankName": self.bank_name, "branchName": self.bank_branch},
            "contacts": [{"name": self.contact_name, "designation": self.designation, "email": self.email,
                          "mobile": self.mobile, "isPrimary": True}],
        })

    def head_office(self) -> Any:
        return BranchIn.model_validate({"code": "HO", "name": f"{self.trade_name}, {self.city}",
                                        "address": self._address(), "gstin": self.gstin, "isHeadOffice": True})


DEMO_PARTNERS: tuple[DemoPartner, ...] = (
    DemoPartner(kind="SELLER", legal_name="Saurashtra Cotton Ginning Pvt Ltd", trade_name="Saurashtra Ginning",
                pan="AAKCS4821M", state="Gujarat", state_code="24", line1="Plot 14, Aji Industrial Estate",
                city="Rajkot", pincode="360003", account_number="31870045126", ifsc="SBIN0003187",
                bank_name="State Bank of India", bank_branch="Rajkot Main", contact_name="Jayesh Patel",
                designation="Director", email=f"ginner.rajkot@{DEMO_DOMAIN}", mobile="9825010001",
                demo_login=True),
    DemoPartner(kind="BUYER", legal_name="Kovai Spinning Mills Pvt Ltd", trade_name="Kovai Spinning",
                pan="AADCK7350R", state="Tamil Nadu", state_code="33", line1="112 Avinashi Road, Peelamedu",
                city="Coimbatore", pincode="641004", account_number="610200078431", ifsc="IOBA0000612",
                bank_name="Indian Overseas Bank", bank_branch="Peelamedu", contact_name="Senthil Kumar",
                designation="Purchase Head", email=f"mill.coimbatore@{DEMO_DOMAIN}", mobile="9843010002",
                demo_login=True),
    DemoPartner(kind="TRADER", legal_name="Vidarbha Cotton Traders", trade_name="Vidarbha Cotton",
                pan="AAJFV2684N", state="Maharashtra", state_code="27", line1="7 Cotton Market Yard, Old City",
                city="Akola", pincode="444001", account_number="50200011223344", ifsc="HDFC0001876",
                bank_name="HDFC Bank", bank_branch="Akola", contact_name="Prakash Deshmukh",
                designation="Partner", email=f"trader.akola@{DEMO_DOMAIN}", mobile="9822010003",
                demo_login=True),
)


def _find(pans: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """{pan: (partner id, data)} of the demo partners that exist: through the PAN keys (submitted and
    onboarded partners), else an open application with that PAN (a draft an interrupted run left)."""
    keys = get_all([store.key_ref(f"pan:{pan}") for pan in pans])
    holders: dict[str, str] = {}
    for pan in pans:
        snapshot = keys.get(store.key_ref(f"pan:{pan}").path)
        if snapshot is not None and snapshot.exists:
            holders[pan] = (snapshot.to_dict() or {})["partnerId"]
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    partners = get_all([store.partner_ref(partner_id) for partner_id in holders.values()]) if holders else {}
    for pan, partner_id in holders.items():
        data = store.live(partners.get(store.partner_ref(partner_id).path))
        if data is not None:
            found[pan] = (partner_id, data)
    for pan in pans:
        if pan in found:
            continue
        for snapshot in store.partners().where(filter=store.cond("pan", "==", pan)).limit(10).stream():
            data = store.live(snapshot)
            if data is not None and data["status"] in lifecycle.EDITABLE | lifecycle.PENDING_REVIEW:
                found[pan] = (snapshot.id, data)
                break
    return found


def _onboard(demo: DemoPartner, found: tuple[str, dict[str, Any]] | None) -> dict[str, Any]:
    """Take the demo partner as far as ACTIVE from wherever it is; what it is now and what this run did."""
    maker = access.for_back_office(MAKER, "partners:create")
    checker = access.for_back_office(CHECKER, "partners:approve")
    maker_actor, checker_actor = Actor(user_id=MAKER.user_id), Actor(user_id=CHECKER.user_id)
    created = found is None
    if found is None:
        partner_id, data = service.create_draft(demo.profile(), maker, maker_actor)
    else:
        partner_id, data = found
    invite_token = None
    if data["status"] in lifecycle.EDITABLE:
        if not any(branch.get("isHeadOffice") for branch in service.branches_of(None, partner_id)):
            branches.create_branch(partner_id, demo.head_office(), maker, maker_actor)
        data = service.submit(partner_id, maker, maker_actor)
    if data["status"] in lifecycle.PENDING_REVIEW:
        approval = service.approve_with_invite(partner_id, checker, checker_actor)
        data, invite_token = approval.data, approval.invite_token
    result = {"id": partner_id, "code": data.get("code"), "legalName": data.get("legalName"),
              "kind": data.get("kind"), "status": data["status"], "created": created,
              "primaryUserId": data.get("primaryUserId")}
    if invite_token is not None:
        result["inviteToken"] = invite_token
    return result


def seed_partners() -> list[dict[str, Any]]:
    """The three demo partners (idempotent): for each its id, code, legal name, kind, status, `created`,
    `inviteToken` when this run approved it, and `demoLogin` (local/demo_partners.py signs its primary user
    up as a demo login)."""
    if settings().is_production:
        raise SeedRefused("demo partners are never seeded in production")
    found = _find([demo.pan for demo in DEMO_PARTNERS])
    results = []
    for demo in DEMO_PARTNERS:
        partner = _onboard(demo, found.get(demo.pan))
        partner["demoLogin"] = demo.demo_login
        results.append(partner)
    return results
