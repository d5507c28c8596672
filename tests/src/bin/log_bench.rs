//! The delivery-log benchmark: `cargo run --release -p shirase-tests --bin log_bench`.
//!
//! For each backend: an account with 10 delivery addresses, 10,000 past publications (100
//! notices of 100 publications each) that each reached those 10 addresses and 40 other
//! accounts' addresses, so 500,000 delivery rows, 1 in 50 of them skipped by its window.
//! It prints, as medians of `--runs` (default 20), the time of a page of 50 of the log read
//! through the service the API handler calls (the first page, a page 5,000 rows deep, the
//! rare skipped rows, one notice's rows) and over HTTP, each against a baseline in the same
//! run: reading one delivery by its primary key. Then the plans of the log's statement.
//!
//! Options: `--backend sqlite|postgres|both` (default both), `--runs N`.

#![allow(
    clippy::print_stdout,
    reason = "the printed figures are what it is for"
)]

use std::time::Instant;

use anyhow::Context;
use api::delivery::ledger::{self, LogFilter};
use diesel::prelude::*;
use shared::dto::{DeliveryLogFilter, DeliveryState};
use shirase_tests::cli::Options;
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::customer;
use shirase_tests::{Backend, Mode, TestApp};

const OURS: u32 = 10;
const OTHERS: u32 = 40;
const NOTICES: u32 = 100;
const PER_NOTICE: u32 = 100;
const OWNER: &str = "log-owner@example.com";
/// Deliveries of a publication being dispatched, for the last measurement.
const QUEUED: u32 = 100_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::from_env();
    let runs: usize = options.number("--runs", 20)?.max(1);
    println!(
        "delivery-log benchmark: {OURS} destinations, {} publications, {} delivery rows",
        NOTICES * PER_NOTICE,
        NOTICES * PER_NOTICE * (OURS + OTHERS)
    );
    for backend in options.backends()? {
        run(backend, runs).await?;
    }
    Ok(())
}

/// `WITH RECURSIVE n(i)` from 0 to `count - 1`.
fn numbers(name: &str, count: u32) -> String {
    format!("{name}(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM {name} WHERE i + 1 < {count})")
}

async fn seed(app: &TestApp) -> anyhow::Result<(String, String)> {
    let token = customer(app, OWNER).await?.access_token;
    let account = app
        .db(|conn| {
            let account = fixtures::account_id(conn, OWNER)?;
            for j in 1..OURS {
                fixtures::address(conn, &account, Address::new(&format!("log{j}@bulk.test")))?;
            }
            Ok(account)
        })
        .await?;
    let publications = NOTICES * PER_NOTICE;
    let notices = format!(
        "WITH RECURSIVE {} INSERT INTO notices (id, kind, title_ja, title_en, body_ja, body_en, \
         status, starts_at, ends_at, created_by, created_at, updated_at, published_at) \
         SELECT 'log-n-' || (100000 + i), 'outage', '障害 ' || i, NULL, '本文', NULL, \
         'investigating', CURRENT_TIMESTAMP, NULL, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, \
         CURRENT_TIMESTAMP FROM n",
        numbers("n", NOTICES)
    );
    // Publication ids grow with their number, as time-ordered ids do.
    let publication_rows = format!(
        "WITH RECURSIVE {} INSERT INTO publications (id, notice_id, sequence, body_ja, body_en, \
         status, starts_at, ends_at, issued_at, audience, skipped) \
         SELECT 'log-p-' || (100000000 + i), 'log-n-' || (100000 + i / {PER_NOTICE}), \
         i % {PER_NOTICE}, '本文', NULL, 'investigating', CURRENT_TIMESTAMP, NULL, \
         CURRENT_TIMESTAMP, {OURS} + {OTHERS}, 0 FROM n",
        numbers("n", publications)
    );
    // Our ten addresses are the login address and log1..log9; the others belong to nobody
    // the benchmark reads as.
    let deliveries = format!(
        "WITH RECURSIVE {}, {} INSERT INTO deliveries (id, destination, message_id, status, \
         skip_reason, attempts, due_at, created_at, sent_at, publication_id, destination_id, \
         language, time_zone, channel, carries) \
         SELECT 'log-p-' || (100000000 + p.i) || '.' || (1000000000 + d.i), \
         CASE WHEN d.i = 0 THEN '{OWNER}' WHEN d.i < {OURS} THEN 'log' || d.i || '@bulk.test' \
         ELSE 'other' || d.i || '@bulk.test' END, \
         '<' || p.i || '.' || d.i || '@bench>', \
         CASE WHEN (p.i + d.i) % 50 = 0 THEN 'skipped' ELSE 'sent' END, \
         CASE WHEN (p.i + d.i) % 50 = 0 THEN 'window' END, \
         CASE WHEN (p.i + d.i) % 50 = 0 THEN 0 ELSE 1 END, \
         CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, \
         CASE WHEN (p.i + d.i) % 50 = 0 THEN NULL ELSE CURRENT_TIMESTAMP END, \
         'log-p-' || (100000000 + p.i), NULL, 'ja', 'Asia/Tokyo', 'email', 'notice' \
         FROM p CROSS JOIN d",
        numbers("p", publications),
        numbers("d", OURS + OTHERS)
    );
    app.db(move |conn| {
        for sql in [&notices, &publication_rows, &deliveries] {
            diesel::sql_query(sql.as_str()).execute(conn)?;
        }
        // An established system's statistics are current.
        diesel::sql_query("ANALYZE").execute(conn)?;
        Ok(())
    })
    .await?;
    Ok((account, token))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Median milliseconds of `runs` calls of `f` on the application's own pool.
async fn time<T: Send + 'static>(
    app: &TestApp,
    runs: usize,
    f: impl Fn(&mut api::db::DbConnection) -> anyhow::Result<T> + Send + Sync + Clone + 'static,
) -> anyhow::Result<(f64, T)> {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let f = f.clone();
        let (took, value) = app
            .db(move |conn| {
                let started = Instant::now();
                let value = f(conn)?;
                Ok((started.elapsed().as_secs_f64() * 1000.0, value))
            })
            .await?;
        times.push(took);
        last = Some(value);
    }
    Ok((median(times), last.context("no run")?))
}

fn filter(
    state: Option<DeliveryState>,
    notice: Option<&str>,
    cursor: Option<&str>,
) -> DeliveryLogFilter {
    DeliveryLogFilter {
        notice: notice.map(str::to_owned),
        destination: None,
        state,
        cursor: cursor.map(str::to_owned),
        limit: 50,
    }
}

async fn run(backend: Backend, runs: usize) -> anyhow::Result<()> {
    // With its dispatcher (the account's activation mail is sent): the seeded rows are
    // history, nothing is pending.
    let app = TestApp::spawn_with(backend, Mode::default())
        .await?
        .context("PostgreSQL is not reachable")?;
    let seeding = Instant::now();
    let (account, token) = seed(&app).await?;
    let seeded = seeding.elapsed();

    let (baseline, _) = time(&app, runs, |conn| {
        Ok(api::schema::deliveries::table
            .find("log-p-100005000.1000000003")
            .select(api::schema::deliveries::status)
            .first::<String>(conn)?)
    })
    .await?;
    let page = |f: DeliveryLogFilter| {
        let account = account.clone();
        move |conn: &mut api::db::DbConnection| {
            api::services::deliveries::page(conn, &account, &f).map_err(|e| anyhow::anyhow!("{e}"))
        }
    };
    let (first, first_page) = time(&app, runs, page(filter(None, None, None))).await?;
    anyhow::ensure!(
        first_page.entries.len() == 50,
        "a first page of {}",
        first_page.entries.len()
    );
    // 5,000 rows deep: the cursor of publication 9,500 for the tenth address.
    let deep_cursor = format!("log-p-{}.{}", 100_000_000 + 9_500, 1_000_000_000 + OURS - 1);
    let (deep, deep_page) = time(&app, runs, page(filter(None, None, Some(&deep_cursor)))).await?;
    anyhow::ensure!(
        deep_page.entries.len() == 50,
        "a deep page of {}",
        deep_page.entries.len()
    );
    let (skipped, skipped_page) = time(
        &app,
        runs,
        page(filter(Some(DeliveryState::SkippedWindow), None, None)),
    )
    .await?;
    anyhow::ensure!(
        skipped_page
            .entries
            .iter()
            .all(|e| e.state == DeliveryState::SkippedWindow)
            && skipped_page.entries.len() == 50,
        "skipped rows: {}",
        skipped_page.entries.len()
    );
    let notice = "log-n-100050";
    let (one_notice, notice_page) =
        time(&app, runs, page(filter(None, Some(notice), None))).await?;
    anyhow::ensure!(
        notice_page.entries.len() == 50,
        "one notice's rows: {}",
        notice_page.entries.len()
    );

    let mut http = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let res = app.get("/api/v1/me/deliveries", Some(&token)).await?;
        http.push(started.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(res.status == 200, "{res:?}");
    }
    let http = median(http);

    println!("\n{backend:?} (medians of {runs} runs)");
    println!(
        "  seeding (not measured):           {:.1} s",
        seeded.as_secs_f64()
    );
    println!("  baseline, one delivery by its key: {baseline:.3} ms");
    for (what, ms) in [
        ("first page of 50", first),
        ("a page 5,000 rows deep", deep),
        ("skipped_window rows only (1 in 50)", skipped),
        ("one notice's rows", one_notice),
        ("first page over HTTP (JWT, JSON)", http),
    ] {
        println!(
            "  {what:<36} {ms:>8.3} ms  ({:.1} x baseline)",
            ms / baseline
        );
    }
    let destinations: Vec<String> = std::iter::once(OWNER.to_owned())
        .chain((1..OURS).map(|j| format!("log{j}@bulk.test")))
        .collect();
    let plan = |publications: Option<(Vec<String>, String, Option<String>)>,
                before: Option<String>| {
        let destinations = destinations.clone();
        app.db(move |conn| {
            Ok(ledger::explain_log(
                conn,
                &LogFilter {
                    destinations: &destinations,
                    publications: publications.as_ref().map(|(ids, from, until)| {
                        (ids.as_slice(), from.as_str(), until.as_deref())
                    }),
                    state: None,
                    before: before.as_deref(),
                    limit: 51,
                },
            )?)
        })
    };
    println!("  plan of the first page's statement:");
    for line in plan(None, None).await? {
        println!("    {line}");
    }
    println!("  plan of the page 5,000 rows deep:");
    for line in plan(None, Some(deep_cursor.clone())).await? {
        println!("    {line}");
    }
    let ids: Vec<String> = (5_000..5_100)
        .map(|i| format!("log-p-{}", 100_000_000 + i))
        .collect();
    let span = (
        ids[0].clone(),
        Some(format!("log-p-{}", 100_000_000 + 5_100)),
    );
    println!("  plan of one notice's rows:");
    for line in plan(Some((ids, span.0, span.1)), None).await? {
        println!("    {line}");
    }

    // A publication being dispatched: its 100,000 deliveries await their first attempt, ten
    // of them ours, and the log reads them off the queue. Due tomorrow, so that the
    // application's dispatcher leaves them be; not analysed, as a fan-out's rows are not.
    let backlog = format!(
        "WITH RECURSIVE {} INSERT INTO deliveries (id, destination, message_id, status, \
         attempts, due_at, created_at, publication_id, language, time_zone, channel, carries) \
         SELECT 'log-p-{queued}.' || (1000000000 + n.i), \
         CASE WHEN n.i = 0 THEN '{OWNER}' WHEN n.i < {OURS} THEN 'log' || n.i || '@bulk.test' \
         ELSE 'queued' || n.i || '@bulk.test' END, '<q' || n.i || '@bench>', 'pending', 0, \
         '{tomorrow}', '{tomorrow}', 'log-p-{queued}', 'ja', 'Asia/Tokyo', 'email', 'notice' \
         FROM n",
        numbers("n", QUEUED),
        queued = 100_000_000 + NOTICES * PER_NOTICE,
        tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d %H:%M:%S"),
    );
    let publication = format!(
        "INSERT INTO publications (id, notice_id, sequence, body_ja, status, starts_at, \
         issued_at, audience, skipped) VALUES ('log-p-{}', 'log-n-100000', {PER_NOTICE}, \
         '本文', 'investigating', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, {QUEUED}, 0)",
        100_000_000 + NOTICES * PER_NOTICE
    );
    app.db(move |conn| {
        for sql in [&publication, &backlog] {
            diesel::sql_query(sql.as_str()).execute(conn)?;
        }
        Ok(())
    })
    .await?;
    let (queued, queued_page) = time(&app, runs, page(filter(None, None, None))).await?;
    anyhow::ensure!(
        queued_page.entries.len() == 50
            && queued_page.entries[..OURS as usize]
                .iter()
                .all(|e| e.state == DeliveryState::Queued),
        "a first page behind a queue: {:?}",
        queued_page.entries.first()
    );
    println!(
        "  first page, {QUEUED} deliveries queued {queued:>8.3} ms  ({:.1} x baseline)",
        queued / baseline
    );
    println!("  plan of that page's statement:");
    for line in plan(None, None).await? {
        println!("    {line}");
    }
    Ok(())
}
