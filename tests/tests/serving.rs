//! How the built SPA and the paths around it are served: from memory, precompressed, with
//! cache headers that let browsers keep hashed files for a year and revalidate the shell;
//! real 404s for paths that can never be the SPA's routes.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, ensure};
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LOCATION,
    VARY,
};
use shirase_tests::{Backend, TestApp};

const DIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist");

/// The built SPA is required under CI; elsewhere its absence skips the test, loudly.
fn built() -> anyhow::Result<bool> {
    if Path::new(DIST).join("index.html").exists() {
        return Ok(true);
    }
    ensure!(
        std::env::var_os("CI").is_none(),
        "the built SPA (web/dist) is required under CI"
    );
    eprintln!("\n!!!!!!!! SKIPPED: the SPA is not built (scripts/build-web) !!!!!!!!\n");
    Ok(false)
}

async fn app() -> anyhow::Result<TestApp> {
    TestApp::spawn(Backend::Sqlite).await
}

async fn get(app: &TestApp, path: &str) -> anyhow::Result<reqwest::Response> {
    Ok(app.http.get(app.url(path)).send().await?)
}

fn header(res: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn hashed_files_come_precompressed_and_cached_for_a_year() -> anyhow::Result<()> {
    if !built()? {
        return Ok(());
    }
    let app = app().await?;
    let shell = std::fs::read_to_string(Path::new(DIST).join("index.html"))?;
    // trunk writes its hash without leading zeros: 16 hex digits, sometimes fewer.
    let wasm = regex::Regex::new(r#"/(web-[0-9a-f]{8,16}_bg\.wasm)"#)?
        .captures(&shell)
        .context("the shell names the wasm")?[1]
        .to_owned();
    let raw = std::fs::read(Path::new(DIST).join(&wasm))?;

    for (accept, encoding) in [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("", ""),
    ] {
        let res = app
            .http
            .get(app.url(&format!("/{wasm}")))
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::OK, "{accept}");
        assert_eq!(header(&res, CONTENT_ENCODING), encoding, "{accept}");
        assert_eq!(header(&res, CONTENT_TYPE), "application/wasm");
        assert_eq!(
            header(&res, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&res, VARY), "Accept-Encoding");
        let etag = header(&res, ETAG).to_owned();
        let body = res.bytes().await?;
        let mut decoded = Vec::new();
        match encoding {
            "br" => {
                brotli::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded)?;
            }
            "gzip" => {
                flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut decoded)?;
            }
            _ => decoded = body.to_vec(),
        }
        assert!(decoded == raw, "{accept}: the wasm as built");
        if !encoding.is_empty() {
            assert!(body.len() < raw.len() / 2, "{accept}: {} B", body.len());
        }
        // The version the browser has: 304, no body.
        let again = app
            .http
            .get(app.url(&format!("/{wasm}")))
            .header(ACCEPT_ENCODING, accept)
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await?;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{accept}");
        assert!(again.bytes().await?.is_empty());
    }
    Ok(())
}

/// Each area of the SPA is one bundle of its modules, sent as the other hashed files are.
#[tokio::test]
async fn an_areas_bundle_comes_precompressed_and_cached_for_a_year() -> anyhow::Result<()> {
    if !built()? {
        return Ok(());
    }
    let app = app().await?;
    let bundle = std::fs::read_dir(DIST)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with("area_register-") && name.ends_with(".bin"))
        .context("the sign-up wizard's bundle is built")?;
    let raw = std::fs::read(Path::new(DIST).join(&bundle))?;
    let res = app
        .http
        .get(app.url(&format!("/{bundle}")))
        .header(ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await?;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, CONTENT_ENCODING), "br");
    assert_eq!(header(&res, CONTENT_TYPE), "application/octet-stream");
    assert_eq!(
        header(&res, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let body = res.bytes().await?;
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded)?;
    assert!(decoded == raw, "the bundle as built");
    // Modules one after another: the first starts with the wasm magic number.
    assert!(raw.starts_with(b"\0asm"));
    Ok(())
}

#[tokio::test]
async fn the_shell_is_revalidated_on_every_route() -> anyhow::Result<()> {
    if !built()? {
        return Ok(());
    }
    let app = app().await?;
    for path in [
        "/",
        "/mysupport/recipients/new",
        "/unsubscribe/p1.r1.Zm9vYmFy",
        "/support/products/id-federation",
    ] {
        let res = app
            .http
            .get(app.url(path))
            .header(ACCEPT_ENCODING, "gzip")
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, CACHE_CONTROL), "no-cache", "{path}");
        assert!(
            header(&res, CONTENT_TYPE).starts_with("text/html"),
            "{path}"
        );
        let etag = header(&res, ETAG).to_owned();
        // Weak where the page was compressed on the way out (the product pages' shells).
        let tag = etag.trim_start_matches("W/");
        assert!(tag.starts_with('"') && tag.len() > 10, "{path}: {etag}");
        let body = res.bytes().await?;
        let mut html = String::new();
        if body.starts_with(&[0x1f, 0x8b]) {
            flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut html)?;
        } else {
            html = String::from_utf8(body.to_vec())?;
        }
        assert!(html.contains("<title>"), "{path}");
        // The product page announces its own feeds.
        assert_eq!(
            html.contains("/feeds/products/id-federation/notices.atom"),
            path.starts_with("/support/products/"),
            "{path}"
        );
        let again = app
            .http
            .get(app.url(path))
            .header(ACCEPT_ENCODING, "gzip")
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await?;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    // Another product's page is another representation.
    let a = get(&app, "/support/products/id-federation").await?;
    let b = get(&app, "/support/products/object-storage").await?;
    assert_ne!(header(&a, ETAG), header(&b, ETAG));
    Ok(())
}

#[tokio::test]
async fn paths_that_are_no_route_get_real_answers() -> anyhow::Result<()> {
    if !built()? {
        return Ok(());
    }
    let app = app().await?;
    let robots = get(&app, "/robots.txt").await?;
    assert_eq!(robots.status(), StatusCode::OK);
    assert!(header(&robots, CONTENT_TYPE).starts_with("text/plain"));
    assert!(robots.text().await?.contains("Disallow: /api/"));

    let icon = get(&app, "/favicon.ico").await?;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(header(&icon, CONTENT_TYPE), "image/x-icon");
    assert!(
        icon.bytes().await?.starts_with(&[0, 0, 1, 0]),
        "an ICO file"
    );

    for path in [
        "/feeds/nothing.atom",
        "/feeds/products/id-federation/nothing",
    ] {
        let res = get(&app, path).await?;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header(&res, CONTENT_TYPE), "application/problem+json");
    }
    for path in [
        "/web-0000000000000000.js",
        "/area_register-0000000000000000.bin",
        "/missing.png",
        "/support/x.css",
    ] {
        let res = get(&app, path).await?;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // The real feeds are still there.
    assert_eq!(
        get(&app, "/feeds/notices.atom").await?.status(),
        StatusCode::OK
    );

    let docs = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .get(app.url("/api/docs"))
        .send()
        .await?;
    assert_eq!(docs.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&docs, LOCATION), "/api/docs/");
    assert_eq!(get(&app, "/api/docs/").await?.status(), StatusCode::OK);

    let post = app.http.post(app.url("/mysupport")).send().await?;
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    Ok(())
}

#[tokio::test]
async fn documents_above_a_kilobyte_come_compressed_and_still_revalidate() -> anyhow::Result<()> {
    let app = app().await?;
    let plain = get(&app, "/api/v1/catalog").await?;
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    let strong = header(&plain, ETAG).to_owned();
    assert!(strong.starts_with('"'), "{strong}");
    let document: serde_json::Value = plain.json().await?;

    for (accept, encoding) in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")] {
        let res = app
            .http
            .get(app.url("/api/v1/catalog"))
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, CONTENT_ENCODING), encoding, "{accept}");
        assert_eq!(header(&res, VARY), "Accept-Encoding");
        // The strong tag names the uncompressed bytes; this representation's is weak.
        let weak = header(&res, ETAG).to_owned();
        assert_eq!(weak, format!("W/{strong}"));
        let body = res.bytes().await?;
        let mut decoded = Vec::new();
        match encoding {
            "br" => brotli::Decompressor::new(&body[..], 4096).read_to_end(&mut decoded)?,
            _ => flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut decoded)?,
        };
        assert!(body.len() < decoded.len() / 2, "{accept}: {} B", body.len());
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&decoded)?,
            document
        );

        let again = app
            .http
            .get(app.url("/api/v1/catalog"))
            .header(ACCEPT_ENCODING, accept)
            .header(IF_NONE_MATCH, &weak)
            .send()
            .await?;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{accept}");
    }

    // A short problem document goes as it is.
    let small = app
        .http
        .get(app.url("/api/v1/nothing-here"))
        .header(ACCEPT_ENCODING, "br, gzip")
        .send()
        .await?;
    assert_eq!(small.status(), StatusCode::NOT_FOUND);
    assert!(small.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(header(&small, CONTENT_TYPE), "application/problem+json");
    Ok(())
}
