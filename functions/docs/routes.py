"""HTTP routes of the `docs` function: the OpenAPI document and the Swagger UI page that renders it.

The page and its assets come from the swagger-ui-bundle-v2 package (Swagger UI 5, which reads
OpenAPI 3.1); only the files the page needs are served, by name from a fixed list.
"""
from functions.docs import service
from shared.http import ApiRequest, ApiResponse, Router

router = Router("docs")

DOCUMENT_PATH = "/api/openapi.json"
DOCS_PATH = "/api/docs"


@router.get(DOCUMENT_PATH, public=True, rate_limit="none", tags=("docs",))
def openapi_document(req: ApiRequest) -> ApiResponse:
    """The OpenAPI 3.1 document of the whole API"""
    return ApiResponse(service.document_json(), 200,
                       {"Content-Type": "application/json", "Cache-Control": "public, max-age=300"})


openapi_document.openapi_content = {"application/json": {"schema": {"type": "object"}}}


@router.get(DOCS_PATH, public=True, rate_limit="none", tags=("docs",))
def docs_page(req: ApiRequest) -> ApiResponse:
    """The API reference page (Swagger UI)"""
    return ApiResponse(service.docs_page(DOCUMENT_PATH, DOCS_PATH), 200,
                       {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "public, max-age=300"})


docs_page.openapi_content = {"text/html": {"schema": {"type": "string"}}}


@router.get(DOCS_PATH + "/{asset}", public=True, rate_limit="none", tags=("docs",))
def docs_asset(req: ApiRequest, asset: str) -> ApiResponse:
    """A static file of the API reference page (script, style sheet or icon)"""
    body, content_type = service.asset(asset)
    return ApiResponse(body, 200, {"Content-Type": content_type, "Cache-Control": "public, max-age=86400"})


docs_asset.openapi_content = {"*/*": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}
