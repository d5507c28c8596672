//! Serves the built SPA, with every unknown path answered by `index.html` so that deep links
//! (`/register/activate?token=…`) open the right page.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpResponse, web};

#[derive(Clone)]
pub enum Spa {
    Built { dir: PathBuf, index: PathBuf },
    Missing,
}

impl Spa {
    pub fn locate(web_dir: &Path) -> Self {
        let index = web_dir.join("index.html");
        if index.exists() {
            Self::Built {
                dir: web_dir.to_path_buf(),
                index,
            }
        } else {
            tracing::warn!(dir = %web_dir.display(), "the SPA is not built; serving a placeholder");
            Self::Missing
        }
    }

    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        match self.clone() {
            Self::Missing => {
                cfg.default_service(web::to(|| async {
                    HttpResponse::ServiceUnavailable()
                        .content_type("text/plain; charset=utf-8")
                        .body("The web app is not built. Run: (cd web && trunk build --release)\n")
                }));
            }
            Self::Built { dir, index } => {
                cfg.service(
                    Files::new("/", dir)
                        .index_file("index.html")
                        .default_handler(fn_service(move |req: ServiceRequest| {
                            let index = index.clone();
                            async move {
                                let (req, _) = req.into_parts();
                                if let Some(slug) = product_page(req.path()) {
                                    let path = index.clone();
                                    let html = web::block(move || std::fs::read_to_string(path))
                                        .await
                                        .map_err(actix_web::error::ErrorInternalServerError)??;
                                    let res = HttpResponse::Ok()
                                        .content_type("text/html; charset=utf-8")
                                        .insert_header((CACHE_CONTROL, "no-cache"))
                                        .body(with_product_feeds(&html, slug));
                                    return Ok(ServiceResponse::new(req, res));
                                }
                                let mut res =
                                    NamedFile::open_async(&index).await?.into_response(&req);
                                // The shell is fetched anew so that a deploy takes effect at once.
                                res.headers_mut()
                                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                                Ok(ServiceResponse::new(req, res))
                            }
                        })),
                );
            }
        }
    }
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
}
