//! The dispatch benchmark: `cargo run --release -p shirase-tests --bin bench`.
//!
//! For each backend: 100,000 verified addresses subscribed to ID Federation; one outage is
//! published over HTTP. It prints (1) the time the publication took to write the audience
//! and its outbox, (2) the rate at which the dispatcher delivered them into a counting SMTP
//! sink, (3) the rate at which a plain lettre sender with the same concurrency delivers the
//! same number of mails into another such sink in the same run, and (2)/(3).
//!
//! Options: `--addresses N` (default 100000), `--backend sqlite|postgres|both` (default both).

use std::time::Instant;

use anyhow::Context;
use futures_util::StreamExt;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;
use shirase_tests::flows::operator;
use shirase_tests::{Backend, Mode, SmtpSink, TestApp, fixtures};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let addresses: u32 = option("--addresses")
        .map(|n| n.parse())
        .transpose()
        .context("--addresses takes a number")?
        .unwrap_or(100_000);
    let backends = match option("--backend").as_deref() {
        None | Some("both") => vec![Backend::Sqlite, Backend::Postgres],
        Some("sqlite") => vec![Backend::Sqlite],
        Some("postgres") => vec![Backend::Postgres],
        Some(other) => anyhow::bail!("--backend sqlite|postgres|both, not {other}"),
    };
    println!(
        "dispatch benchmark: {addresses} addresses, concurrency {}, {} CPU(s)",
        api::mail::dispatcher::CONCURRENCY,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for backend in backends {
        run(backend, addresses).await?;
    }
    Ok(())
}

async fn run(backend: Backend, addresses: u32) -> anyhow::Result<()> {
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let app = TestApp::spawn_with(backend, mode)
        .await?
        .context("PostgreSQL is not reachable")?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let helper = tokio::spawn(app.dispatcher(&app.smtp)?.run(stopped));
    let op = operator(&app, "bench-operator@example.com").await?;
    let _ = stop.send(true);
    helper.await?;

    let seeding = Instant::now();
    app.db(move |conn| fixtures::bulk_audience(conn, "id-federation", addresses))
        .await?;
    let seeded = seeding.elapsed();

    let draft = json!({
        "kind": "outage", "products": ["id-federation"], "title_ja": "認証エラーの発生",
        "title_en": "Sign-in errors",
        "body_ja": "現在、ID Federation で**認証エラー**が発生しています。\n\n- 影響: 一部のお客さまがログインできません\n- 回避策: 時間をおいて再度お試しください",
        "body_en": "Some customers cannot sign in. Please retry later.",
        "starts_at": "2026-12-02T01:00:00Z",
    });
    let created = app.post("/api/v1/notices", Some(&op), draft).await?;
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    let publishing = Instant::now();
    let res = app
        .post(
            &format!("/api/v1/notices/{id}/publication"),
            Some(&op),
            json!({}),
        )
        .await?;
    let fan_out = publishing.elapsed();
    anyhow::ensure!(res.status == 202, "{res:?}");
    let audience = res.body["audience"].as_i64().unwrap_or_default();
    anyhow::ensure!(audience == i64::from(addresses), "audience {audience}");

    // Baseline first: a plain lettre sender, the same number of mails, the same concurrency.
    let raw_sink = SmtpSink::start_counting().await?;
    let raw = raw_rate(&raw_sink, addresses as usize).await?;

    let sink = SmtpSink::start_counting().await?;
    let dispatcher = app.dispatcher(&sink)?;
    let sending = Instant::now();
    let mut claimed = 0;
    loop {
        let n = dispatcher.drain_once().await?;
        if n == 0 {
            break;
        }
        claimed += n;
    }
    let delivery_time = sending.elapsed();
    anyhow::ensure!(
        sink.accepted() == addresses as usize && claimed == addresses as usize,
        "delivered {} of {addresses}",
        sink.accepted()
    );
    let delivery = f64::from(addresses) / delivery_time.as_secs_f64();

    println!("\n{backend:?}");
    println!(
        "  seeding (not measured):             {:.2} s",
        seeded.as_secs_f64()
    );
    println!(
        "  (1) publication, audience + outbox: {:.3} s for {audience} mails (HTTP round trip included)",
        fan_out.as_secs_f64()
    );
    println!(
        "  (2) dispatcher delivery rate:       {delivery:.0} mails/s ({:.1} s)",
        delivery_time.as_secs_f64()
    );
    println!("  (3) plain lettre sender rate:       {raw:.0} mails/s");
    println!(
        "  ratio (2)/(3):                      {:.2}",
        delivery / raw
    );
    Ok(())
}

/// Mails per second from a bare lettre sender: a message of a notice mail's size built per
/// recipient, sent on a pool of `CONCURRENCY` connections, nothing recorded anywhere.
async fn raw_rate(sink: &SmtpSink, count: usize) -> anyhow::Result<f64> {
    let concurrency = api::mail::dispatcher::CONCURRENCY;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&sink.url())?
        .pool_config(PoolConfig::new().max_size(concurrency as u32))
        .build();
    let from: Mailbox = "Shirase <no-reply@shirase.test>".parse()?;
    let text = "本文 ".repeat(400);
    let html = format!("<p>{}</p>", "本文 ".repeat(600));
    let started = Instant::now();
    let failures = futures_util::stream::iter(0..count)
        .map(|i| {
            let (transport, from, text, html) = (&transport, from.clone(), &text, &html);
            async move {
                let message = Message::builder()
                    .from(from)
                    .to(format!("user{i}@bulk.test").parse()?)
                    .subject("【故障情報】ID Federation 認証エラーの発生")
                    .message_id(Some(format!("<raw.{i}@shirase.test>")))
                    .multipart(MultiPart::alternative_plain_html(
                        text.clone(),
                        html.clone(),
                    ))?;
                transport.send(message).await?;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(concurrency)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    let elapsed = started.elapsed();
    anyhow::ensure!(failures == 0, "{failures} raw sends failed");
    anyhow::ensure!(
        sink.accepted() == count,
        "raw sink accepted {}",
        sink.accepted()
    );
    Ok(count as f64 / elapsed.as_secs_f64())
}
