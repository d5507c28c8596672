//! The serving benchmark: `cargo build --release -p api --bin shirase && cargo run --release
//! -p shirase-tests --bin serve_bench`.
//!
//! In one run: an actix-web "hello" (the same actix-web as the product, two workers, a
//! constant body) as the baseline, and the same server answering with the main `.wasm`'s
//! bytes from memory (what the framework itself does with a body that size); then, on each
//! backend, the release `shirase` binary as a process of its own (as an operator runs it) on
//! a database where a customer has three subscriptions and two addresses and a few notices
//! are published (set up through an application in this process, which then stays idle).
//! Each endpoint is loaded with `wrk` (Debian's package) at 2 threads and 64 connections for
//! a fixed time; it prints requests per second, p99 latency, errors, both as ratios to the
//! hello's, and the resident memory of the `shirase` process idle and after the load. The
//! main `.wasm` is also compared with the framework's own answer of the same bytes.
//!
//! Options: `--seconds N` (default 5), `--backend sqlite|postgres|both` (default both).

#![allow(
    clippy::print_stdout,
    reason = "the printed figures are what it is for"
)]

use std::process::Command;

use anyhow::{Context, ensure};
use reqwest::Method;
use serde_json::json;
use shirase_tests::cli::Options;
use shirase_tests::flows::{customer, operator, publish};
use shirase_tests::process::Process;
use shirase_tests::{Backend, TestApp};

/// What one `wrk` run measured.
struct Load {
    rate: f64,
    p99_ms: f64,
    errors: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::from_env();
    let seconds: u32 = options.number("--seconds", 5)?;
    let backends = options.backends()?;
    Command::new("wrk")
        .arg("--version")
        .output()
        .context("wrk is needed: apt-get install wrk")?;

    // The framework's own ceiling for a large body: the hello server also answers with the
    // main `.wasm`'s brotli bytes, held in memory as the application holds them.
    let spa = Spa::read()?;
    let wasm_br = std::fs::read(format!("{WEB}/{}.br", spa.wasm))
        .context("the SPA is built with its brotli files (scripts/build-web)")?;
    let hello = hello(wasm_br.clone()).await?;
    let baseline = wrk(&format!("{hello}/"), &[], seconds)?;
    let same_bytes = wrk(&format!("{hello}/wasm"), &[], seconds)?;
    println!(
        "serving benchmark: wrk -t2 -c64 -d{seconds}s, {} CPU(s)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "actix hello: {:.0} requests/s, p99 {:.2} ms",
        baseline.rate, baseline.p99_ms
    );
    println!(
        "actix, the .wasm's {} kB of brotli from memory: {:.0} requests/s ({:.3} of the \
         hello), p99 {:.2} ms",
        wasm_br.len() / 1000,
        same_bytes.rate,
        same_bytes.rate / baseline.rate,
        same_bytes.p99_ms
    );
    for backend in backends {
        run(backend, &spa, &baseline, &same_bytes, seconds).await?;
    }
    Ok(())
}

async fn run(
    backend: Backend,
    spa: &Spa,
    baseline: &Load,
    same_bytes: &Load,
    seconds: u32,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(backend).await?;
    let token = customer(&app, "bench-customer@example.com")
        .await?
        .access_token;
    for product in ["id-federation", "object-storage", "directory-service"] {
        let path = format!("/api/v1/me/subscriptions/{product}");
        app.call(Method::PUT, &path, Some(&token), None).await?;
    }
    let added = app
        .post(
            "/api/v1/me/recipients",
            Some(&token),
            json!({"email": "bench-ops@example.com"}),
        )
        .await?;
    ensure!(added.status == 201, "adding an address: {added:?}");
    let op = operator(&app, "bench-operator@example.com").await?;
    for i in 0..5 {
        let draft = json!({
            "kind": "maintenance", "products": ["id-federation"],
            "title_ja": format!("定期メンテナンス（{}）", i + 1), "title_en": "Scheduled maintenance",
            "body_ja": "メンテナンスを実施します。\n\n- 影響: なし", "body_en": "Maintenance.",
            "starts_at": "2026-12-02T01:00:00Z", "ends_at": "2026-12-02T03:00:00Z",
        });
        publish(&app, &op, draft).await?;
    }
    let Spa { wasm, js } = spa;
    // The largest and the smallest of the areas' bundles, which the link module names only
    // in a template: found among the built files.
    let mut bundles: Vec<(u64, String)> = std::fs::read_dir(WEB)?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let br = std::fs::metadata(entry.path().with_extension("bin.br")).ok()?;
            (name.starts_with("area_") && name.ends_with(".bin")).then_some((br.len(), name))
        })
        .collect();
    bundles.sort();
    let bundle = |(br, name): &(u64, String)| {
        (
            format!("GET an area's bundle ({} kB br)", br / 1000),
            name.clone(),
        )
    };
    let (small, large) = match (bundles.first(), bundles.last()) {
        (Some(small), Some(large)) => (bundle(small), bundle(large)),
        _ => anyhow::bail!("no area bundle in {WEB} (scripts/build-web)"),
    };

    // The server under load: the release binary, its own process, nothing else in it.
    let database_url = app.state.settings.database_url.expose().to_owned();
    let secret = app.state.settings.jwt_secret.expose().to_owned();
    let server = Process::start(
        &database_url,
        &[
            ("RUST_LOG", "off"),
            ("SHIRASE_DISPATCH", "off"),
            ("SHIRASE_JWT_SECRET", &secret),
            ("SHIRASE_WEB_DIR", WEB),
        ],
    )
    .await?;
    let url = |path: &str| format!("{}{path}", server.base);
    let rss = || rss_mb(server.pid());
    let idle = rss();
    let etag = |path: &str| {
        let (http, url, token) = (app.http.clone(), url(path), token.clone());
        async move {
            let res = http.get(url).bearer_auth(token).send().await?;
            ensure!(res.status().is_success(), "{res:?}");
            res.headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .context("an ETag")
        }
    };
    let catalog_tag = format!("If-None-Match: {}", etag("/api/v1/catalog").await?);
    let subscriptions_tag = format!("If-None-Match: {}", etag("/api/v1/me/subscriptions").await?);

    let bearer = format!("Authorization: Bearer {token}");
    let compressed = "Accept-Encoding: gzip, deflate, br";
    let endpoints: [(&str, String, Vec<&str>); 15] = [
        (
            "GET /index.html (the shell)",
            "/index.html".into(),
            vec![compressed],
        ),
        ("GET the .js (hashed)", format!("/{js}"), vec![compressed]),
        (
            "GET the .wasm (hashed)",
            format!("/{wasm}"),
            vec![compressed],
        ),
        (&small.0, format!("/{}", small.1), vec![compressed]),
        (&large.0, format!("/{}", large.1), vec![compressed]),
        ("GET /api/v1/me", "/api/v1/me".into(), vec![&bearer]),
        (
            "GET /api/v1/me/subscriptions",
            "/api/v1/me/subscriptions".into(),
            vec![&bearer, compressed],
        ),
        (
            "GET /api/v1/me/subscriptions 304",
            "/api/v1/me/subscriptions".into(),
            vec![&bearer, &subscriptions_tag],
        ),
        (
            "GET /api/v1/me/recipients",
            "/api/v1/me/recipients".into(),
            vec![&bearer, compressed],
        ),
        (
            "GET /api/v1/notices",
            "/api/v1/notices".into(),
            vec![compressed],
        ),
        (
            "GET /api/v1/notices (identity)",
            "/api/v1/notices".into(),
            vec![],
        ),
        (
            "GET /api/v1/products/{slug}",
            "/api/v1/products/id-federation".into(),
            vec![compressed],
        ),
        (
            "GET /feeds/notices.atom",
            "/feeds/notices.atom".into(),
            vec![compressed],
        ),
        (
            "GET /api/v1/catalog",
            "/api/v1/catalog".into(),
            vec![compressed],
        ),
        (
            "GET /api/v1/catalog 304",
            "/api/v1/catalog".into(),
            vec![&catalog_tag],
        ),
    ];
    println!(
        "\n{backend:?}: shirase (pid {}), RSS idle {idle:.0} MB",
        server.pid()
    );
    println!(
        "  {:<34} {:>11} {:>7} {:>8} {:>7} {:>7}",
        "endpoint", "requests/s", "ratio", "p99 ms", "× p99", "errors"
    );
    for (name, path, headers) in endpoints {
        let load = wrk(&url(&path), &headers, seconds)?;
        println!(
            "  {name:<34} {:>11.0} {:>7.3} {:>8.2} {:>7.2} {:>7}",
            load.rate,
            load.rate / baseline.rate,
            load.p99_ms,
            load.p99_ms / baseline.p99_ms,
            load.errors,
        );
        if path == format!("/{wasm}") {
            println!(
                "  {:<34} {:>19.3}",
                "  against actix, same bytes",
                load.rate / same_bytes.rate
            );
        }
    }
    println!("  RSS after the load: {:.0} MB", rss());
    Ok(())
}

/// Where `scripts/build-web` puts the built SPA.
const WEB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist");

/// The hashed names of the built SPA's main `.wasm` and `.js`, as its shell links them.
struct Spa {
    wasm: String,
    js: String,
}

impl Spa {
    fn read() -> anyhow::Result<Self> {
        let shell = std::fs::read_to_string(format!("{WEB}/index.html"))
            .context("the SPA is built (scripts/build-web)")?;
        let hashed = |pattern: &str| -> anyhow::Result<String> {
            Ok(regex::Regex::new(pattern)?
                .captures(&shell)
                .with_context(|| format!("the shell names {pattern}"))?[1]
                .to_owned())
        };
        Ok(Self {
            wasm: hashed(r"/(web-[0-9a-f]{8,16}_bg\.wasm)")?,
            js: hashed(r"/(web-[0-9a-f]{8,16}\.js)")?,
        })
    }
}

/// Loads `url` with wrk and reads its report.
fn wrk(url: &str, headers: &[&str], seconds: u32) -> anyhow::Result<Load> {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c64", &format!("-d{seconds}s"), "--latency"]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let out = cmd.arg(url).output().context("running wrk")?;
    ensure!(out.status.success(), "wrk failed: {:?}", out);
    let text = String::from_utf8_lossy(&out.stdout);
    let number = |prefix: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| {
                let (n, scale) = if let Some(n) = v.strip_suffix("ms") {
                    (n, 1.0)
                } else if let Some(n) = v.strip_suffix("us") {
                    (n, 0.001)
                } else if let Some(n) = v.strip_suffix('s') {
                    (n, 1000.0)
                } else {
                    (v, 1.0)
                };
                n.parse::<f64>().ok().map(|n| n * scale)
            })
    };
    let non_2xx_3xx: u64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    // "Socket errors: connect 0, read 0, write 0, timeout 3"
    let socket: u64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .map(|rest| {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    let errors = non_2xx_3xx + socket;
    Ok(Load {
        rate: number("Requests/sec:").context("wrk printed no rate")?,
        p99_ms: number("99%").context("wrk printed no p99")?,
        errors,
    })
}

/// An actix-web hello on its own port, two workers; returns its base URL. `/wasm` answers
/// with `wasm_br` as a brotli-encoded `.wasm`, a shared `Bytes` as the application serves it.
async fn hello(wasm_br: Vec<u8>) -> anyhow::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    let wasm_br = actix_web::web::Bytes::from(wasm_br);
    let server = actix_web::HttpServer::new(move || {
        let wasm_br = wasm_br.clone();
        actix_web::App::new()
            .route("/", actix_web::web::get().to(|| async { "Hello, world!" }))
            .route(
                "/wasm",
                actix_web::web::get().to(move || {
                    let body = wasm_br.clone();
                    async move {
                        actix_web::HttpResponse::Ok()
                            .content_type("application/wasm")
                            .insert_header(("content-encoding", "br"))
                            .body(body)
                    }
                }),
            )
    })
    .workers(2)
    .listen(listener)?
    .run();
    tokio::spawn(server);
    Ok(base)
}

/// The resident memory of process `pid`, from `/proc/<pid>/status`.
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
