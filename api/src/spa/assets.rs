//! The built SPA, read into memory once at startup with the brotli and gzip versions that
//! `scripts/build-web` writes beside each compressible file (`x.wasm.br`, `x.wasm.gz`).
//! Nothing is compressed while serving, and nothing is read from disk after startup; a
//! large file is kept compressed only (see [`KEPT_COMPRESSED_ONLY`]).

use std::collections::HashMap;
use std::path::Path;

use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, EntityTag, Header, IfNoneMatch,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::routes::cache;

/// Files whose names carry a hash of their content (trunk's `name-<16 hex>.ext`) never change
/// under their name: browsers and CDNs may keep them a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Every other file (the shell above all) is checked with the server on each use, so that a
/// deploy takes effect at once; an unchanged one costs a 304.
const REVALIDATE: &str = "no-cache";

/// Files larger than this (the wasm) are kept only compressed: every browser accepts gzip,
/// and a client that accepts no encoding gets the gzip version inflated for it.
const KEPT_COMPRESSED_ONLY: usize = 256 * 1024;

/// One file as served, in each encoding it was built in.
#[derive(Debug)]
pub struct Asset {
    content_type: &'static str,
    // Shared with every response that sends them: no copy per request. `None` for a large
    // file whose gzip version holds exactly these bytes.
    identity: Option<Bytes>,
    /// The versions that were built, smallest first.
    encoded: Vec<(Coding, Bytes)>,
    /// Of the identity bytes; each encoding's ETag adds its own suffix.
    hash: String,
    immutable: bool,
}

/// The SPA's files by URL path (`/index.html`, `/web-0123456789abcdef_bg.wasm`).
#[derive(Debug, Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
}

impl Assets {
    /// Reads every file of `dir` (not its subfolders: trunk's output is flat, and `.stage` is
    /// its scratch space).
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let mut files = HashMap::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if !entry.file_type()?.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let identity = Bytes::from(std::fs::read(entry.path())?);
            let encoded: Vec<(Coding, Bytes)> = Coding::ALL
                .into_iter()
                .filter_map(|coding| {
                    let file = dir.join(format!("{name}.{}", coding.tag()));
                    Some((coding, Bytes::from(std::fs::read(file).ok()?)))
                })
                .collect();
            let hash = hex::encode(&Sha256::digest(&identity)[..10]);
            let inflatable = identity.len() > KEPT_COMPRESSED_ONLY
                && encoded.iter().any(|(c, gz)| {
                    *c == Coding::Gzip && inflate(gz).is_ok_and(|bytes| bytes == identity)
                });
            let asset = Asset {
                content_type: content_type(&name),
                hash,
                immutable: is_hashed(&name),
                encoded,
                identity: (!inflatable).then_some(identity),
            };
            files.insert(format!("/{name}"), asset);
        }
        Ok(Self { files })
    }

    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }
}

impl Asset {
    /// The file as `req` accepts it: the smallest encoding it allows, 304 when its
    /// `If-None-Match` names this version.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let (body, coding) = self.variant(req);
        // A strong ETag names one representation: each encoding has its own.
        let tag = EntityTag::new_strong(match coding {
            None => self.hash.clone(),
            Some(c) => format!("{}-{}", self.hash, c.tag()),
        });
        let unchanged = cache::unchanged(IfNoneMatch::parse(req).ok(), &tag);
        let mut res = if unchanged {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header(header::ETag(tag))
            .insert_header((header::CONTENT_TYPE, self.content_type))
            .insert_header((
                header::CACHE_CONTROL,
                if self.immutable {
                    IMMUTABLE
                } else {
                    REVALIDATE
                },
            ));
        if !self.encoded.is_empty() {
            res.insert_header((header::VARY, "Accept-Encoding"));
        }
        if let Some(c) = coding {
            res.insert_header(c.header());
        }
        if unchanged {
            res.finish()
        } else {
            res.body(body)
        }
    }

    /// The shell's own bytes (the product pages add their feed links to it).
    pub fn text(&self) -> &str {
        self.identity
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }

    /// The file's own bytes: kept, or inflated from its gzip version.
    fn identity(&self) -> Bytes {
        if let Some(bytes) = &self.identity {
            return bytes.clone();
        }
        self.encoded
            .iter()
            .find(|(c, _)| *c == Coding::Gzip)
            .and_then(|(_, gz)| inflate(gz).ok())
            .map(Bytes::from)
            .unwrap_or_default()
    }

    /// The smallest version that was built and that the request accepts.
    fn variant(&self, req: &HttpRequest) -> (Bytes, Option<Coding>) {
        let identity = || (self.identity(), None);
        let Ok(accepted) = AcceptEncoding::parse(req) else {
            return identity();
        };
        let offered: Vec<Encoding> = self
            .encoded
            .iter()
            .map(|(c, _)| c.negotiable())
            .chain([Encoding::identity()])
            .collect();
        let Some(chosen) = accepted.negotiate(offered.iter()) else {
            return identity();
        };
        self.encoded
            .iter()
            .find(|(c, _)| c.negotiable() == chosen)
            .map_or_else(identity, |(c, body)| (body.clone(), Some(*c)))
    }
}

fn inflate(gz: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(gz).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The encodings files are built in, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    const ALL: [Self; 2] = [Self::Brotli, Self::Gzip];

    /// The built file's suffix, and the ETag's.
    const fn tag(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gz",
        }
    }

    fn negotiable(self) -> Encoding {
        match self {
            Self::Brotli => Encoding::brotli(),
            Self::Gzip => Encoding::gzip(),
        }
    }

    const fn header(self) -> ContentEncoding {
        match self {
            Self::Brotli => ContentEncoding::Brotli,
            Self::Gzip => ContentEncoding::Gzip,
        }
    }
}

/// trunk names what it hashes `stem-<hash in lowercase hex>` (with `_bg` after it for the
/// wasm). The hash is a 64-bit number written without leading zeros, so one build in
/// sixteen has 15 digits, one in 256 has 14: fewer than 8 is taken for no hash at all.
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::StatusCode;
    use actix_web::test::TestRequest;

    fn asset() -> Asset {
        Asset {
            content_type: "application/wasm",
            identity: Some(Bytes::from_static(b"identity")),
            encoded: vec![
                (Coding::Brotli, Bytes::from_static(b"br")),
                (Coding::Gzip, Bytes::from_static(b"gz")),
            ],
            hash: "abc".into(),
            immutable: true,
        }
    }

    #[test]
    fn knows_trunks_hashed_names() {
        assert!(is_hashed("web-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed("web-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        // A hash whose leading digit was zero.
        assert!(is_hashed("web-4071a0498c8fb50_bg.wasm"));
        assert!(!is_hashed("web-1.js"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("robots.txt"));
        assert!(!is_hashed("web-XYZ3c4d5e6f7a8b.js"));
    }

    #[test]
    fn serves_the_smallest_encoding_the_client_takes() {
        let a = asset();
        let cases = [
            ("gzip, deflate, br, zstd", Some("br"), "\"abc-br\""),
            ("gzip", Some("gzip"), "\"abc-gz\""),
            ("br;q=0, gzip", Some("gzip"), "\"abc-gz\""),
            ("identity", None, "\"abc\""),
        ];
        for (accept, encoding, etag) in cases {
            let req = TestRequest::get()
                .insert_header((header::ACCEPT_ENCODING, accept))
                .to_http_request();
            let res = a.respond(&req);
            assert_eq!(res.status(), StatusCode::OK, "{accept}");
            let get = |name| res.headers().get(name).and_then(|v| v.to_str().ok());
            assert_eq!(get(header::CONTENT_ENCODING), encoding, "{accept}");
            assert_eq!(get(header::ETAG), Some(etag), "{accept}");
            assert_eq!(get(header::VARY), Some("Accept-Encoding"));
        }
        // No Accept-Encoding: the file as it is.
        let res = a.respond(&TestRequest::get().to_http_request());
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    }

    #[test]
    fn answers_304_to_the_version_the_client_has() {
        let a = asset();
        let req = TestRequest::get()
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .insert_header((header::IF_NONE_MATCH, "\"other\", \"abc-gz\""))
            .to_http_request();
        assert_eq!(a.respond(&req).status(), StatusCode::NOT_MODIFIED);
        // The identity version's tag does not stand for the gzip one.
        let req = TestRequest::get()
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .insert_header((header::IF_NONE_MATCH, "\"abc\""))
            .to_http_request();
        assert_eq!(a.respond(&req).status(), StatusCode::OK);
    }
}
