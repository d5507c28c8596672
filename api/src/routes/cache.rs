//! Conditional GET for cacheable documents (the catalog, product pages, feeds).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, ContentEncoding, Encoding, EntityTag, IfNoneMatch};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;

use std::sync::Arc;

use crate::db::DbConnection;
use crate::document_cache::{Document, DocumentCache};
use crate::error::ApiResult;
use crate::state::AppState;

/// `body` with a strong ETag (its hash) and `cache_control`, or 304 without it when
/// `if_none_match` already has that tag.
pub fn conditional(
    if_none_match: Option<IfNoneMatch>,
    body: impl Into<Vec<u8>>,
    content_type: &'static str,
    cache_control: &'static str,
) -> HttpResponse {
    let document = Document::new(body.into(), content_type);
    let (mut response, unchanged) = head(
        if_none_match,
        &document.tag,
        document.tag.clone(),
        cache_control,
    );
    if unchanged {
        response.finish()
    } else {
        response
            .content_type(document.content_type)
            .body(document.body)
    }
}

/// 304 when `if_none_match` already names `tag`, else 200 (the bool says which), with
/// `cache_control` and `sent` as the ETag.
fn head(
    if_none_match: Option<IfNoneMatch>,
    tag: &EntityTag,
    sent: EntityTag,
    cache_control: &'static str,
) -> (HttpResponseBuilder, bool) {
    let unchanged = unchanged(if_none_match, tag);
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header(header::ETag(sent));
    (response, unchanged)
}

/// The public document at `key` from this process's cache, or made by `load` (its value as
/// JSON) and kept for the next reader. Failures are not kept.
pub async fn public_json<T, F>(state: &AppState, key: String, load: F) -> ApiResult<Arc<Document>>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
{
    cached_json(state, &state.public, key, load).await
}

/// The list `what` of the account `account_id` (one of its own), from this process's cache
/// or made by `load` (given the account's id) as for [`public_json`], answered as
/// [`conditional_document`] answers, private to the account.
pub async fn account_document<T, F>(
    state: &AppState,
    req: &HttpRequest,
    if_none_match: Option<IfNoneMatch>,
    account_id: String,
    what: &str,
    load: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection, &str) -> ApiResult<T> + Send + 'static,
{
    let key = format!("{account_id} {what}");
    let document = cached_json(state, &state.accounts, key, move |conn| {
        load(conn, &account_id)
    })
    .await?;
    Ok(conditional_document(
        req,
        if_none_match,
        &document,
        ACCOUNT_CACHING,
    ))
}

async fn cached_json<T, F>(
    state: &AppState,
    cache: &DocumentCache,
    key: String,
    load: F,
) -> ApiResult<Arc<Document>>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
{
    cached(cache, key, || async {
        let value = state.db(load).await?;
        let body = serde_json::to_vec(&value).map_err(anyhow::Error::new)?;
        Ok(Document::new(body, "application/json"))
    })
    .await
}

/// The document at `key` in `cache`, or made by `make` and kept for the next reader.
/// Failures are not kept.
pub async fn cached<Fut>(
    cache: &DocumentCache,
    key: String,
    make: impl FnOnce() -> Fut,
) -> ApiResult<Arc<Document>>
where
    Fut: Future<Output = ApiResult<Document>>,
{
    if let Some(document) = cache.get(&key) {
        return Ok(document);
    }
    // Taken before reading: a change committed during the read ends this generation, and
    // what was read is then never served as current.
    let generation = cache.generation();
    let document = Arc::new(make().await?);
    cache.put(key, generation, document.clone());
    Ok(document)
}

/// How long browsers may keep the catalog and product pages without asking again.
pub const CATALOG_CACHING: &str = "public, max-age=60";
/// Notices are news: a browser asks every time (a 304 when nothing changed), so that a new
/// outage is never hidden behind a copy it kept.
pub const NOTICE_CACHING: &str = "public, no-cache";
/// An account's own lists: kept by the browser only, and asked for again every time (a 304
/// when nothing changed).
pub const ACCOUNT_CACHING: &str = "private, no-cache";

/// A kept document, in the encoding the client prefers (made once per document,
/// not per request), or 304 when `if_none_match` already has its tag. As from the
/// compression middleware, an encoded response's tag is weak.
pub fn conditional_document(
    req: &HttpRequest,
    if_none_match: Option<IfNoneMatch>,
    document: &Document,
    cache_control: &'static str,
) -> HttpResponse {
    let encoded = crate::compress::negotiate(req).and_then(|e| {
        let bytes = document.encoded(&e)?;
        let header = if e == Encoding::brotli() {
            ContentEncoding::Brotli
        } else {
            ContentEncoding::Gzip
        };
        Some((header, bytes))
    });
    let tag = match encoded {
        Some(_) => EntityTag::new_weak(document.tag.tag().to_owned()),
        None => document.tag.clone(),
    };
    let (mut response, unchanged) = head(if_none_match, &document.tag, tag, cache_control);
    response.insert_header((header::VARY, "Accept-Encoding"));
    if unchanged {
        return response.finish();
    }
    response.content_type(document.content_type);
    match encoded {
        Some((encoding, bytes)) => response
            .insert_header((header::CONTENT_ENCODING, encoding.to_header_value()))
            .body(bytes),
        None => response.body(document.body.clone()),
    }
}

/// Whether the client's `If-None-Match` already names `tag`. The comparison is weak, as
/// RFC 9110 has it for this header: a tag made weak on the way out (by compression) still
/// matches.
pub fn unchanged(if_none_match: Option<IfNoneMatch>, tag: &EntityTag) -> bool {
    match if_none_match {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(tag)),
        None => false,
    }
}

/// The paths whose writes change public documents.
fn writes_public(req: &ServiceRequest) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let path = req.path();
    ["/api/v1/catalog", "/api/v1/products", "/api/v1/notices"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Ends generations once a write has been handled (and its transaction committed), before
/// its response goes out, so that this process serves the change at once: the public
/// documents' after a successful write to public data, and the authenticated sessions' and
/// accounts' lists after any write at all, whatever it answered (a refresh token presented
/// twice revokes its session and answers 401; a failed write may have written part of what
/// it was asked to, as a bounce report does).
pub async fn invalidate_after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let writes_public = writes_public(&req);
    let state = req.app_data::<actix_web::web::Data<AppState>>().cloned();
    let res = next.call(req).await;
    if let Some(state) = state {
        if writes {
            state.sessions.invalidate();
            state.accounts.invalidate();
        }
        if writes_public && res.as_ref().is_ok_and(|r| r.status().is_success()) {
            state.public.invalidate();
        }
    }
    res
}
