"""The notification catalog: for each domain event type, what people are told, who, and on which channels.

One row per event type: its preference category, severity, the in-app title/body, the email
subject/text, the SMS texts (English and Hindi, each with its own DLT template id: DLT registers every
text separately), the link the in-app notification opens, and the recipient rules. Templates use
`{name}` placeholders filled from the event data and the derived values of `rendering.context`.

The data of each event is its producer's typed model (functions/<group>/events.py, exported through
the group's public); each row's `sample` validates against it (tests/unit/test_notifications_catalog.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from functions.auth.public import AccountLocked, NewDeviceSignIn
from functions.contracts.public import (
    CommissionDue,
    ContractAmended,
    ContractApproved,
    ContractCreated,
    DisputeRaised,
    DisputeResolved,
    DisputeUpdated,
    InvoiceIssued,
    InvoiceOverdue,
    PaymentReceived,
)
from functions.notifications.events import PasswordExpiring, SessionExpiring
from functions.partners.public import KycDueSoon, KycOverdue, PartnerApproved
from functions.tradedesk import public as tradedesk
from shared.events.model import DomainEventModel

IN_APP, EMAIL, SMS = "inApp", "email", "sms"
CHANNELS = (IN_APP, EMAIL, SMS)
LANGUAGES = ("en", "hi")
INFO, WARNING, CRITICAL = "info", "warning", "critical"


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    mandatory: bool                      # security alerts: no channel can be turned off
    defaults: dict[str, bool]            # channel → on/off before the user chooses


CATEGORIES: dict[str, Category] = {c.key: c for c in (
    Category("security", "Security alerts", True, {IN_APP: True, EMAIL: True, SMS: True}),
    Category("account", "Account, password and session", False, {IN_APP: True, EMAIL: True, SMS: False}),
    Category("kyc", "Partner approval and KYC", False, {IN_APP: True, EMAIL: True, SMS: True}),
    Category("trade", "Offers and negotiations", False, {IN_APP: True, EMAIL: True, SMS: False}),
    Category("contract", "Contracts", False, {IN_APP: True, EMAIL: True, SMS: False}),
)}


# ---- recipient rules -------------------------------------------------------------------------------

@dataclass(frozen=True)
class UserRule:
    """The user named by `data[field]` (or the event subject when the field is absent)."""
    field: str = "userId"
    channels: frozenset[str] | None = None     # None: every channel of the event


@dataclass(frozen=True)
class PartnerUsersRule:
    """Every active user of the partner named by `data[field]` (primary user and sub-users)."""
    field: str = "partnerId"
    channels: frozenset[str] | None = None


@dataclass(frozen=True)
class OrgPermissionRule:
    """Every active back-office user of organization `data[field]` holding `permission` (of every
    organization when the event names none: partners are RNRL's, not one organization's)."""
    permission: str
    field: str = "orgId"
    channels: frozenset[str] | None = None


Rule = UserRule | PartnerUsersRule | OrgPermissionRule


# ---- templates -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SmsTemplate:
    dlt_template_id: str     # the id registered on the DLT portal for exactly this text
    text: str


@dataclass(frozen=True)
class EventSpec:
    event: type[DomainEventModel]                # the producer's typed event (its group's public)
    category: str
    severity: str
    recipients: tuple[Rule, ...]
    title: str
    body: str
    link: tuple[str, str] | None                 # (entity, data field holding its id)
    email_subject: str | None = None
    email_text: str | None = None
    sms: dict[str, SmsTemplate] = field(default_factory=dict)   # language → template
    sample: dict = field(default_factory=dict)   # example data (documentation and template tests)

    @property
    def event_type(self) -> str:
        return self.event.event_type()

    @property
    def channels(self) -> frozenset[str]:
        found = {IN_APP}
        if self.email_subject and self.email_text:
            found.add(EMAIL)
        if self.sms:
            found.add(SMS)
        return frozenset(found)

    @property
    def mandatory(self) -> bool:
        return CATEGORIES[self.category].mandatory

    def sms_template(self, language: str) -> SmsTemplate:
        return self.sms.get(language) or self.sms["en"]


_SIGN_OFF = "\n\nOpen RNRL TradeHub: {appUrl}\n\n— RNRL TradeHub\nThis is an automatic message; please do not reply."
_WEB_ONLY = frozenset({IN_APP, EMAIL})

SPECS: tuple[EventSpec, ...] = (
    EventSpec(
        PartnerApproved, "kyc", INFO, (PartnerUsersRule(),),
        title="Partner account approved",
        body="{partnerName} ({partnerCode}) is approved on RNRL TradeHub. You can now post trades and offers.",
        link=("partner", "partnerId"),
        email_subject="Your RNRL TradeHub partner account is approved",
        email_text="Hello {userName},\n\n{partnerName} ({partnerCode}) has been approved on RNRL TradeHub. "
                   "You can now post trade requests and make offers." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000101",
                               "RNRL TradeHub: your partner account {partnerCode} is approved. "
                               "You can now trade. -RNRL"),
             "hi": SmsTemplate("1107170000000000102",
                               "RNRL TradeHub: आपका पार्टनर खाता {partnerCode} स्वीकृत हो गया है। "
                               "अब आप व्यापार कर सकते हैं। -RNRL")},
        sample={"partnerId": "p1", "orgId": "o1"},
    ),
    EventSpec(
        KycDueSoon, "kyc", WARNING, (PartnerUsersRule(),),
        title="KYC renewal due {dueIn}",
        body="The KYC of {partnerName} ({partnerCode}) is due on {dueDate}. Upload current documents so "
             "trading is not suspended.",
        link=("partner", "partnerId"),
        email_subject="KYC renewal due on {dueDate}",
        email_text="Hello {userName},\n\nThe KYC verification of {partnerName} ({partnerCode}) is due on "
                   "{dueDate} ({dueIn}). Please upload current documents (PAN, GST certificate, bank proof) so "
                   "trading is not suspended." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000111",
                               "RNRL TradeHub: KYC for {partnerCode} is due on {dueDate}. "
                               "Please renew it to keep trading. -RNRL"),
             "hi": SmsTemplate("1107170000000000112",
                               "RNRL TradeHub: {partnerCode} का KYC {dueDate} को देय है। "
                               "व्यापार जारी रखने के लिए कृपया नवीनीकरण करें। -RNRL")},
        sample={"partnerId": "p1", "dueDate": "2026-05-01", "daysUntilDue": 7},
    ),
    EventSpec(
        KycOverdue, "kyc", CRITICAL,
        (PartnerUsersRule(), OrgPermissionRule("kyc:verify", channels=_WEB_ONLY)),
        title="KYC overdue",
        body="The KYC of {partnerName} ({partnerCode}) was due on {dueDate} and is {daysOverdue} day(s) overdue. "
             "Trading is suspended 30 days after the due date.",
        link=("partner", "partnerId"),
        email_subject="KYC overdue since {dueDate}",
        email_text="Hello {userName},\n\nThe KYC verification of {partnerName} ({partnerCode}) was due on "
                   "{dueDate} and is {daysOverdue} day(s) overdue. Trading is suspended automatically 30 days "
                   "after the due date." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000121",
                               "RNRL TradeHub: KYC for {partnerCode} is overdue since {dueDate}. "
                               "Renew now to avoid suspension of trading. -RNRL"),
             "hi": SmsTemplate("1107170000000000122",
                               "RNRL TradeHub: {partnerCode} का KYC {dueDate} से बकाया है। "
                               "व्यापार निलंबन से बचने के लिए तुरंत नवीनीकरण करें। -RNRL")},
        sample={"partnerId": "p1", "dueDate": "2026-05-01", "daysOverdue": 8, "orgId": "o1"},
    ),
    EventSpec(
        PasswordExpiring, "account", WARNING, (UserRule(),),
        title="Your password expires {expiresIn}",
        body="Your password expires on {expiresAt}. Change it under Account › Security before then.",
        link=("account", "userId"),
        email_subject="Your RNRL TradeHub password expires {expiresIn}",
        email_text="Hello {userName},\n\nYour RNRL TradeHub password expires on {expiresAt}. Change it under "
                   "Account › Security before then; after that you will have to change it at sign-in."
                   + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000131",
                               "RNRL TradeHub: your password expires on {expiresOn}. "
                               "Please change it before then. -RNRL"),
             "hi": SmsTemplate("1107170000000000132",
                               "RNRL TradeHub: आपका पासवर्ड {expiresOn} को समाप्त हो रहा है। "
                               "कृपया उससे पहले इसे बदलें। -RNRL")},
        sample={"userId": "u1", "expiresAt": "2026-05-01T10:00:00Z", "daysLeft": 7},
    ),
    EventSpec(
        # functions/auth e-mails the lock notice itself at once; the fan-out adds in-app and SMS.
        AccountLocked, "security", CRITICAL, (UserRule(channels=frozenset({IN_APP, SMS})),),
        title="Account locked after failed sign-ins",
        body="Your account was locked after repeated failed sign-in attempts. It unlocks at {lockedUntil}. "
             "If this was not you, reset your password.",
        link=("account", "userId"),
        email_subject="Your RNRL TradeHub account was locked",
        email_text="Hello {userName},\n\nYour account was locked after repeated failed sign-in attempts. It "
                   "unlocks at {lockedUntil}. If this was not you, reset your password and tell your "
                   "administrator." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000141",
                               "RNRL TradeHub: your account is locked after failed sign-in attempts until "
                               "{lockedUntil}. Not you? Reset your password. -RNRL"),
             "hi": SmsTemplate("1107170000000000142",
                               "RNRL TradeHub: असफल लॉगिन प्रयासों के कारण आपका खाता {lockedUntil} तक लॉक है। "
                               "यह आप नहीं थे? पासवर्ड रीसेट करें। -RNRL")},
        sample={"userId": "u1", "lockedUntil": "2026-05-01T10:30:00Z"},
    ),
    EventSpec(
        # functions/auth e-mails the new-device notice itself at once; the fan-out adds the in-app one.
        NewDeviceSignIn, "security", WARNING, (UserRule(channels=frozenset({IN_APP})),),
        title="New sign-in to your account",
        body="Your account was signed in from a new device ({device}) at {signedInAt}. If this was not you, "
             "change your password and sign out all sessions.",
        link=("session", "sessionId"),
        email_subject="New sign-in to your RNRL TradeHub account",
        email_text="Hello {userName},\n\nYour account was signed in from a new device ({device}) at "
                   "{signedInAt}. If this was you, nothing needs to be done. If not, change your password "
                   "and use “Sign out everywhere”." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000151",
                               "RNRL TradeHub: new sign-in to your account at {signedInAt}. "
                               "Not you? Change your password now. -RNRL"),
             "hi": SmsTemplate("1107170000000000152",
                               "RNRL TradeHub: {signedInAt} पर आपके खाते में नए डिवाइस से लॉगिन हुआ। "
                               "यह आप नहीं थे? तुरंत पासवर्ड बदलें। -RNRL")},
        sample={"userId": "u1", "sessionId": "s1", "signedInAt": "2026-05-01T10:00:00Z", "device": "Chrome"},
    ),
    EventSpec(
        SessionExpiring, "account", WARNING, (UserRule(),),
        title="Your session ends at {endsAtTime}",
        body="Your session ends at {endsAt} {reasonText}. Save your work; {advice}",
        link=("session", "sessionId"),
        sample={"userId": "u1", "sessionId": "s1", "reason": "idle", "endsAt": "2026-05-01T10:30:00Z"},
    ),
    EventSpec(
        tradedesk.OfferReceived, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="New offer on {tradeRef}",
        body="You received offer {offerRef} on your trade request {tradeRef}. Review it before it expires.",
        link=("offer", "offerId"),
        email_subject="New offer on your trade request {tradeRef}",
        email_text="Hello {userName},\n\nYou received offer {offerRef} on your trade request {tradeRef}. "
                   "Review, counter or accept it before it expires." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000161",
                               "RNRL TradeHub: new offer {offerRef} on your trade request {tradeRef}. "
                               "Review it before it expires. -RNRL"),
             "hi": SmsTemplate("1107170000000000162",
                               "RNRL TradeHub: आपके ट्रेड अनुरोध {tradeRef} पर नया ऑफ़र {offerRef} आया है। "
                               "समाप्त होने से पहले देखें। -RNRL")},
        sample={"offerId": "of1", "tradeId": "t1", "recipientPartnerId": "p1", "tradeNumber": "TR-25-26-000123"},
    ),
    EventSpec(
        tradedesk.OfferAccepted, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="Offer {offerRef} accepted",
        body="Your offer {offerRef} on trade request {tradeRef} was accepted. A draft contract follows.",
        link=("offer", "offerId"),
        email_subject="Your offer {offerRef} was accepted",
        email_text="Hello {userName},\n\nYour offer {offerRef} on trade request {tradeRef} was accepted. "
                   "A draft sales contract will be shared with you." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000171",
                               "RNRL TradeHub: your offer {offerRef} on trade request {tradeRef} "
                               "was accepted. -RNRL"),
             "hi": SmsTemplate("1107170000000000172",
                               "RNRL TradeHub: ट्रेड अनुरोध {tradeRef} पर आपका ऑफ़र {offerRef} "
                               "स्वीकार कर लिया गया है। -RNRL")},
        sample={"offerId": "of1", "tradeId": "t1", "recipientPartnerId": "p2"},
    ),
    EventSpec(
        ContractCreated, "contract", INFO,
        (PartnerUsersRule("buyerPartnerId"), PartnerUsersRule("sellerPartnerId"),
         OrgPermissionRule("contracts:manage", channels=frozenset({IN_APP}))),
        title="Sales contract {contractRef} created",
        body="Sales contract {contractRef} has been created as a draft. Review its terms.",
        link=("contract", "contractId"),
        email_subject="Sales contract {contractRef} created",
        email_text="Hello {userName},\n\nSales contract {contractRef} has been created as a draft. Please "
                   "review its terms in RNRL TradeHub." + _SIGN_OFF,
        sms={"en": SmsTemplate("1107170000000000181",
                               "RNRL TradeHub: sales contract {contractRef} has been created. "
                               "Please review it. -RNRL"),
             "hi": SmsTemplate("1107170000000000182",
                               "RNRL TradeHub: बिक्री अनुबंध {contractRef} बनाया गया है। "
                               "कृपया इसकी समीक्षा करें। -RNRL")},
        sample={"contractId": "c1", "buyerPartnerId": "p1", "sellerPartnerId": "p2", "orgId": "o1",
                "contractNumber": "SC/25-26/00042"},
    ),
    EventSpec(
        ContractApproved, "contract", INFO,
        (PartnerUsersRule("buyerPartnerId"), PartnerUsersRule("sellerPartnerId")),
        title="Sales contract {contractRef} approved",
        body="Sales contract {contractRef} is approved and in force. Its contract note can be downloaded.",
        link=("contract", "contractId"),
        email_subject="Sales contract {contractRef} approved",
        email_text="Hello {userName},\n\nSales contract {contractRef} has been approved and is now in force. "
                   "You can download its contract note in RNRL TradeHub." + _SIGN_OFF,
        sample={"contractId": "c1", "version": 1, "buyerPartnerId": "p1", "sellerPartnerId": "p2", "orgId": "o1",
                "contractNumber": "SC/25-26/00042"},
    ),
    EventSpec(
        ContractAmended, "contract", INFO,
        (PartnerUsersRule("buyerPartnerId"), PartnerUsersRule("sellerPartnerId")),
        title="Sales contract {contractRef} amended",
        body="An amendment of sales contract {contractRef} was approved (version {version}).",
        link=("contract", "contractId"),
        email_subject="Sales contract {contractRef} amended",
        email_text="Hello {userName},\n\nAn amendment of sales contract {contractRef} was approved: version "
                   "{version} is now in force. Its contract note is in RNRL TradeHub." + _SIGN_OFF,
        sample={"contractId": "c1", "version": 2, "buyerPartnerId": "p1", "sellerPartnerId": "p2", "orgId": "o1",
                "contractNumber": "SC/25-26/00042"},
    ),
    EventSpec(
        InvoiceIssued, "contract", INFO, (PartnerUsersRule("buyerPartnerId"),),
        title="Invoice {invoiceNumber} issued",
        body="Invoice {invoiceNumber} was issued to you. Its amount and due date are in RNRL TradeHub.",
        link=("invoice", "invoiceId"),
        email_subject="Invoice {invoiceNumber} issued",
        email_text="Hello {userName},\n\nInvoice {invoiceNumber} has been issued to you. Please see its amount "
                   "and due date in RNRL TradeHub." + _SIGN_OFF,
        sample={"invoiceId": "i1", "contractId": "c1", "buyerPartnerId": "p1", "orgId": "o1",
                "invoiceNumber": "INV/2526/00042"},
    ),
    EventSpec(
        CommissionDue, "contract", INFO,
        (PartnerUsersRule("partnerId"), OrgPermissionRule("commissions:read", channels=frozenset({IN_APP}))),
        title="Brokerage of Rs {amount} due on contract {contractNumber}",
        body="Contract {contractNumber} is approved: brokerage of Rs {amount} ({side} side) is due. "
             "RNRL's brokerage invoice follows.",
        link=("contract", "contractId"),
        email_subject="Brokerage due on contract {contractNumber}",
        email_text="Hello {userName},\n\nContract {contractNumber} has been approved. Brokerage of Rs {amount} "
                   "on your side of it is now due; RNRL's brokerage invoice will follow." + _SIGN_OFF,
        sample={"commissionId": "c1-BUYER", "contractId": "c1", "partnerId": "p1", "side": "BUYER",
                "amount": "21750.28", "orgId": "o1", "contractNumber": "SC/26-27/00001"},
    ),
    EventSpec(
        InvoiceOverdue, "contract", WARNING,
        (PartnerUsersRule("buyerPartnerId"), OrgPermissionRule("invoices:manage", channels=frozenset({IN_APP}))),
        title="Invoice {invoiceNumber} is overdue",
        body="Invoice {invoiceNumber} was due on {dueDate}; Rs {balance} is still unpaid.",
        link=("invoice", "invoiceId"),
        email_subject="Invoice {invoiceNumber} is overdue",
        email_text="Hello {userName},\n\nInvoice {invoiceNumber} was due on {dueDate} and Rs {balance} of it is "
                   "still unpaid. Please arrange the payment; its details are in RNRL TradeHub." + _SIGN_OFF,
        sample={"invoiceId": "i1", "contractId": "c1", "buyerPartnerId": "p1", "orgId": "o1",
                "invoiceNumber": "INV/2526/00042", "dueDate": "2026-11-30", "balance": "12500.50"},
    ),
    EventSpec(
        PaymentReceived, "contract", INFO, (PartnerUsersRule("buyerPartnerId"),),
        title="Payment of Rs {amount} received",
        body="Your {mode} payment of Rs {amount} was recorded. Its allocation to invoices is in RNRL TradeHub.",
        link=("payment", "paymentId"),
        email_subject="Payment of Rs {amount} received",
        email_text="Hello {userName},\n\nYour {mode} payment of Rs {amount} has been recorded. Please see how it "
                   "was allocated to your invoices in RNRL TradeHub." + _SIGN_OFF,
        sample={"paymentId": "pay1", "buyerPartnerId": "p1", "orgId": "o1", "amount": "40000.05", "mode": "NEFT"},
    ),
    EventSpec(
        DisputeRaised, "contract", WARNING,
        (PartnerUsersRule("buyerPartnerId"), PartnerUsersRule("sellerPartnerId"),
         OrgPermissionRule("disputes:manage", channels=frozenset({IN_APP}))),
        title="Dispute {disputeNumber} raised on contract {contractRef}",
        body="A {disputeType} dispute ({disputeNumber}) was raised on contract {contractRef}. The contract shows "
             "DISPUTED until it is settled.",
        link=("dispute", "disputeId"),
        email_subject="Dispute {disputeNumber} raised on contract {contractRef}",
        email_text="Hello {userName},\n\nA {disputeType} dispute ({disputeNumber}) was raised on sales contract "
                   "{contractRef}. You can follow it, comment and add evidence in RNRL TradeHub." + _SIGN_OFF,
        sample={"disputeId": "d1", "contractId": "c1", "buyerPartnerId": "p1", "sellerPartnerId": "p2",
                "disputeType": "QUALITY", "orgId": "o1", "disputeNumber": "DSP/25-26/00001",
                "contractNumber": "SC/25-26/00042"},
    ),
    EventSpec(
        DisputeUpdated, "contract", INFO,
        (PartnerUsersRule("buyerPartnerId"), PartnerUsersRule("sellerPartnerId")),
        title="Dispute {disputeNumber} updated",
        body="Dispute {disputeNumber} on contract {contractRef} was updated ({change}); it is now {status}.",
        link=("dispute", "disputeId"),
        email_subject="Dispute {disputeNumber} updated",
        email_text="Hello {userName},\n\nDispute {disputeNumber} on sales contract {contractRef} was updated "
                   "({change}); it is now {status}. The details are in RNRL TradeHub." + _SIGN_OFF,
        sample={"disputeId": "d1", "contractId": "c1", "buyerPartnerId": "p1", "sellerPartnerId": "p2",
                "status": "UNDER_REVIEW", "change": "ASSIGNED", "orgId": "o1", "disputeNumber": "DSP/25-26/00001",
                "contractNumber": "SC/25-26/00042"},
    ),
    EventSpec(
        DisputeResolved, "contract", INFO,
        (PartnerUsersRule("buyerPartnerId"), PartnerUsersRule("sellerPartnerId")),
        title="Dispute {disputeNumber} resolved",
        body="Dispute {disputeNumber} on contract {contractRef} was resolved. {noteText}",
        link=("dispute", "disputeId"),
        email_subject="Dispute {disputeNumber} resolved",
        email_text="Hello {userName},\n\nDispute {disputeNumber} on sales contract {contractRef} was resolved. "
                   "{noteText} The resolution is in RNRL TradeHub." + _SIGN_OFF,
        sample={"disputeId": "d1", "contractId": "c1", "buyerPartnerId": "p1", "sellerPartnerId": "p2",
                "orgId": "o1", "disputeNumber": "DSP/25-26/00001", "contractNumber": "SC/25-26/00042",
                "noteId": "n1", "noteNumber": "CN/2526/00001", "noteKind": "CREDIT"},
    ),
    EventSpec(
        tradedesk.TradePosted, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="A trade request matches your stock",
        body="Trade request {tradeRef} was posted and matches your lots or availability. Make an offer.",
        link=("trade", "tradeId"),
        email_subject="Trade request {tradeRef} matches your stock",
        email_text="Hello {userName},\n\nTrade request {tradeRef} was posted on the trade desk and matches your "
                   "tested lots or availability. Open it to make an offer." + _SIGN_OFF,
        sample={"tradeId": "t1", "recipientPartnerId": "p2", "tradeNumber": "TR-25-26-000123"},
    ),
    EventSpec(
        tradedesk.OfferCountered, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="Counter-offer on {tradeRef}",
        body="Offer {offerRef} on trade request {tradeRef} was countered. It is your turn to answer.",
        link=("offer", "offerId"),
        email_subject="Counter-offer on {tradeRef}",
        email_text="Hello {userName},\n\nOffer {offerRef} on trade request {tradeRef} was countered. It is your "
                   "turn to accept, counter or reject it." + _SIGN_OFF,
        sample={"offerId": "of1", "tradeId": "t1", "recipientPartnerId": "p1"},
    ),
    EventSpec(
        tradedesk.OfferRejected, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="Offer {offerRef} rejected",
        body="Your offer {offerRef} on trade request {tradeRef} was rejected.",
        link=("offer", "offerId"),
        email_subject="Your offer {offerRef} was rejected",
        email_text="Hello {userName},\n\nYour offer {offerRef} on trade request {tradeRef} was rejected."
                   + _SIGN_OFF,
        sample={"offerId": "of1", "tradeId": "t1", "recipientPartnerId": "p2"},
    ),
    EventSpec(
        tradedesk.OfferExpiring, "trade", WARNING, (PartnerUsersRule("recipientPartnerId"),),
        title="Offer {offerRef} expires within the hour",
        body="Offer {offerRef} on trade request {tradeRef} lapses within an hour unless it is answered.",
        link=("offer", "offerId"),
        email_subject="Offer {offerRef} expires within the hour",
        email_text="Hello {userName},\n\nOffer {offerRef} on trade request {tradeRef} lapses within an hour "
                   "unless you answer it." + _SIGN_OFF,
        sample={"offerId": "of1", "tradeId": "t1", "recipientPartnerId": "p1"},
    ),
    EventSpec(
        # Told to the request's owner; the maker stays anonymous ("the party that made it").
        tradedesk.OfferWithdrawn, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="Offer {offerRef} withdrawn",
        body="Offer {offerRef} on your trade request {tradeRef} was withdrawn by the party that made it.",
        link=("offer", "offerId"),
        email_subject="Offer {offerRef} on {tradeRef} was withdrawn",
        email_text="Hello {userName},\n\nOffer {offerRef} on your trade request {tradeRef} was withdrawn by the "
                   "party that made it. It can no longer be countered or accepted." + _SIGN_OFF,
        sample={"offerId": "of1", "tradeId": "t1", "recipientPartnerId": "p1", "tradeNumber": "TR-25-26-000123"},
    ),
    EventSpec(
        # Told to the party that was waiting for an answer (VALIDITY_ENDED) or to the maker when the request
        # itself expired (REQUEST_EXPIRED): the producer names it; {expiryText} follows the reason.
        tradedesk.OfferExpired, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="Offer {offerRef} expired",
        body="Offer {offerRef} on trade request {tradeRef} expired: {expiryText}.",
        link=("offer", "offerId"),
        email_subject="Offer {offerRef} on {tradeRef} expired",
        email_text="Hello {userName},\n\nOffer {offerRef} on trade request {tradeRef} expired: {expiryText}. "
                   "It can no longer be countered or accepted." + _SIGN_OFF,
        sample={"offerId": "of1", "tradeId": "t1", "recipientPartnerId": "p2", "tradeNumber": "TR-25-26-000123",
                "reason": "VALIDITY_ENDED"},
    ),
    EventSpec(
        # One event per live offer the cancellation closed, told to its maker (an event without a
        # recipient, when no offer was live, tells no one); the owner stays anonymous ("its owner").
        tradedesk.TradeCancelled, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="Trade request {tradeRef} cancelled",
        body="Trade request {tradeRef} was cancelled by its owner, so your offer {offerRef} on it is closed.",
        link=("offer", "offerId"),
        email_subject="Trade request {tradeRef} cancelled",
        email_text="Hello {userName},\n\nTrade request {tradeRef} was cancelled by its owner, so your offer "
                   "{offerRef} on it is closed and can no longer be accepted." + _SIGN_OFF,
        sample={"tradeId": "t1", "tradeNumber": "TR-25-26-000123", "recipientPartnerId": "p2", "offerId": "of1"},
    ),
    EventSpec(
        tradedesk.TradeExpired, "trade", INFO, (PartnerUsersRule("recipientPartnerId"),),
        title="Trade request {tradeRef} expired",
        body="Your trade request {tradeRef} reached the end of its validity and expired.",
        link=("trade", "tradeId"),
        email_subject="Trade request {tradeRef} expired",
        email_text="Hello {userName},\n\nYour trade request {tradeRef} reached the end of its validity and "
                   "expired. Post a new one if you still need it." + _SIGN_OFF,
        sample={"tradeId": "t1", "recipientPartnerId": "p1", "tradeNumber": "TR-25-26-000123"},
    ),
)

CATALOG: dict[str, EventSpec] = {spec.event_type: spec for spec in SPECS}      # by type name (the wire)
BY_EVENT: dict[type[DomainEventModel], EventSpec] = {spec.event: spec for spec in SPECS}
