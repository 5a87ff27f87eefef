"""HTTP routes of the `masters` function: mapping only, rules live in the service modules.

Reads of masters need `masters:read` (every signed-in user), organizations `organizations:read`;
writes need `masters:write`, `organizations:write` or `financial-years:manage`.
"""
from __future__ import annotations

from typing import Any

from functions.masters import (
    cci_terms,
    commissions,
    commodities,
    financial_years,
    gst_rates,
    locations,
    org_settings,
    organizations,
    store,
)
from functions.masters.access import require_organization_access
from functions.masters.models import (
    ActiveFinancialYearQuery,
    AsOfQuery,
    CciTermsIn,
    CciTermsOut,
    ClosingSummaryOut,
    CommissionStructureIn,
    CommissionStructureOut,
    CommissionStructurePatch,
    CommodityIn,
    CommodityOut,
    CommodityPatch,
    CommoditySummaryOut,
    CommodityTemplateOut,
    FinancialYearIn,
    FinancialYearListQuery,
    FinancialYearOut,
    GstRateIn,
    GstRateListQuery,
    GstRateOut,
    GstRatePatch,
    LocationQuery,
    LogoIn,
    LogoUploadIn,
    OrganizationIn,
    OrganizationListQuery,
    OrganizationOut,
    OrganizationPatch,
    OrgSettingsOut,
    OrgSettingsPatch,
    RegionOut,
    RegionQuery,
    ReopenIn,
    SettingKeyOut,
    StateOut,
    StationIn,
    StationOut,
    StationPatch,
)
from shared.http import ApiRequest, ApiResponse, Router
from shared.http.etag import etag
from shared.models import Page, PageQuery

router = Router("masters")

READ, WRITE = "masters:read", "masters:write"
ORG_READ, ORG_WRITE = "organizations:read", "organizations:write"
FY_MANAGE = "financial-years:manage"


def _tagged(body: Any, version: int, status: int = 200) -> ApiResponse:
    return ApiResponse(body, status, {"ETag": etag(version)})


def _page(model: Any, items: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    return {"items": [model.model_validate(item) for item in items], "nextPageToken": token}


def _patch(body: Any) -> dict[str, Any]:
    return body.model_dump(by_alias=True, exclude_unset=True, exclude={"effective_from"})


def _full(body: Any) -> dict[str, Any]:
    return body.model_dump(by_alias=True, exclude={"effective_from"})


# --- organizations ------------------------------------------------------------------------------------

@router.post("/api/organizations", permission=ORG_WRITE, body=OrganizationIn, response=OrganizationOut, status=201,
             idempotent=True, tags=("organizations",))
def create_organization(req: ApiRequest):
    """Create an organization (PAN, GSTINs, address, bank accounts validated); the caller becomes a member."""
    doc = organizations.create(_full(req.body), req.actor, creator=req.user)
    return _tagged(OrganizationOut.model_validate(doc), doc["version"], 201)


@router.get("/api/organizations", permission=ORG_READ, query=OrganizationListQuery, response=Page,
            tags=("organizations",))
def list_organizations(req: ApiRequest):
    """The organizations the caller belongs to, by legal name."""
    items, token = organizations.list_for(req.user, req.query.page_size, req.query.page_token)
    return _page(OrganizationOut, items, token)


@router.get("/api/organizations/{orgId}", permission=ORG_READ, query=AsOfQuery, response=OrganizationOut,
            tags=("organizations",))
def get_organization(req: ApiRequest, orgId: str):
    """An organization as it is today, or as it was on `asOf`."""
    doc, version = organizations.get(req.user, orgId, req.query.as_of)
    return _tagged(OrganizationOut.model_validate(doc), version)


@router.patch("/api/organizations/{orgId}", permission=ORG_WRITE, body=OrganizationPatch, response=OrganizationOut,
              tags=("organizations",))
def update_organization(req: ApiRequest, orgId: str):
    """Change an organization (a new version; honours If-Match)."""
    require_organization_access(req.user, orgId)
    doc = organizations.update(orgId, _patch(req.body), req.actor, req.if_match)
    return _tagged(OrganizationOut.model_validate(doc), doc["version"])


@router.delete("/api/organizations/{orgId}", permission=ORG_WRITE, status=204, tags=("organizations",),
               errors={409: ("ORGANIZATION_IN_USE",)})
def delete_organization(req: ApiRequest, orgId: str):
    """Soft-delete one of the caller's organizations (honours If-Match).

    409 ORGANIZATION_IN_USE while anything uses it; `details` counts what: `users` still members,
    `contracts`, `tradeRequests`, and `activeFinancialYears` (codes).
    """
    require_organization_access(req.user, orgId)
    organizations.delete(orgId, req.actor, req.if_match)


@router.post("/api/organizations/{orgId}/restore", permission=ORG_WRITE, response=OrganizationOut,
             tags=("organizations",), errors={409: ("ORGANIZATION_NOT_DELETED", "ORGANIZATION_PAN_EXISTS")})
def restore_organization(req: ApiRequest, orgId: str):
    """Restore a deleted organization (a new version in force from today; its settings answer again).

    409 ORGANIZATION_NOT_DELETED when it is not deleted, ORGANIZATION_PAN_EXISTS when another
    organization has taken its PAN meanwhile.
    """
    require_organization_access(req.user, orgId)
    doc = organizations.restore(orgId, req.actor)
    return _tagged(OrganizationOut.model_validate(doc), doc["version"])


@router.get("/api/organizations/{orgId}/versions", permission=ORG_READ, query=PageQuery, response=Page,
            tags=("organizations",))
def organization_versions(req: ApiRequest, orgId: str):
    """Every version of an organization, newest first."""
    organizations.get(req.user, orgId)
    items, token = store.versions_page(organizations.KIND, orgId, req.query.page_size, req.query.page_token)
    return _page(OrganizationOut, items, token)


@router.post("/api/organizations/{orgId}/logo/upload-url", permission=ORG_WRITE, body=LogoUploadIn,
             tags=("organizations",))
def logo_upload_url(req: ApiRequest, orgId: str):
    """A signed URL to upload the logo (PNG or JPEG, at most 1 MiB) straight to Storage."""
    return organizations.logo_upload_url(req.user, orgId, req.body.content_type, req.body.size_bytes)


@router.put("/api/organizations/{orgId}/logo", permission=ORG_WRITE, body=LogoIn, response=OrganizationOut,
            tags=("organizations",))
def set_logo(req: ApiRequest, orgId: str):
    """Attach an uploaded logo (its bytes are checked) to the organization."""
    doc = organizations.set_logo(req.user, orgId, req.body.object_name, req.actor, req.if_match)
    return _tagged(OrganizationOut.model_validate(doc), doc["version"])


@router.get("/api/organizations/{orgId}/logo", permission=ORG_READ, tags=("organizations",))
def get_logo(req: ApiRequest, orgId: str):
    """A short-lived signed URL to download the logo."""
    return organizations.logo_download_url(req.user, orgId)


@router.get("/api/organizations/{orgId}/settings", permission=READ, response=OrgSettingsOut, tags=("settings",))
def get_settings(req: ApiRequest, orgId: str):
    """The organization's settings (typed key-values with defaults)."""
    doc = org_settings.get(req.user, orgId)
    return _tagged(OrgSettingsOut.model_validate({**doc, "organizationId": orgId}), int(doc.get("version") or 0))


@router.patch("/api/organizations/{orgId}/settings", permission=WRITE, body=OrgSettingsPatch, response=OrgSettingsOut,
              tags=("settings",))
def patch_settings(req: ApiRequest, orgId: str):
    """Change some settings (a new version; honours If-Match)."""
    doc = org_settings.patch(req.user, orgId, req.body.model_dump(by_alias=True, exclude_unset=True), req.actor,
                             req.if_match)
    return _tagged(OrgSettingsOut.model_validate({**doc, "organizationId": orgId}), doc["version"])


@router.get("/api/settings/global", permission=READ, response=OrgSettingsOut, tags=("settings",))
def get_global_settings(req: ApiRequest):
    """The settings that apply to partner users (who belong to no organization)."""
    doc = org_settings.get_global()
    return _tagged(OrgSettingsOut.model_validate({**doc, "organizationId": None}), int(doc.get("version") or 0))


@router.patch("/api/settings/global", permission=WRITE, body=OrgSettingsPatch, response=OrgSettingsOut,
              tags=("settings",))
def patch_global_settings(req: ApiRequest):
    """Change the partner users' settings (a new version; honours If-Match)."""
    doc = org_settings.patch_global(req.body.model_dump(by_alias=True, exclude_unset=True), req.actor, req.if_match)
    return _tagged(OrgSettingsOut.model_validate({**doc, "organizationId": None}), doc["version"])


# --- settings: keys, locations, GST rates, commission structures, CCI terms -----------------------------

@router.get("/api/settings/keys", permission=READ, response=Page, tags=("settings",))
def setting_keys(req: ApiRequest):
    """Every per-organization setting with its type and default."""
    return {"items": [SettingKeyOut.model_validate(item) for item in org_settings.registry()], "nextPageToken": None}


@router.get("/api/settings/locations", permission=READ, query=LocationQuery, response=Page, tags=("locations",))
def search_locations(req: ApiRequest):
    """Stations by name or alias prefix (`q=raj`), optionally in a state or region, cursor-paged."""
    query = req.query
    items, token = locations.search(query.q, query.state, query.region, query.page_size, query.page_token)
    return _page(StationOut, items, token)


@router.get("/api/settings/locations/{stationId}", permission=READ, query=AsOfQuery, response=StationOut,
            tags=("locations",))
def get_location(req: ApiRequest, stationId: str):
    """One station."""
    return StationOut.model_validate(locations.get_station(stationId, req.query.as_of))


@router.post("/api/settings/locations", permission=WRITE, body=StationIn, response=StationOut, status=201,
             idempotent=True, tags=("locations",))
def create_location(req: ApiRequest):
    """Add a station (its region is created with it when new)."""
    body = req.body
    doc = locations.create_station(body.name, body.aliases, body.state, body.region, req.actor)
    return _tagged(StationOut.model_validate(locations.public_station(doc)), doc["version"], 201)


@router.patch("/api/settings/locations/{stationId}", permission=WRITE, body=StationPatch, response=StationOut,
              tags=("locations",))
def update_location(req: ApiRequest, stationId: str):
    """Rename a station or change its aliases or region."""
    doc = locations.update_station(stationId, _patch(req.body), req.actor, req.if_match)
    return _tagged(StationOut.model_validate(locations.public_station(doc)), doc["version"])


@router.delete("/api/settings/locations/{stationId}", permission=WRITE, status=204, tags=("locations",))
def delete_location(req: ApiRequest, stationId: str):
    """Soft-delete a station."""
    locations.delete_station(stationId, req.actor, req.if_match)


@router.get("/api/settings/states", permission=READ, response=Page, tags=("locations",))
def list_states(req: ApiRequest):
    """States and union territories with their GST state codes."""
    return {"items": [StateOut.model_validate(item) for item in locations.states()], "nextPageToken": None}


@router.get("/api/settings/regions", permission=READ, query=RegionQuery, response=Page,
            tags=("locations",))
def list_regions(req: ApiRequest):
    """Cotton regions, optionally of one state."""
    items = [RegionOut.model_validate(item) for item in locations.regions(req.query.state)]
    return {"items": items, "nextPageToken": None}


@router.get("/api/settings/gst-rates", permission=READ, query=GstRateListQuery, response=Page, tags=("gst",))
def list_gst_rates(req: ApiRequest):
    """GST rates by code, cursor-paged."""
    items, token = gst_rates.list_page(req.query.code_type, req.query.page_size, req.query.page_token)
    return _page(GstRateOut, items, token)


@router.get("/api/settings/gst-rates/{rateId}", permission=READ, query=AsOfQuery, response=GstRateOut, tags=("gst",))
def get_gst_rate(req: ApiRequest, rateId: str):
    """One GST rate (`HSN-5201`, `SAC-996111`) in force today or on `asOf`."""
    doc, version = store.read(gst_rates.KIND, rateId, req.query.as_of)
    return _tagged(GstRateOut.model_validate(doc), version)


@router.post("/api/settings/gst-rates", permission=WRITE, body=GstRateIn, response=GstRateOut, status=201,
             idempotent=True, tags=("gst",))
def create_gst_rate(req: ApiRequest):
    """Add the GST rate of an HSN or SAC code."""
    body = req.body
    doc = gst_rates.create(body.code_type, body.code, body.description, body.rate, req.actor, body.effective_from)
    return _tagged(GstRateOut.model_validate(doc), doc["version"], 201)


@router.patch("/api/settings/gst-rates/{rateId}", permission=WRITE, body=GstRatePatch, response=GstRateOut,
              tags=("gst",))
def update_gst_rate(req: ApiRequest, rateId: str):
    """Change a rate from a date on (today by default; earlier versions stay)."""
    changes = {k: v for k, v in _patch(req.body).items() if v is not None}
    doc = gst_rates.update(rateId, changes, req.actor, req.if_match, req.body.effective_from)
    return _tagged(GstRateOut.model_validate(doc), doc["version"])


@router.delete("/api/settings/gst-rates/{rateId}", permission=WRITE, status=204, tags=("gst",))
def delete_gst_rate(req: ApiRequest, rateId: str):
    """Soft-delete a GST rate."""
    gst_rates.delete(rateId, req.actor, req.if_match)


@router.get("/api/settings/commission-structures", permission=READ, query=PageQuery, response=Page,
            tags=("commissions",))
def list_commission_structures(req: ApiRequest):
    """Commission structures by name, cursor-paged."""
    items, token = commissions.list_page(req.query.page_size, req.query.page_token)
    return _page(CommissionStructureOut, [commissions.public(item) for item in items], token)


@router.get("/api/settings/commission-structures/{structureId}", permission=READ, query=AsOfQuery,
            response=CommissionStructureOut, tags=("commissions",))
def get_commission_structure(req: ApiRequest, structureId: str):
    """A commission structure in force today or on `asOf`."""
    doc, version = store.read(commissions.KIND, structureId, req.query.as_of)
    return _tagged(CommissionStructureOut.model_validate(commissions.public(doc)), version)


@router.get("/api/settings/commission-structures/{structureId}/versions", permission=READ, query=PageQuery,
            response=Page, tags=("commissions",))
def commission_structure_versions(req: ApiRequest, structureId: str):
    """Every version of a commission structure, newest first."""
    store.read(commissions.KIND, structureId)
    items, token = store.versions_page(commissions.KIND, structureId, req.query.page_size, req.query.page_token)
    return _page(CommissionStructureOut, [commissions.public(item) for item in items], token)


@router.post("/api/settings/commission-structures", permission=WRITE, body=CommissionStructureIn,
             response=CommissionStructureOut, status=201, idempotent=True, tags=("commissions",))
def create_commission_structure(req: ApiRequest):
    """Add a commission structure."""
    doc = commissions.create(_full(req.body), req.actor, req.body.effective_from)
    return _tagged(CommissionStructureOut.model_validate(commissions.public(doc)), doc["version"], 201)


@router.patch("/api/settings/commission-structures/{structureId}", permission=WRITE, body=CommissionStructurePatch,
              response=CommissionStructureOut, tags=("commissions",))
def update_commission_structure(req: ApiRequest, structureId: str):
    """Change a commission structure from a date on (earlier versions stay as they were)."""
    doc = commissions.update(structureId, _patch(req.body), req.actor, req.if_match, req.body.effective_from)
    return _tagged(CommissionStructureOut.model_validate(commissions.public(doc)), doc["version"])


@router.delete("/api/settings/commission-structures/{structureId}", permission=WRITE, status=204,
               tags=("commissions",))
def delete_commission_structure(req: ApiRequest, structureId: str):
    """Soft-delete a commission structure."""
    commissions.delete(structureId, req.actor, req.if_match)


@router.get("/api/settings/cci-terms", permission=READ, query=AsOfQuery, response=CciTermsOut, tags=("cci",))
def get_cci_terms(req: ApiRequest):
    """The CCI terms in force today or on `asOf`."""
    doc = cci_terms.in_force(req.query.as_of)
    return CciTermsOut.model_validate(doc)


@router.get("/api/settings/cci-terms/versions", permission=READ, query=PageQuery, response=Page, tags=("cci",))
def cci_terms_versions(req: ApiRequest):
    """Every version of the CCI terms, newest first."""
    items, token = cci_terms.versions(req.query.page_size, req.query.page_token)
    return _page(CciTermsOut, items, token)


@router.post("/api/settings/cci-terms", permission=WRITE, body=CciTermsIn, response=CciTermsOut, status=201,
             idempotent=True, tags=("cci",))
def put_cci_terms(req: ApiRequest):
    """A new version of the CCI terms from `effectiveFrom` (today by default; future dates allowed)."""
    doc = cci_terms.put_version(_full(req.body), req.actor, req.if_match, req.body.effective_from)
    return _tagged(CciTermsOut.model_validate(cci_terms.public(doc)), doc["version"], 201)


# --- commodities ---------------------------------------------------------------------------------------

@router.get("/api/commodities", permission=READ, query=PageQuery, response=Page, tags=("commodities",))
def list_commodities(req: ApiRequest):
    """Commodities by name, cursor-paged."""
    items, token = commodities.list_page(req.query.page_size, req.query.page_token)
    return _page(CommoditySummaryOut, items, token)


@router.post("/api/commodities", permission=WRITE, body=CommodityIn, response=CommodityOut, status=201,
             idempotent=True, tags=("commodities",))
def create_commodity(req: ApiRequest):
    """Add a commodity with its varieties, quality parameters, terms and certificates."""
    doc = commodities.create(_full(req.body), req.actor, req.body.effective_from)
    return _tagged(CommodityOut.model_validate({**doc, "commodityId": doc["id"]}), doc["version"], 201)


@router.get("/api/commodities/{commodityId}", permission=READ, query=AsOfQuery, response=CommodityOut,
            tags=("commodities",))
def get_commodity(req: ApiRequest, commodityId: str):
    """A commodity in force today or on `asOf`."""
    doc, version = commodities.get(commodityId, req.query.as_of)
    return _tagged(CommodityOut.model_validate({**doc, "commodityId": doc["id"]}), version)


@router.get("/api/commodities/{commodityId}/template", permission=READ, query=AsOfQuery,
            response=CommodityTemplateOut, tags=("commodities",))
def commodity_template(req: ApiRequest, commodityId: str):
    """Everything a trade form needs for this commodity, in one read (cached per instance)."""
    return CommodityTemplateOut.model_validate(commodities.template(commodityId, req.query.as_of))


@router.get("/api/commodities/{commodityId}/versions", permission=READ, query=PageQuery, response=Page,
            tags=("commodities",))
def commodity_versions(req: ApiRequest, commodityId: str):
    """Every version of a commodity, newest first."""
    store.read(commodities.KIND, commodityId)
    items, token = store.versions_page(commodities.KIND, commodityId, req.query.page_size, req.query.page_token)
    return _page(CommodityOut, [{**item, "commodityId": item["id"]} for item in items], token)


@router.patch("/api/commodities/{commodityId}", permission=WRITE, body=CommodityPatch, response=CommodityOut,
              tags=("commodities",))
def update_commodity(req: ApiRequest, commodityId: str):
    """Change a commodity from a date on (earlier versions stay; the template cache is dropped)."""
    changes = {k: v for k, v in _patch(req.body).items() if v is not None}
    doc = commodities.update(commodityId, changes, req.actor, req.if_match, req.body.effective_from)
    return _tagged(CommodityOut.model_validate({**doc, "commodityId": doc["id"]}), doc["version"])


@router.delete("/api/commodities/{commodityId}", permission=WRITE, status=204, tags=("commodities",))
def delete_commodity(req: ApiRequest, commodityId: str):
    """Soft-delete a commodity."""
    commodities.delete(commodityId, req.actor, req.if_match)


# --- financial years -------------------------------------------------------------------------------------

@router.post("/api/financial-years", permission=FY_MANAGE, body=FinancialYearIn, response=FinancialYearOut,
             status=201, idempotent=True, tags=("financial-years",))
def create_financial_year(req: ApiRequest):
    """Create a financial year (1 April - 31 March), optionally activating it."""
    body = req.body
    doc = financial_years.create(req.user, body.organization_id, body.code, body.start_date, body.end_date,
                                 body.activate, req.actor)
    return _tagged(FinancialYearOut.model_validate(doc), doc["version"], 201)


@router.get("/api/financial-years", permission=READ, query=FinancialYearListQuery, response=Page,
            tags=("financial-years",))
def list_financial_years(req: ApiRequest):
    """An organization's financial years, newest first, cursor-paged."""
    query = req.query
    items, token = financial_years.list_for(req.user, query.organization_id, query.status, query.page_size,
                                            query.page_token)
    return _page(FinancialYearOut, items, token)


@router.get("/api/financial-years/active", permission=READ, query=ActiveFinancialYearQuery,
            response=FinancialYearOut, tags=("financial-years",))
def active_financial_year(req: ApiRequest):
    """The organization's active financial year."""
    doc = financial_years.active(req.user, req.query.organization_id)
    return _tagged(FinancialYearOut.model_validate(doc), doc["version"])


@router.get("/api/financial-years/{fyId}", permission=READ, response=FinancialYearOut, tags=("financial-years",))
def get_financial_year(req: ApiRequest, fyId: str):
    """One financial year."""
    doc = financial_years.get(req.user, fyId)
    return _tagged(FinancialYearOut.model_validate(doc), doc["version"])


@router.post("/api/financial-years/{fyId}/activate", permission=FY_MANAGE, response=FinancialYearOut,
             tags=("financial-years",))
def activate_financial_year(req: ApiRequest, fyId: str):
    """Make this the organization's one active year (the previous one is deactivated)."""
    doc = financial_years.activate(req.user, fyId, req.actor)
    return _tagged(FinancialYearOut.model_validate(doc), doc["version"])


@router.get("/api/financial-years/{fyId}/closing-summary", permission=FY_MANAGE, response=ClosingSummaryOut,
            tags=("financial-years",))
def closing_summary(req: ApiRequest, fyId: str):
    """What blocks closing the year and what would be carried forward."""
    return ClosingSummaryOut.model_validate(financial_years.closing_summary(req.user, fyId))


@router.post("/api/financial-years/{fyId}/close", permission=FY_MANAGE, response=FinancialYearOut,
             tags=("financial-years",))
def close_financial_year(req: ApiRequest, fyId: str):
    """Close the year (409 with the blockers while drafts exist); records the carry-forward summary."""
    doc = financial_years.close(req.user, fyId, req.actor)
    return _tagged(FinancialYearOut.model_validate(doc), doc["version"])


@router.post("/api/financial-years/{fyId}/reopen", permission=FY_MANAGE, body=ReopenIn, response=FinancialYearOut,
             tags=("financial-years",))
def reopen_financial_year(req: ApiRequest, fyId: str):
    """Reopen a closed year (admin), with the reason recorded."""
    doc = financial_years.reopen(req.user, fyId, req.body.reason, req.actor)
    return _tagged(FinancialYearOut.model_validate(doc), doc["version"])
