//! The delivery log, on SQLite and PostgreSQL: every destination a publication concerns has
//! a row, sent or skipped with its reason; customers read only their own, a page at a time;
//! operators export a notice's outcomes, addresses masked; old history is pruned.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use shared::domain::{DeliveryWindow, Weekday};
use shared::dto::{CreatedToken, DeliveryLogPage, DeliveryState, NoticeDeliveries};
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::{PASSWORD, customer, field_code, login, meanwhile, operator, publish};
use shirase_tests::smtp::Script;
use shirase_tests::{Backend, Mode, Reply, TestApp, backend_tests};

const A: &str = "id-federation";

fn window(days: &[Weekday], hours: &[u8]) -> DeliveryWindow {
    DeliveryWindow::new(days, hours).unwrap_or(DeliveryWindow::NONE)
}

fn outage(title: &str) -> Value {
    json!({
        "kind": "outage", "products": [A], "title_ja": title, "title_en": format!("{title} (en)"),
        "body_ja": "現在、認証エラーが発生しています。", "starts_at": "2026-12-02T01:00:00Z",
    })
}

async fn log(app: &TestApp, token: &str, query: &str) -> anyhow::Result<DeliveryLogPage> {
    let res = app
        .get(&format!("/api/v1/me/deliveries{query}"), Some(token))
        .await?;
    anyhow::ensure!(res.status == 200, "{res:?}");
    res.json()
}

/// Each destination's state in a page, by label.
fn states(page: &DeliveryLogPage) -> BTreeMap<String, DeliveryState> {
    page.entries
        .iter()
        .map(|e| (e.destination.label.clone(), e.state))
        .collect()
}

/// Waits (10 s at most) until nothing of the notice is pending.
async fn settled(app: &TestApp, op: &str, id: &str) -> anyhow::Result<NoticeDeliveries> {
    for _ in 0..100 {
        let res = app
            .get(&format!("/api/v1/notices/{id}/deliveries"), Some(op))
            .await?;
        let d: NoticeDeliveries = res.json()?;
        if d.pending == 0 {
            return Ok(d);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the deliveries of {id} did not settle")
}

async fn signed_in(app: &TestApp, email: &str) -> anyhow::Result<String> {
    let res = login(app, email, PASSWORD).await?;
    anyhow::ensure!(res.status == 200, "{res:?}");
    Ok(res.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

backend_tests! {
    async fn the_log_says_why_each_destination_got_a_notice_or_not(app: TestApp) -> anyhow::Result<()> {
        // Wednesday 2 December 2026, 10:30 in Tokyo.
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 1, 30, 0).single().unwrap_or_default();
        app.clock.set(t);
        let op = operator(&app, "op@example.com").await?;
        let owner = customer(&app, "owner@example.com").await?.access_token;
        let other = customer(&app, "other@example.com").await?.access_token;
        let (inside, outside) = app
            .db(|conn| {
                let acc = fixtures::account_id(conn, "owner@example.com")?;
                fixtures::subscribe(conn, &acc, A, false, true)?;
                let inside = fixtures::address(conn, &acc, Address {
                    window: window(&[Weekday::Wed], &[10]),
                    ..Address::new("inside@example.com")
                })?;
                let outside = fixtures::address(conn, &acc, Address {
                    window: window(&[Weekday::Wed], &[11]),
                    ..Address::new("outside@example.com")
                })?;
                let opted = fixtures::address(conn, &acc, Address::new("opted@example.com"))?;
                fixtures::opt_out(conn, &opted, A, "outage")?;
                fixtures::address(conn, &acc, Address {
                    verified: false,
                    ..Address::new("unconfirmed@example.com")
                })?;
                let acc = fixtures::account_id(conn, "other@example.com")?;
                fixtures::subscribe(conn, &acc, A, false, true)?;
                Ok((inside, outside))
            })
            .await?;
        let (notice, receipt) = publish(&app, &op, outage("認証エラー")).await?;
        settled(&app, &op, &notice).await?;

        // One row per destination the notice concerns, with the reason for each left out;
        // an unconfirmed address is not one of them.
        let page = log(&app, &owner, &format!("?notice={notice}")).await?;
        assert_eq!(
            states(&page),
            BTreeMap::from([
                ("inside@example.com".to_owned(), DeliveryState::Sent),
                ("opted@example.com".to_owned(), DeliveryState::SkippedUnsubscribed),
                ("outside@example.com".to_owned(), DeliveryState::SkippedWindow),
                ("owner@example.com".to_owned(), DeliveryState::Sent),
            ])
        );
        assert_eq!(receipt.skipped, 1, "only the window counts as skipped: {receipt:?}");
        for e in &page.entries {
            assert_eq!(e.notice_id, notice);
            assert_eq!(e.title_en.as_deref(), Some("認証エラー (en)"));
            assert_eq!(e.publication_id, receipt.publication_id);
            match e.state {
                DeliveryState::Sent => {
                    assert_eq!(e.reply_code.as_deref(), Some("250"), "{e:?}");
                    assert!(e.sent_at.is_some());
                }
                _ => assert!(e.sent_at.is_none() && e.reply_code.is_none(), "{e:?}"),
            }
        }
        assert_eq!(
            page.entries.iter().find(|e| e.destination.label == "outside@example.com").map(|e| e.destination.id.clone()),
            Some(outside.clone())
        );

        // Each customer reads their own rows only.
        let theirs = log(&app, &other, "").await?;
        assert_eq!(
            states(&theirs),
            BTreeMap::from([("other@example.com".to_owned(), DeliveryState::Sent)])
        );
        let res = app.get(&format!("/api/v1/me/deliveries?destination={inside}"), Some(&other)).await?;
        assert_eq!(res.status, 404, "{res:?}");
        res.problem()?;
        let res = app
            .get("/api/v1/me/deliveries?notice=0190a1b2-0000-7000-8000-000000000000", Some(&owner))
            .await?;
        assert_eq!(res.status, 404, "{res:?}");
        // Bad filters are named.
        let res = app.get("/api/v1/me/deliveries?status=lost&cursor=x%27%20OR%201%3D1&limit=0", Some(&owner)).await?;
        assert_eq!(res.status, 400, "{res:?}");
        for field in ["status", "cursor", "limit"] {
            assert_eq!(field_code(&res.body, field).as_deref(), Some("invalid_value"), "{field}: {res:?}");
        }

        // Filters and pages: an update is newest, and a page at a time returns each row once.
        app.clock.set(t + chrono::Duration::hours(1));
        // An hour on, the access tokens have expired: sign in again.
        let op = signed_in(&app, "op@example.com").await?;
        let owner = signed_in(&app, "owner@example.com").await?;
        let res = app
            .post(&format!("/api/v1/notices/{notice}/updates"), Some(&op), json!({"body_ja": "復旧しました。", "status": "resolved"}))
            .await?;
        assert_eq!(res.status, 202, "{res:?}");
        settled(&app, &op, &notice).await?;
        let all = log(&app, &owner, "").await?;
        assert_eq!(all.entries.len(), 8);
        assert!(all.next_cursor.is_none());
        assert!(all.entries[..4].iter().all(|e| e.sequence == 1), "newest first: {:?}", all.entries);
        // At 11:30 the window that excluded 10:30 takes the update.
        let outside_rows = log(&app, &owner, &format!("?destination={outside}")).await?;
        assert_eq!(
            outside_rows.entries.iter().map(|e| e.state).collect::<Vec<_>>(),
            [DeliveryState::Sent, DeliveryState::SkippedWindow]
        );
        let skipped = log(&app, &owner, "?status=skipped_window").await?;
        assert_eq!(skipped.entries.len(), 2, "{skipped:?}");
        let mut walked = Vec::new();
        let mut query = "?limit=3".to_owned();
        loop {
            let page = log(&app, &owner, &query).await?;
            assert!(page.entries.len() <= 3);
            walked.extend(page.entries.into_iter().map(|e| (e.publication_id, e.destination.id)));
            match page.next_cursor {
                Some(c) => query = format!("?limit=3&cursor={c}"),
                None => break,
            }
        }
        let expected: Vec<(String, String)> = all
            .entries
            .iter()
            .map(|e| (e.publication_id.clone(), e.destination.id.clone()))
            .collect();
        assert_eq!(walked, expected);

        // Integrations read it with a `read` token; a `manage`-only token may not.
        for (scopes, status) in [(json!(["read"]), 200), (json!(["manage"]), 403)] {
            let res = app.post("/api/v1/me/tokens", Some(&owner), json!({"name": "log", "scopes": scopes})).await?;
            let token = res.json::<CreatedToken>()?.secret;
            assert_eq!(app.get("/api/v1/me/deliveries", Some(&token)).await?.status, status);
        }

        // Operators export every outcome of the notice, addresses masked.
        let res = app.http.get(app.url(&format!("/api/v1/notices/{notice}/deliveries.csv"))).bearer_auth(&op).send().await?;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str()?.starts_with("text/csv"));
        let csv = res.text().await?;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "sequence,issued_at,channel,destination,state,sent_at,reply");
        // Both publications: the owner's four rows and the other account's one, twice.
        assert_eq!(lines.len(), 1 + 2 * 5, "{csv}");
        assert!(csv.contains(",email,o***@example.com,skipped_window,,"), "{csv}");
        assert!(csv.contains(",email,o***@example.com,skipped_unsubscribed,,"), "{csv}");
        assert!(!csv.contains("inside@example.com") && !csv.contains("outside@"), "{csv}");
        let res = app.http.get(app.url(&format!("/api/v1/notices/{notice}/deliveries.csv"))).bearer_auth(&owner).send().await?;
        assert_eq!(res.status(), 403);

        // History older than the retention goes, attempts and all; newer history stays.
        let now = t.naive_utc() + chrono::Duration::hours(2);
        let kept = app.db(move |conn| Ok(api::delivery::ledger::prune(conn, now - chrono::Duration::days(1), 1000)?)).await?;
        assert_eq!(kept, 0);
        let gone = app.db(move |conn| Ok(api::delivery::ledger::prune(conn, now, 1000)?)).await?;
        assert!(gone >= 10, "{gone}");
        assert!(log(&app, &owner, "").await?.entries.is_empty());
        let attempts = app
            .db(|conn| {
                use diesel::prelude::*;
                Ok(api::schema::delivery_attempts::table.count().get_result::<i64>(conn)?)
            })
            .await?;
        assert_eq!(attempts, 0);
        Ok(())
    }
}

/// A delivery is in its customer's log from the moment it is written: queued before its
/// first attempt, queued again while it waits for a retry, then sent; one entry each time.
async fn queued_rows_are_logged_until_they_are_sent(backend: Backend) -> anyhow::Result<()> {
    let script: Script = Arc::new(|rcpt: &str, nth: usize| match rcpt {
        "flaky@example.com" if nth == 1 => Reply::Refuse("451 4.3.0 Mailbox busy, try later"),
        _ => Reply::Accept,
    });
    let mode = Mode {
        no_dispatcher: true,
        smtp_script: Some(script),
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(());
    };
    let t = Utc
        .with_ymd_and_hms(2026, 12, 2, 1, 30, 0)
        .single()
        .unwrap_or_default();
    app.clock.set(t);
    // The sign-ups' own mails go through a dispatcher that stops before the notice.
    let (op, owner) = meanwhile(&app, async {
        Ok((
            operator(&app, "op@example.com").await?,
            customer(&app, "owner@example.com").await?,
        ))
    })
    .await?;
    let owner = owner.access_token;
    app.db(|conn| {
        let acc = fixtures::account_id(conn, "owner@example.com")?;
        fixtures::subscribe(conn, &acc, A, false, true)?;
        fixtures::address(conn, &acc, Address::new("flaky@example.com"))?;
        Ok(())
    })
    .await?;
    let (notice, _) = publish(&app, &op, outage("認証エラー")).await?;
    let everyone = |state| {
        BTreeMap::from([
            ("flaky@example.com".to_owned(), state),
            ("owner@example.com".to_owned(), state),
        ])
    };

    // Not attempted yet.
    let page = log(&app, &owner, "").await?;
    assert_eq!(states(&page), everyone(DeliveryState::Queued), "{page:?}");
    assert_eq!(page.entries.len(), 2);
    let queued = log(&app, &owner, "?status=queued").await?;
    assert_eq!(states(&queued), everyone(DeliveryState::Queued));
    assert!(log(&app, &owner, "?status=sent").await?.entries.is_empty());
    // Paged across the queue and the indexed rows alike.
    let first = log(&app, &owner, "?limit=1").await?;
    let cursor = first.next_cursor.clone().unwrap_or_default();
    let second = log(&app, &owner, &format!("?limit=1&cursor={cursor}")).await?;
    assert_eq!(first.entries.len() + second.entries.len(), 2);
    assert_ne!(
        first.entries[0].destination.label,
        second.entries[0].destination.label
    );

    // One is sent, the other waits for its retry.
    app.dispatcher(&app.smtp)?.drain().await?;
    let page = log(&app, &owner, &format!("?notice={notice}")).await?;
    assert_eq!(
        states(&page),
        BTreeMap::from([
            ("flaky@example.com".to_owned(), DeliveryState::Queued),
            ("owner@example.com".to_owned(), DeliveryState::Sent),
        ]),
        "{page:?}"
    );
    assert_eq!(page.entries.len(), 2);
    let waiting = log(&app, &owner, "?status=queued").await?;
    assert_eq!(waiting.entries.len(), 1, "{waiting:?}");

    app.clock.advance(chrono::Duration::minutes(5));
    app.dispatcher(&app.smtp)?.drain().await?;
    let page = log(&app, &owner, "").await?;
    assert_eq!(states(&page), everyone(DeliveryState::Sent), "{page:?}");
    assert_eq!(page.entries.len(), 2);
    assert!(
        log(&app, &owner, "?status=queued")
            .await?
            .entries
            .is_empty()
    );
    assert_eq!(app.smtp.to("flaky@example.com").len(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_queued_rows_are_logged_until_they_are_sent() -> anyhow::Result<()> {
    queued_rows_are_logged_until_they_are_sent(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_queued_rows_are_logged_until_they_are_sent() -> anyhow::Result<()> {
    queued_rows_are_logged_until_they_are_sent(Backend::Postgres).await
}

/// Where the ledger keeps each attempt: a success on the delivery's own row, with its reply
/// and latency; an attempt that did not succeed, and a success made after its lease ran out
/// (the row then belonged to another claim), as rows of `delivery_attempts`.
async fn each_attempt_is_kept_once(backend: Backend) -> anyhow::Result<()> {
    /// A history row: delivery, attempt, outcome, reply, latency.
    type Attempt = (String, i32, String, Option<String>, i32);
    /// A delivery row: destination, status, attempts, reply, latency.
    type Kept = (String, String, i32, Option<String>, Option<i32>);
    use api::delivery::ledger::{self, Outcome, Settlement};
    use api::schema::{deliveries, delivery_attempts};
    use diesel::prelude::*;

    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(());
    };
    app.db(|conn| {
        let t0 = Utc
            .with_ymd_and_hms(2026, 12, 2, 2, 0, 0)
            .single()
            .unwrap_or_default()
            .naive_utc();
        let mail = || api::mail::templates::RenderedMail {
            subject: "件名".into(),
            text: "本文".into(),
            html: "<p>本文</p>".into(),
        };
        let taken_over = ledger::enqueue_mail(conn, "a@example.com", mail(), "example.com", t0)?;
        let retried = ledger::enqueue_mail(conn, "b@example.com", mail(), "example.com", t0)?;
        let lease = chrono::Duration::minutes(5);
        let (first, _) = ledger::claim(conn, "first", 10, t0, lease)?;
        assert_eq!(first.len(), 2);
        // The first claim's lease runs out; a second claim takes both rows.
        let t1 = t0 + chrono::Duration::minutes(10);
        let (second, _) = ledger::claim(conn, "second", 10, t1, lease)?;
        assert_eq!(second.len(), 2);
        let settle =
            |id: &str, token: &str, attempt: i32, outcome: Outcome, reply: Option<&str>| {
                Settlement {
                    id: id.to_owned(),
                    token: token.to_owned(),
                    attempt,
                    outcome,
                    reply: reply.map(str::to_owned),
                    latency_ms: 40 + attempt,
                    hook: None,
                    address: None,
                }
            };
        let late = settle(&taken_over, "first", 1, Outcome::Sent, Some("250 late"));
        let refused = settle(
            &retried,
            "second",
            2,
            Outcome::Retry {
                at: t1 + chrono::Duration::minutes(1),
                error: "451 busy".into(),
            },
            None,
        );
        let recorded = ledger::settle_all(conn, &[late, refused], t1, &|_, _| Ok(()))?;
        assert_eq!(recorded, 1, "only the retry still held its lease");
        let sent = settle(&taken_over, "second", 2, Outcome::Sent, Some("250 ok"));
        assert_eq!(ledger::settle_all(conn, &[sent], t1, &|_, _| Ok(()))?, 1);

        let mut history: Vec<Attempt> = delivery_attempts::table
            .select((
                delivery_attempts::delivery_id,
                delivery_attempts::attempt,
                delivery_attempts::outcome,
                delivery_attempts::reply,
                delivery_attempts::latency_ms,
            ))
            .load(conn)?;
        history.sort();
        let mut expected = vec![
            (
                taken_over.clone(),
                1,
                "sent".to_owned(),
                Some("250 late".to_owned()),
                41,
            ),
            (
                retried.clone(),
                2,
                "retry".to_owned(),
                Some("451 busy".to_owned()),
                42,
            ),
        ];
        expected.sort();
        assert_eq!(history, expected);
        let rows: Vec<Kept> = deliveries::table
            .order(deliveries::destination.asc())
            .select((
                deliveries::destination,
                deliveries::status,
                deliveries::attempts,
                deliveries::reply,
                deliveries::latency_ms,
            ))
            .load(conn)?;
        assert_eq!(
            rows,
            vec![
                (
                    "a@example.com".into(),
                    "sent".into(),
                    2,
                    Some("250 ok".into()),
                    Some(42)
                ),
                ("b@example.com".into(), "pending".into(), 2, None, None),
            ]
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_each_attempt_is_kept_once() -> anyhow::Result<()> {
    each_attempt_is_kept_once(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_each_attempt_is_kept_once() -> anyhow::Result<()> {
    each_attempt_is_kept_once(Backend::Postgres).await
}
