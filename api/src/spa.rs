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
