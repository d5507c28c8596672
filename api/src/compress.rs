//! Compression of the documents the server writes (JSON, problem details, feeds): brotli
//! or gzip, as the client accepts, above 1 KB. Below that the headers and the work cost
//! more than the bytes saved. The SPA's files come precompressed (see `spa`) and are left
//! alone, as is anything already encoded.
//!
//! A compressed response's ETag becomes weak: the strong tag names the uncompressed bytes,
//! and `If-None-Match` compares weakly, so the client's next request still earns a 304.

use std::io::Write;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header, HeaderValue,
};
use actix_web::middleware::Next;

/// Smaller bodies go as they are.
const MIN_SIZE: usize = 1024;
/// Fast settings: these bodies are compressed on every request.
const BROTLI_QUALITY: u32 = 4;
const GZIP_LEVEL: u32 = 6;

/// The encoding the client prefers among brotli, gzip and none.
pub fn negotiate(req: &actix_web::HttpRequest) -> Option<Encoding> {
    AcceptEncoding::parse(req).ok().and_then(|accepted| {
        accepted.negotiate([Encoding::brotli(), Encoding::gzip(), Encoding::identity()].iter())
    })
}

/// Whether a body of this size is worth compressing.
pub fn worth_compressing(len: usize) -> bool {
    len > MIN_SIZE
}

pub async fn compress(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let encoding = negotiate(req.request());
    let res = next.call(req).await?.map_into_boxed_body();
    if !eligible(&res) {
        return Ok(res);
    }
    let (req, mut res) = res.into_parts();
    // Whether or not this client gets it compressed, another may: caches must know.
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let encoding = match encoding {
        Some(e) if e == Encoding::brotli() => ContentEncoding::Brotli,
        Some(e) if e == Encoding::gzip() => ContentEncoding::Gzip,
        _ => return Ok(ServiceResponse::new(req, res)),
    };
    let (head, body) = res.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    let compressed = match encoding {
        ContentEncoding::Brotli => brotli(&bytes),
        _ => gzip(&bytes),
    }
    .map_err(actix_web::error::ErrorInternalServerError)?;
    let mut res = head.set_body(BoxBody::new(compressed));
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_ENCODING, encoding.to_header_value());
    if let Some(tag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok())
        && !tag.starts_with("W/")
        && let Ok(weak) = HeaderValue::from_str(&format!("W/{tag}"))
    {
        headers.insert(header::ETAG, weak);
    }
    Ok(ServiceResponse::new(req, res))
}

/// A document of ours, big enough, not yet encoded.
fn eligible(res: &ServiceResponse<BoxBody>) -> bool {
    let headers = res.headers();
    if headers.contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    let textual = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            let t = t.split(';').next().unwrap_or_default().trim();
            t == "application/json"
                || t == "application/problem+json"
                || t == "application/atom+xml"
                || t == "text/calendar"
                || t == "text/html"
        });
    let big =
        matches!(res.response().body().size(), body::BodySize::Sized(n) if n as usize > MIN_SIZE);
    textual && big
}

pub fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(GZIP_LEVEL),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}
