//! Conditional GET for cacheable documents (the catalog, product pages, feeds).

use actix_web::HttpResponse;
use actix_web::http::header::{self, EntityTag, IfNoneMatch};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiResult;

/// `value` as JSON with a strong ETag, or 304 when `if_none_match` already has that tag.
/// The tag is the content's hash, so every process agrees on it without coordination.
pub fn conditional_json<T: Serialize>(
    if_none_match: Option<IfNoneMatch>,
    value: &T,
) -> ApiResult<HttpResponse> {
    let body = serde_json::to_vec(value).map_err(anyhow::Error::new)?;
    Ok(conditional(
        if_none_match,
        body,
        "application/json",
        "public, max-age=60",
    ))
}

/// `body` with a strong ETag (its hash) and `cache_control`, or 304 without it when
/// `if_none_match` already has that tag.
pub fn conditional(
    if_none_match: Option<IfNoneMatch>,
    body: impl Into<Vec<u8>>,
    content_type: &str,
    cache_control: &'static str,
) -> HttpResponse {
    let body = body.into();
    let tag = EntityTag::new_strong(hex::encode(&Sha256::digest(&body)[..16]));
    let unchanged = unchanged(if_none_match, &tag);
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header(header::ETag(tag));
    if unchanged {
        response.finish()
    } else {
        response.content_type(content_type.to_owned()).body(body)
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
