"""Request and response shapes of the masters API (camelCase on the wire, unknown input fields refused).

Input models check types and plain bounds; the domain rules (GSTIN check digit, PAN match, ranges that
depend on other fields) are checked by the services so each failure names its field and rule.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PlainSerializer

from shared.models import ApiModel, PageQuery

# Decimals travel as JSON numbers (rates and ratios, never floats in arithmetic on our side).
Number = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9_\-]*$")]
Label = Annotated[str, Field(min_length=1, max_length=120)]
ShortText = Annotated[str, Field(max_length=200)]
Alias = Annotated[str, Field(min_length=1, max_length=80)]
ReminderDay = Annotated[int, Field(ge=1, le=365)]

Unit = Literal["BALE", "CANDY", "QUINTAL", "KG", "TONNE", "MAUND", "MAN"]
Direction = Literal["HIGHER_BETTER", "LOWER_BETTER", "TARGET_RANGE"]
CommissionBasis = Literal["PERCENTAGE", "PER_BALE"]


class OutModel(ApiModel):
    """Response shapes: built from stored documents, whose bookkeeping fields are dropped."""

    model_config = ConfigDict(extra="ignore")


class AsOfQuery(ApiModel):
    as_of: date | None = None


# --- organizations ---------------------------------------------------------------------------------

class GstinIn(ApiModel):
    gstin: Annotated[str, Field(max_length=20)]
    label: ShortText | None = None
    primary: bool = False


class AddressIn(ApiModel):
    line1: Annotated[str, Field(min_length=1, max_length=200)]
    line2: ShortText | None = None
    city: Annotated[str, Field(min_length=1, max_length=100)]
    district: ShortText | None = None
    state: Annotated[str, Field(min_length=1, max_length=100)]
    pincode: Annotated[str, Field(max_length=10)]
    country: Literal["IN"] = "IN"


class BankAccountIn(ApiModel):
    account_name: Annotated[str, Field(min_length=1, max_length=200)]
    account_number: Annotated[str, Field(max_length=30)]
    ifsc: Annotated[str, Field(max_length=20)]
    bank_name: ShortText | None = None
    branch: ShortText | None = None
    primary: bool = False


class OrganizationIn(ApiModel):
    legal_name: Annotated[str, Field(min_length=2, max_length=200)]
    trade_name: ShortText | None = None
    pan: Annotated[str, Field(max_length=20)]
    gstins: Annotated[list[GstinIn], Field(max_length=40)] = Field(default_factory=list)
    tan: Annotated[str, Field(max_length=20)] | None = None
    cin: Annotated[str, Field(max_length=30)] | None = None
    address: AddressIn
    bank_accounts: Annotated[list[BankAccountIn], Field(max_length=10)] = Field(default_factory=list)
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=20)] | None = None


class OrganizationPatch(ApiModel):
    legal_name: Annotated[str, Field(min_length=2, max_length=200)] | None = None
    trade_name: ShortText | None = None
    pan: Annotated[str, Field(max_length=20)] | None = None
    gstins: Annotated[list[GstinIn], Field(max_length=40)] | None = None
    tan: Annotated[str, Field(max_length=20)] | None = None
    cin: Annotated[str, Field(max_length=30)] | None = None
    address: AddressIn | None = None
    bank_accounts: Annotated[list[BankAccountIn], Field(max_length=10)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=20)] | None = None


class LogoUploadIn(ApiModel):
    content_type: Literal["image/png", "image/jpeg"]
    size_bytes: Annotated[int, Field(ge=1, le=1024 * 1024)]


class LogoIn(ApiModel):
    object_name: Annotated[str, Field(min_length=1, max_length=300)]


class GstinOut(OutModel):
    gstin: str
    state_code: str
    state: str
    label: str | None = None
    primary: bool = False


class AddressOut(OutModel):
    line1: str
    line2: str | None = None
    city: str
    district: str | None = None
    state: str
    state_code: str
    pincode: str
    country: str = "IN"


class BankAccountOut(OutModel):
    account_name: str
    account_number: str
    ifsc: str
    bank_name: str | None = None
    branch: str | None = None
    primary: bool = False


class LogoOut(OutModel):
    object_name: str
    content_type: str | None = None
    size_bytes: int | None = None


class OrganizationOut(OutModel):
    id: str
    legal_name: str
    trade_name: str | None = None
    pan: str
    gstins: list[GstinOut] = Field(default_factory=list)
    tan: str | None = None
    cin: str | None = None
    address: AddressOut
    bank_accounts: list[BankAccountOut] = Field(default_factory=list)
    email: str | None = None
    phone: str | None = None
    logo: LogoOut | None = None
    version: int
    effective_from: str | None = None
    effective_to: str | None = None
    created_at: Any = None
    updated_at: Any = None


class OrganizationListQuery(PageQuery):
    pass


# --- financial years ------------------------------------------------------------------------------

class FinancialYearIn(ApiModel):
    organization_id: Annotated[str, Field(min_length=1, max_length=128)]
    code: Annotated[str, Field(max_length=10)] | None = None
    start_date: date | None = None
    end_date: date | None = None
    activate: bool = False


class FinancialYearListQuery(PageQuery):
    organization_id: Annotated[str, Field(min_length=1, max_length=128)]
    status: Literal["OPEN", "CLOSED"] | None = None


class ActiveFinancialYearQuery(ApiModel):
    organization_id: Annotated[str, Field(min_length=1, max_length=128)]


class ReopenIn(ApiModel):
    reason: Annotated[str, Field(min_length=5, max_length=1000)]


class Blocker(OutModel):
    code: str
    message: str
    count: int = 0
    collection: str | None = None


class CarryForwardOut(OutModel):
    from_financial_year: str
    to_financial_year: str
    unpaid_invoices: int
    due_commissions: int
    open_disputes: int
    computed_at: Any = None


class FinancialYearOut(OutModel):
    id: str
    organization_id: str
    code: str
    start_date: str
    end_date: str
    status: Literal["OPEN", "CLOSED"]
    active: bool
    activated_at: Any = None
    closed_at: Any = None
    closed_by: str | None = None
    carry_forward: CarryForwardOut | None = None
    reopenings: list[dict[str, Any]] = Field(default_factory=list)
    version: int
    created_at: Any = None
    updated_at: Any = None


class ClosingSummaryOut(OutModel):
    financial_year: FinancialYearOut
    blockers: list[Blocker]
    carry_forward: CarryForwardOut


# --- commodities -----------------------------------------------------------------------------------

class QualityParameterIn(ApiModel):
    key: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][A-Za-z0-9]*$")]
    label: Label
    unit: Annotated[str, Field(max_length=20)] | None = None
    min: Number
    max: Number
    direction: Direction
    weight: Annotated[Decimal, Field(ge=0, le=10)]
    basis: Number | None = None
    target_min: Number | None = None
    target_max: Number | None = None
    typical_min: Number | None = None
    typical_max: Number | None = None
    decimals: Annotated[int, Field(ge=0, le=4)] = 1
    required: bool = False


class VarietyIn(ApiModel):
    code: Code
    name: Label
    aliases: Annotated[list[Alias], Field(max_length=30)] = Field(default_factory=list)
    staple_min_mm: Number | None = None
    staple_max_mm: Number | None = None
    regions: Annotated[list[Annotated[str, Field(max_length=60)]], Field(max_length=20)] = Field(default_factory=list)


class OptionIn(ApiModel):
    code: Code
    label: Label
    description: ShortText | None = None


class TermIn(ApiModel):
    code: Code
    label: Label
    days: Annotated[int, Field(ge=0, le=365)]
    description: ShortText | None = None


class CommodityIn(ApiModel):
    code: Code
    name: Label
    hsn_code: Annotated[str, Field(pattern=r"^\d{4}(\d{2}){0,2}$")]
    gst_rate: Annotated[Decimal, Field(ge=0, le=100)]
    brokerage_gst_rate: Annotated[Decimal, Field(ge=0, le=100)] | None = Field(
        None, description="GST % on brokerage for this commodity (18 for lint; kapas may be exempt); "
                          "none: the brokerage SAC's rate")
    default_unit: Unit
    units: Annotated[list[Unit], Field(min_length=1, max_length=7)]
    quality_parameters: Annotated[list[QualityParameterIn], Field(max_length=30)] = Field(default_factory=list)
    varieties: Annotated[list[VarietyIn], Field(max_length=300)] = Field(default_factory=list)
    trade_types: Annotated[list[OptionIn], Field(max_length=20)] = Field(default_factory=list)
    bargain_types: Annotated[list[OptionIn], Field(max_length=20)] = Field(default_factory=list)
    passing_terms: Annotated[list[TermIn], Field(max_length=30)] = Field(default_factory=list)
    weightment_terms: Annotated[list[TermIn], Field(max_length=30)] = Field(default_factory=list)
    delivery_terms: Annotated[list[TermIn], Field(max_length=30)] = Field(default_factory=list)
    payment_terms: Annotated[list[TermIn], Field(max_length=30)] = Field(default_factory=list)
    certificates: Annotated[list[OptionIn], Field(max_length=50)] = Field(default_factory=list)
    active: bool = True
    effective_from: date | None = None


class CommodityPatch(ApiModel):
    name: Label | None = None
    hsn_code: Annotated[str, Field(pattern=r"^\d{4}(\d{2}){0,2}$")] | None = None
    gst_rate: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    brokerage_gst_rate: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    default_unit: Unit | None = None
    units: Annotated[list[Unit], Field(min_length=1, max_length=7)] | None = None
    quality_parameters: Annotated[list[QualityParameterIn], Field(max_length=30)] | None = None
    varieties: Annotated[list[VarietyIn], Field(max_length=300)] | None = None
    trade_types: Annotated[list[OptionIn], Field(max_length=20)] | None = None
    bargain_types: Annotated[list[OptionIn], Field(max_length=20)] | None = None
    passing_terms: Annotated[list[TermIn], Field(max_length=30)] | None = None
    weightment_terms: Annotated[list[TermIn], Field(max_length=30)] | None = None
    delivery_terms: Annotated[list[TermIn], Field(max_length=30)] | None = None
    payment_terms: Annotated[list[TermIn], Field(max_length=30)] | None = None
    certificates: Annotated[list[OptionIn], Field(max_length=50)] | None = None
    active: bool | None = None
    effective_from: date | None = None


class QualityParameterOut(OutModel):
    key: str
    label: str
    unit: str | None = None
    min: Number
    max: Number
    direction: str
    weight: Number
    basis: Number | None = None
    target_min: Number | None = None
    target_max: Number | None = None
    typical_min: Number | None = None
    typical_max: Number | None = None
    decimals: int = 1
    required: bool = False


class VarietyOut(OutModel):
    code: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    staple_min_mm: Number | None = None
    staple_max_mm: Number | None = None
    regions: list[str] = Field(default_factory=list)


class OptionOut(OutModel):
    code: str
    label: str
    description: str | None = None


class TermOut(OptionOut):
    days: int


class CommodityTemplateOut(OutModel):
    commodity_id: str
    code: str
    name: str
    hsn_code: str
    gst_rate: Number
    brokerage_gst_rate: Number | None = None
    default_unit: str
    units: list[str]
    quality_parameters: list[QualityParameterOut]
    varieties: list[VarietyOut]
    trade_types: list[OptionOut]
    bargain_types: list[OptionOut]
    passing_terms: list[TermOut]
    weightment_terms: list[TermOut]
    delivery_terms: list[TermOut]
    payment_terms: list[TermOut]
    certificates: list[OptionOut]
    active: bool = True
    version: int
    effective_from: str | None = None


class CommodityOut(CommodityTemplateOut):
    id: str
    effective_to: str | None = None
    created_at: Any = None
    updated_at: Any = None


class CommoditySummaryOut(OutModel):
    id: str
    code: str
    name: str
    hsn_code: str
    gst_rate: Number
    default_unit: str
    active: bool = True
    version: int


# --- GST rates -------------------------------------------------------------------------------------

class GstRateIn(ApiModel):
    code_type: Literal["HSN", "SAC"]
    code: Annotated[str, Field(pattern=r"^\d{4,8}$")]
    description: Label
    rate: Annotated[Decimal, Field(ge=0, le=100)]
    effective_from: date | None = None


class GstRatePatch(ApiModel):
    description: Label | None = None
    rate: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    effective_from: date | None = None


class GstRateOut(OutModel):
    id: str
    code_type: str
    code: str
    description: str
    rate: Number
    version: int
    effective_from: str | None = None
    effective_to: str | None = None


class GstRateListQuery(PageQuery):
    code_type: Literal["HSN", "SAC"] | None = None


# --- locations --------------------------------------------------------------------------------------

class LocationQuery(PageQuery):
    q: Annotated[str, Field(max_length=60)] | None = None
    state: Annotated[str, Field(max_length=100)] | None = None
    region: Annotated[str, Field(max_length=100)] | None = None


class StationIn(ApiModel):
    name: Annotated[str, Field(min_length=2, max_length=80)]
    aliases: Annotated[list[Alias], Field(max_length=20)] = Field(default_factory=list)
    state: Annotated[str, Field(min_length=2, max_length=100)]
    region: Annotated[str, Field(min_length=2, max_length=100)]


class StationPatch(ApiModel):
    name: Annotated[str, Field(min_length=2, max_length=80)] | None = None
    aliases: Annotated[list[Alias], Field(max_length=20)] | None = None
    region: Annotated[str, Field(min_length=2, max_length=100)] | None = None


class StationOut(OutModel):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    state: str
    state_code: str
    region: str
    matched_alias: str | None = None
    version: int | None = None


class StateOut(OutModel):
    code: str
    name: str
    aliases: list[str] = Field(default_factory=list)


class RegionOut(OutModel):
    id: str
    name: str
    state: str
    state_code: str


class RegionQuery(ApiModel):
    state: Annotated[str, Field(max_length=100)] | None = None


# --- commission structures -------------------------------------------------------------------------

class CommissionSideIn(ApiModel):
    basis: CommissionBasis
    value: Annotated[Decimal, Field(ge=0, le=1_000_000)]


class CommissionStructureIn(ApiModel):
    code: Code
    name: Label
    description: ShortText | None = None
    commodity_code: Code | None = None
    buyer_side: CommissionSideIn
    seller_side: CommissionSideIn
    sac_code: Annotated[str, Field(pattern=r"^99\d{4}$")] = "996111"
    is_default: bool = False
    effective_from: date | None = None


class CommissionStructurePatch(ApiModel):
    name: Label | None = None
    description: ShortText | None = None
    commodity_code: Code | None = None
    buyer_side: CommissionSideIn | None = None
    seller_side: CommissionSideIn | None = None
    sac_code: Annotated[str, Field(pattern=r"^99\d{4}$")] | None = None
    is_default: bool | None = None
    effective_from: date | None = None


class CommissionSideOut(OutModel):
    basis: str
    value: Number


class CommissionStructureOut(OutModel):
    id: str
    code: str
    name: str
    description: str | None = None
    commodity_code: str | None = None
    buyer_side: CommissionSideOut
    seller_side: CommissionSideOut
    sac_code: str
    is_default: bool = False
    version: int
    effective_from: str | None = None
    effective_to: str | None = None


# --- CCI terms --------------------------------------------------------------------------------------

class LateLiftingTier(ApiModel):
    from_day: Annotated[int, Field(ge=1, le=3650)]
    to_day: Annotated[int, Field(ge=1, le=3650)] | None = None
    charge_percent_per_month: Annotated[Decimal, Field(ge=0, le=100)]


class MoistureBand(ApiModel):
    basis_percent: Annotated[Decimal, Field(ge=0, le=100)]
    max_accepted_percent: Annotated[Decimal, Field(ge=0, le=100)]
    discount_ratio: Annotated[Decimal, Field(ge=0, le=10)] = Decimal(1)


class CciTermsIn(ApiModel):
    name: Label = "CCI sales terms"
    season: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]
    candy_kg: Annotated[Decimal, Field(gt=0, le=1000)]
    emd_percent_by_buyer_type: dict[Annotated[str, Field(pattern=r"^[A-Z_]{2,30}$")],
                                    Annotated[Decimal, Field(ge=0, le=100)]]
    carrying_charge_per_candy_per_month: Annotated[Decimal, Field(ge=0, le=100_000)]
    free_lifting_days: Annotated[int, Field(ge=0, le=365)]
    late_lifting_tiers: Annotated[list[LateLiftingTier], Field(max_length=10)] = Field(default_factory=list)
    moisture_band: MoistureBand
    notes: Annotated[str, Field(max_length=2000)] | None = None
    effective_from: date | None = None


class LateLiftingTierOut(OutModel):
    from_day: int
    to_day: int | None = None
    charge_percent_per_month: Number


class MoistureBandOut(OutModel):
    basis_percent: Number
    max_accepted_percent: Number
    discount_ratio: Number


class CciTermsOut(OutModel):
    id: str
    name: str
    season: str
    candy_kg: Number
    emd_percent_by_buyer_type: dict[str, Number]
    carrying_charge_per_candy_per_month: Number
    free_lifting_days: int
    late_lifting_tiers: list[LateLiftingTierOut] = Field(default_factory=list)
    moisture_band: MoistureBandOut
    notes: str | None = None
    version: int
    effective_from: str | None = None
    effective_to: str | None = None


# --- organization settings --------------------------------------------------------------------------

class PasswordPolicy(ApiModel):
    min_length: Annotated[int, Field(ge=8, le=128)] = 8
    max_length: Annotated[int, Field(ge=8, le=256)] = 128
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_digit: bool = True
    require_special: bool = True
    history_count: Annotated[int, Field(ge=0, le=24)] = 5
    expiry_days: Annotated[int, Field(ge=0, le=3650)] = 90      # 0: never expires
    expiry_reminder_days: Annotated[list[ReminderDay], Field(max_length=10)] = Field(
        default_factory=lambda: [14, 7, 1])
    nist_mode: bool = False
    nist_min_length: Annotated[int, Field(ge=8, le=128)] = 15
    blocklist: bool = True


class LockoutPolicy(ApiModel):
    max_failed_attempts: Annotated[int, Field(ge=1, le=100)] = 5
    lock_minutes: Annotated[int, Field(ge=1, le=1440)] = 30


class SessionPolicy(ApiModel):
    idle_minutes: Annotated[int, Field(ge=5, le=1440)] = 30
    absolute_hours: Annotated[int, Field(ge=1, le=72)] = 12


class OrgSettingsValues(ApiModel):
    """Every per-organization setting, with its type and default (the registry)."""

    password_policy: PasswordPolicy = PasswordPolicy()
    sub_user_limit: Annotated[int, Field(ge=0, le=50)] = 2
    lockout_policy: LockoutPolicy = LockoutPolicy()
    session_policy: SessionPolicy = SessionPolicy()
    invite_expiry_days: Annotated[int, Field(ge=1, le=90)] = 7
    trade_validity_days: Annotated[int, Field(ge=1, le=90)] = 7
    delivery_tolerance_percent: Annotated[Decimal, Field(ge=0, le=50)] = Decimal(5)


class PasswordPolicyPatch(ApiModel):
    min_length: Annotated[int, Field(ge=8, le=128)] | None = None
    max_length: Annotated[int, Field(ge=8, le=256)] | None = None
    require_uppercase: bool | None = None
    require_lowercase: bool | None = None
    require_digit: bool | None = None
    require_special: bool | None = None
    history_count: Annotated[int, Field(ge=0, le=24)] | None = None
    expiry_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    expiry_reminder_days: Annotated[list[ReminderDay], Field(max_length=10)] | None = None
    nist_mode: bool | None = None
    nist_min_length: Annotated[int, Field(ge=8, le=128)] | None = None
    blocklist: bool | None = None


class LockoutPolicyPatch(ApiModel):
    max_failed_attempts: Annotated[int, Field(ge=1, le=100)] | None = None
    lock_minutes: Annotated[int, Field(ge=1, le=1440)] | None = None


class SessionPolicyPatch(ApiModel):
    idle_minutes: Annotated[int, Field(ge=5, le=1440)] | None = None
    absolute_hours: Annotated[int, Field(ge=1, le=72)] | None = None


class OrgSettingsPatch(ApiModel):
    password_policy: PasswordPolicyPatch | None = None
    sub_user_limit: Annotated[int, Field(ge=0, le=50)] | None = None
    lockout_policy: LockoutPolicyPatch | None = None
    session_policy: SessionPolicyPatch | None = None
    invite_expiry_days: Annotated[int, Field(ge=1, le=90)] | None = None
    trade_validity_days: Annotated[int, Field(ge=1, le=90)] | None = None
    delivery_tolerance_percent: Annotated[Decimal, Field(ge=0, le=50)] | None = None


class OrgSettingsOut(OutModel):
    organization_id: str | None           # None for the global (partner users') settings
    password_policy: PasswordPolicy
    sub_user_limit: int
    lockout_policy: LockoutPolicy
    session_policy: SessionPolicy
    invite_expiry_days: int
    trade_validity_days: int
    delivery_tolerance_percent: Number
    version: int
    effective_from: str | None = None
    updated_at: Any = None


class SettingKeyOut(OutModel):
    key: str
    type: str
    default: Any
    description: str | None = None
