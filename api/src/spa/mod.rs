//! Serves the built SPA from memory (see `assets`), with every path that could be one of
//! its routes answered by the shell, `index.html`, so that deep links
//! (`/register/activate?token=…`) open the right page. Paths that can never be routes (a
//! missing file, an unknown API or feed path) get a real 404.

mod assets;

use std::path::Path;
use std::sync::Arc;

use actix_web::http::Method;
use actix_web::http::header::{self, Header, IfNoneMatch};
use actix_web::{HttpRequest, HttpResponse, web};

pub use assets::{Asset, Assets};

use crate::routes::cache;

#[derive(Clone)]
pub enum Spa {
    Built(Arc<Assets>),
    Missing,
}

impl Spa {
    pub fn locate(web_dir: &Path) -> Self {
        if !web_dir.join("index.html").exists() {
            tracing::warn!(dir = %web_dir.display(), "the SPA is not built; serving a placeholder");
            return Self::Missing;
        }
        match Assets::load(web_dir) {
            Ok(assets) => Self::Built(Arc::new(assets)),
            Err(e) => {
                tracing::error!(dir = %web_dir.display(), error = %e, "the SPA could not be read; serving a placeholder");
                Self::Missing
            }
        }
    }

    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        match self.clone() {
            Self::Missing => {
                cfg.default_service(web::to(|| async {
                    HttpResponse::ServiceUnavailable()
                        .content_type("text/plain; charset=utf-8")
                        .body("The web app is not built. Run: scripts/build-web\n")
                }));
            }
            Self::Built(assets) => {
                cfg.app_data(web::Data::from(assets))
                    .default_service(web::to(serve));
            }
        }
    }
}

/// A file of the SPA, or its shell for any path that may be one of its routes.
async fn serve(req: HttpRequest, assets: web::Data<Assets>) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    let path = req.path();
    let file = if path == "/" { "/index.html" } else { path };
    if let Some(asset) = assets.get(file) {
        return asset.respond(&req);
    }
    // A file's name is never a route: a missing file is missing. (Routes may hold dots, as
    // the unsubscribe tokens do, but never end in a file type.)
    if is_file_name(path) {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Not found.\n");
    }
    let Some(shell) = assets.get("/index.html") else {
        return HttpResponse::NotFound().finish();
    };
    match product_page(path) {
        Some(slug) => product_shell(&req, shell, slug),
        None => shell.respond(&req),
    }
}

/// Whether the path's last segment names a kind of file a web app is made of.
fn is_file_name(path: &str) -> bool {
    const FILE_TYPES: &[&str] = &[
        "js",
        "mjs",
        "wasm",
        // An area's modules bundled (scripts/link-wasm.js).
        "bin",
        "css",
        "map",
        "html",
        "htm",
        "json",
        "txt",
        "xml",
        "ico",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "avif",
        "woff",
        "woff2",
        "ttf",
        "webmanifest",
    ];
    let last = path.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| FILE_TYPES.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The shell with the product's feeds announced, revalidated like every document of ours.
fn product_shell(req: &HttpRequest, shell: &Asset, slug: &str) -> HttpResponse {
    cache::conditional(
        IfNoneMatch::parse(req).ok(),
        with_product_feeds(shell.text(), slug),
        "text/html; charset=utf-8",
        "no-cache",
    )
}

/// The product slug of a product page's path (`/support/products/{slug}`), if it is one.
/// Only slug characters pass, so the slug can go into markup as it is.
fn product_page(path: &str) -> Option<&str> {
    let slug = path.strip_prefix("/support/products/")?;
    let valid = (1..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then_some(slug)
}

/// The shell with the product's own feeds announced, so that feed readers given the page's
/// URL find them without running the app.
fn with_product_feeds(html: &str, slug: &str) -> String {
    let links = format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{slug}\" \
         href=\"/feeds/products/{slug}/notices.atom\" />\n  \
         <link rel=\"alternate\" type=\"text/calendar\" title=\"{slug}\" \
         href=\"/feeds/products/{slug}/maintenance.ics\" />\n"
    );
    match html.find("</head>") {
        Some(i) => format!("{}{links}{}", &html[..i], &html[i..]),
        None => html.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_pages_announce_their_feeds() {
        assert_eq!(
            product_page("/support/products/id-federation"),
            Some("id-federation")
        );
        assert_eq!(product_page("/support/products/x\"><script>"), None);
        assert_eq!(product_page("/support/products/"), None);
        assert_eq!(product_page("/notices"), None);
        let html = with_product_feeds("<head><title>t</title></head>", "id-federation");
        assert!(html.contains("href=\"/feeds/products/id-federation/notices.atom\" />"));
        assert!(html.ends_with("</head>"));
    }

    #[test]
    fn file_names_are_no_routes_but_dotted_tokens_are() {
        assert!(is_file_name("/web-0123456789abcdef.js"));
        assert!(is_file_name("/missing.PNG"));
        assert!(is_file_name("/support/x.css"));
        assert!(is_file_name("/area_register-0123456789abcdef.bin"));
        assert!(!is_file_name("/unsubscribe/p1.r1.Zm9vYmFy"));
        assert!(!is_file_name("/support/products/id-federation"));
        assert!(!is_file_name("/"));
    }
}
