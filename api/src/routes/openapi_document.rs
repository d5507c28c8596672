use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::document_cache::Document;
use crate::routes::cache::conditional_document;

/// The OpenAPI document as published, made once per process: every worker answers with the
/// same bytes and their compressed forms.
pub struct PublishedDocument(pub Document);

/// The OpenAPI document the interactive docs under `/api/docs/` read, and generated clients
/// may fetch; the same as `openapi.yaml`.
#[get("/api/openapi.json")]
pub async fn openapi_document(
    req: HttpRequest,
    if_none_match: Option<web::Header<IfNoneMatch>>,
    document: web::Data<PublishedDocument>,
) -> HttpResponse {
    conditional_document(
        &req,
        if_none_match.map(web::Header::into_inner),
        &document.0,
        // It changes with a release, under the same address: revalidated every time.
        "public, no-cache",
    )
}
