//! The dispatch benchmark: `cargo run --release -p shirase-tests --bin bench`.
//!
//! For each backend: 100,000 verified addresses subscribed to ID Federation, and 10,000
//! more whose delivery hours exclude the instant; one outage is published over HTTP. It
//! prints (1) the time the publication took to write the audience and its ledger (a row per
//! address: 100,000 to send, 10,000 recorded as skipped by their window), (2) the rate at which the dispatcher delivered them into a counting SMTP
//! sink, (3) the rate at which a plain lettre sender with the same concurrency delivers the
//! same number of mails (one of the publication's own, rendered) into another such sink in
//! the same run, and (2)/(3).
//!
//! Then the same for webhooks: N generic webhook destinations (subscribed to another
//! product) and one outage of that product, (1) the publication, (2) the dispatcher's rate
//! of signed deliveries into a counting HTTP sink, (3) a plain reqwest sender posting the
//! same signed body with the same concurrency into another such sink, and (2)/(3).
//!
//! Options: `--addresses N` (default 100000), `--outside N` (default a tenth of the
//! addresses), `--webhooks N` (default 100000; 0 skips
//! them), `--backend sqlite|postgres|both` (default both), `--rounds N` (default 3; medians
//! are printed), `--only-dispatcher` (no baseline, for profiling).

#![allow(
    clippy::print_stdout,
    reason = "the printed figures are what it is for"
)]

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use api::clock::Clock;
use api::delivery::webhook::{payload, sign};
use api::mail::notice_mail::{NoticeContent, NoticeMailer};
use api::mail::templates::RenderedMail;
use futures_util::StreamExt;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;
use shared::domain::{Language, TimeZoneName};
use shared::dto::HookChannel;
use shirase_tests::cli::Options;
use shirase_tests::flows::operator_meanwhile;
use shirase_tests::{Backend, HookSink, Mode, SmtpSink, TestApp, fixtures};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::from_env();
    let addresses: u32 = options.number("--addresses", 100_000)?;
    let backends = options.backends()?;
    println!(
        "dispatch benchmark: {addresses} addresses, concurrency {}, {} CPU(s)",
        api::delivery::dispatcher::CONCURRENCY,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let rounds: u32 = options.number("--rounds", 3)?.max(1);
    let only_dispatcher = options.flag("--only-dispatcher");
    let webhooks: u32 = options.number("--webhooks", 100_000)?;
    let outside: u32 = options.number("--outside", addresses / 10)?;
    for backend in backends {
        if addresses > 0 {
            run(backend, addresses, outside, rounds, only_dispatcher).await?;
        }
        if webhooks > 0 {
            run_webhooks(backend, webhooks, rounds).await?;
        }
    }
    Ok(())
}

async fn run(
    backend: Backend,
    addresses: u32,
    outside: u32,
    rounds: u32,
    only_dispatcher: bool,
) -> anyhow::Result<()> {
    let (app, op) = bench_app(backend).await?;

    let seeding = Instant::now();
    let now = app.clock.now();
    app.db(move |conn| {
        fixtures::bulk_audience(conn, "id-federation", addresses)?;
        fixtures::bulk_outside(conn, "id-federation", outside, now)?;
        Ok(())
    })
    .await?;
    let seeded = seeding.elapsed();

    // Rounds alternate the baseline and the dispatcher, so that whatever else the machine
    // does weighs on both alike; medians are reported.
    let (mut fan_outs, mut deliveries, mut raws) = (Vec::new(), Vec::new(), Vec::new());
    let mut sample = None;
    for round in 0..rounds {
        let (fan_out, audience, publication) = publish(&app, &op, round).await?;
        anyhow::ensure!(audience == i64::from(addresses), "audience {audience}");
        let id = publication.clone();
        let skipped = app
            .db(move |conn| {
                use diesel::prelude::*;
                Ok(api::schema::deliveries::table
                    .filter(api::schema::deliveries::publication_id.eq(id))
                    .filter(api::schema::deliveries::status.eq("skipped"))
                    .count()
                    .get_result::<i64>(conn)?)
            })
            .await?;
        anyhow::ensure!(skipped == i64::from(outside), "skip rows {skipped}");
        fan_outs.push(fan_out);
        let mail = real_mail(&app, &publication).await?;
        sample = Some(mail.clone());
        if !only_dispatcher {
            let raw_sink = SmtpSink::start_counting().await?;
            raws.push(raw_rate(&raw_sink, mail, addresses as usize).await?);
        }

        let sink = SmtpSink::start_counting().await?;
        let dispatcher = app.dispatcher(&sink)?;
        let sending = Instant::now();
        let claimed = dispatcher.drain().await?;
        let delivery_time = sending.elapsed();
        anyhow::ensure!(
            sink.accepted() == addresses as usize && claimed == addresses as usize,
            "delivered {} of {addresses}",
            sink.accepted()
        );
        deliveries.push(f64::from(addresses) / delivery_time.as_secs_f64());
    }
    // lettre's pooled transport as it ships (Nagle on) is far slower; a small sample shows
    // by how much.
    let shipped_sink = SmtpSink::start_counting().await?;
    let sample = sample.context("no round ran")?;
    let shipped = shipped_rate(&shipped_sink, &sample, (addresses as usize).min(2_000)).await?;

    let (fan_out, delivery) = (median(&mut fan_outs), median(&mut deliveries));
    println!("\n{backend:?} (median of {rounds} rounds)");
    println!(
        "  seeding (not measured):             {:.2} s",
        seeded.as_secs_f64()
    );
    println!(
        "  (1) publication, audience + ledger: {fan_out:.3} s for {addresses} mails and {outside} skip rows (HTTP round trip included)"
    );
    println!("  (2) dispatcher delivery rate:       {delivery:.0} mails/s");
    if !only_dispatcher {
        let raw = median(&mut raws);
        println!(
            "  (3) plain lettre sender rate:       {raw:.0} mails/s (lettre connections, TCP_NODELAY)"
        );
        println!(
            "  ratio (2)/(3):                      {:.2}",
            delivery / raw
        );
    }
    println!(
        "  for reference, lettre's pooled transport as shipped (Nagle on): {shipped:.0} mails/s"
    );
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Publishes a new outage over HTTP; returns the seconds the publication took, its audience
/// and its id.
async fn publish(app: &TestApp, op: &str, round: u32) -> anyhow::Result<(f64, i64, String)> {
    publish_to(app, op, round, "id-federation").await
}

async fn publish_to(
    app: &TestApp,
    op: &str,
    round: u32,
    product: &str,
) -> anyhow::Result<(f64, i64, String)> {
    let draft = json!({
        "kind": "outage", "products": [product], "title_ja": format!("認証エラーの発生（{}）", round + 1),
        "title_en": "Sign-in errors",
        "body_ja": "現在、ID Federation で**認証エラー**が発生しています。\n\n- 影響: 一部のお客さまがログインできません\n- 回避策: 時間をおいて再度お試しください",
        "body_en": "Some customers cannot sign in. Please retry later.",
        "starts_at": "2026-12-02T01:00:00Z",
    });
    let created = app.post("/api/v1/notices", Some(op), draft).await?;
    anyhow::ensure!(created.status == 201, "{created:?}");
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    let publishing = Instant::now();
    let res = app
        .post(
            &format!("/api/v1/notices/{id}/publication"),
            Some(op),
            json!({}),
        )
        .await?;
    let elapsed = publishing.elapsed().as_secs_f64();
    anyhow::ensure!(res.status == 202, "{res:?}");
    Ok((
        elapsed,
        res.body["audience"].as_i64().unwrap_or_default(),
        res.body["publication_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    ))
}

/// One real mail of the publication (rendered as the dispatcher renders it), which the
/// baselines send to every address: the same bytes, so the same encoding work.
async fn real_mail(app: &TestApp, publication: &str) -> anyhow::Result<Arc<RenderedMail>> {
    let mailer = NoticeMailer::new(
        app.state.templates.clone(),
        app.state.unsubscribe.clone(),
        app.state.settings.public_url.as_str(),
    );
    let id = publication.to_owned();
    let content = app
        .db(move |conn| {
            NoticeContent::load(conn, &id)?.ok_or_else(|| anyhow::anyhow!("no publication"))
        })
        .await?;
    mailer.remember(publication.to_owned(), content);
    let mail = mailer.compose(
        publication,
        "bulk-r-0",
        Language::Ja,
        TimeZoneName::DEFAULT,
        None,
    )?;
    Ok(Arc::new(mail.mail))
}

fn message(mail: &RenderedMail, i: usize) -> anyhow::Result<Message> {
    let from: Mailbox = "Shirase <no-reply@shirase.test>".parse()?;
    Ok(Message::builder()
        .from(from)
        .to(format!("user{i}@bulk.test").parse()?)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<raw.{i}@shirase.test>")))
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))?)
}

/// Mails per second from bare lettre: `CONCURRENCY` connections on sockets with
/// `TCP_NODELAY`, each sending its share back to back, messages built as they go, nothing
/// recorded anywhere. What the dispatcher does, minus the database and the rendering.
async fn raw_rate(sink: &SmtpSink, mail: Arc<RenderedMail>, count: usize) -> anyhow::Result<f64> {
    let concurrency = api::delivery::dispatcher::CONCURRENCY;
    let addr = sink.url().trim_start_matches("smtp://").to_owned();
    let started = Instant::now();
    // One task per connection, as the dispatcher spreads its attempts over every core.
    let senders = (0..concurrency).map(|worker| {
        let (addr, mail) = (addr.clone(), mail.clone());
        tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&addr).await?;
            stream.set_nodelay(true)?;
            let mut conn =
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &ClientId::default())
                    .await?;
            for i in (worker..count).step_by(concurrency) {
                let message = message(&mail, i)?;
                conn.send(message.envelope(), &message.formatted()).await?;
            }
            anyhow::Ok(())
        })
    });
    for result in futures_util::future::join_all(senders).await {
        result??;
    }
    let elapsed = started.elapsed();
    anyhow::ensure!(
        sink.accepted() == count,
        "raw sink accepted {}",
        sink.accepted()
    );
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// Mails per second from lettre's `AsyncSmtpTransport` with a pool of `CONCURRENCY`.
async fn shipped_rate(sink: &SmtpSink, mail: &RenderedMail, count: usize) -> anyhow::Result<f64> {
    let concurrency = api::delivery::dispatcher::CONCURRENCY;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&sink.url())?
        .pool_config(PoolConfig::new().max_size(concurrency as u32))
        .build();
    let started = Instant::now();
    let failures = futures_util::stream::iter(0..count)
        .map(|i| {
            let transport = &transport;
            async move {
                transport.send(message(mail, i)?).await?;
                anyhow::Ok(())
            }
        })
        .buffer_unordered(concurrency)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    let elapsed = started.elapsed();
    anyhow::ensure!(failures == 0, "{failures} sends failed");
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// An application with no dispatcher of its own (the bench runs them) and an operator,
/// signed up while a helper dispatcher sends the sign-up mails.
async fn bench_app(backend: Backend) -> anyhow::Result<(TestApp, String)> {
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let app = TestApp::spawn_with(backend, mode)
        .await?
        .context("PostgreSQL is not reachable")?;
    let op = operator_meanwhile(&app, "bench-operator@example.com").await?;
    Ok((app, op))
}

/// The webhook half: `hooks` generic webhook destinations of another product, one outage
/// of it per round.
async fn run_webhooks(backend: Backend, hooks: u32, rounds: u32) -> anyhow::Result<()> {
    const PRODUCT: &str = "directory-service";
    let (app, op) = bench_app(backend).await?;
    // Every destination posts to this sink; the baseline gets a sink of its own.
    let sink = HookSink::start_counting().await?;
    let url = sink.url("/hook");
    app.db(move |conn| {
        fixtures::bulk_hooks(conn, PRODUCT, hooks, &url)?;
        Ok(())
    })
    .await?;
    let (mut fan_outs, mut deliveries, mut raws) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (fan_out, audience, publication) = publish_to(&app, &op, round, PRODUCT).await?;
        anyhow::ensure!(audience == i64::from(hooks), "audience {audience}");
        fan_outs.push(fan_out);
        let body = real_event(&app, &publication).await?;
        let raw_sink = HookSink::start_counting().await?;
        let cpu = process_cpu();
        raws.push(raw_hook_rate(&raw_sink, body, hooks as usize).await?);
        let raw_cpu = process_cpu() - cpu;

        let before = sink.count();
        let cpu = process_cpu();
        let dispatcher = app.dispatcher(&app.smtp)?;
        let sending = Instant::now();
        let claimed = dispatcher.drain().await?;
        let elapsed = sending.elapsed();
        let dispatch_cpu = process_cpu() - cpu;
        println!(
            "  round {}: CPU of this process per request: baseline {:.0} µs, dispatcher {:.0} µs",
            round + 1,
            raw_cpu * 1e6 / f64::from(hooks),
            dispatch_cpu * 1e6 / f64::from(hooks)
        );
        anyhow::ensure!(
            sink.count() - before == hooks as usize && claimed == hooks as usize,
            "delivered {} of {hooks}",
            sink.count() - before
        );
        deliveries.push(f64::from(hooks) / elapsed.as_secs_f64());
    }
    let (fan_out, delivery, raw) = (
        median(&mut fan_outs),
        median(&mut deliveries),
        median(&mut raws),
    );
    println!("\n{backend:?}, webhooks (median of {rounds} rounds)");
    println!(
        "  (1) publication, audience + ledger: {fan_out:.3} s for {hooks} webhook deliveries (HTTP round trip included)"
    );
    println!("  (2) dispatcher delivery rate:       {delivery:.0} requests/s");
    println!(
        "  (3) plain reqwest sender rate:      {raw:.0} requests/s (same concurrency, same signed body)"
    );
    println!(
        "  ratio (2)/(3):                      {:.2}",
        delivery / raw
    );
    Ok(())
}

/// One real delivery body of the publication, as a generic webhook destination gets it.
async fn real_event(app: &TestApp, publication: &str) -> anyhow::Result<Arc<String>> {
    let id = publication.to_owned();
    let content = app
        .db(move |conn| {
            NoticeContent::load(conn, &id)?.ok_or_else(|| anyhow::anyhow!("no publication"))
        })
        .await?;
    let event = payload::notice_event(
        &content,
        publication,
        "bulk-h-0",
        "msg_bench",
        app.state.settings.public_url.as_str(),
        None,
    );
    Ok(Arc::new(payload::body(
        HookChannel::Webhook,
        &event,
        Language::Ja,
        TimeZoneName::DEFAULT,
    )?))
}

/// Requests per second from a bare reqwest client: `CONCURRENCY` tasks, each posting its
/// share back to back, each request signed as the dispatcher signs it; nothing recorded.
async fn raw_hook_rate(sink: &HookSink, body: Arc<String>, count: usize) -> anyhow::Result<f64> {
    let concurrency = api::delivery::dispatcher::CONCURRENCY;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .build()?;
    let url = sink.url("/hook");
    let secret = api::models::webhook::new_secret();
    let started = Instant::now();
    let senders = (0..concurrency).map(|worker| {
        let (client, url, body, secret) =
            (client.clone(), url.clone(), body.clone(), secret.clone());
        tokio::spawn(async move {
            for i in (worker..count).step_by(concurrency) {
                let id = format!("msg_raw{i}");
                let timestamp = chrono::Utc::now().timestamp();
                let signature = sign::signature(&[secret.as_str()], &id, timestamp, &body);
                let res = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("webhook-id", &id)
                    .header("webhook-timestamp", timestamp.to_string())
                    .header("webhook-signature", signature)
                    .body(body.as_str().to_owned())
                    .send()
                    .await?;
                anyhow::ensure!(res.status().is_success(), "{}", res.status());
                res.bytes().await?;
            }
            anyhow::Ok(())
        })
    });
    for result in futures_util::future::join_all(senders).await {
        result??;
    }
    let elapsed = started.elapsed();
    anyhow::ensure!(sink.count() == count, "raw sink answered {}", sink.count());
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// CPU seconds this process has used (user and system), from `/proc/self/stat`; 0 where
/// that file is missing.
fn process_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}
