//! Deliveries due later than their publication, on SQLite and PostgreSQL, over HTTP and a
//! real SMTP server, with the application's clock moved (no sleeping through hours):
//! maintenance reminders at their lead or the last hour of the window before it, moved by a
//! reschedule and withdrawn by a cancellation; notices held until a window opens and sent
//! then as one digest; and the previews that say all of this in advance.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::json;
use shared::domain::{DeliveryWindow, ReminderLead, Reminders, Weekday};
use shared::dto::{DeliveryLogEntry, DeliveryLogPage, DeliveryPreview, DeliveryState};
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::{customer, operator, publish, token};
use shirase_tests::{Backend, Mode, SmtpSink, TestApp, backend_tests, jst};

const A: &str = "id-federation";

/// Weekdays 9:00–18:00.
fn office() -> DeliveryWindow {
    DeliveryWindow::new(
        &[
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        &(9..18).collect::<Vec<u8>>(),
    )
    .unwrap_or(DeliveryWindow::NONE)
}

/// The account's whole log, by (address, reminder) for one notice.
async fn log_of(
    app: &TestApp,
    email: &str,
    notice: &str,
) -> anyhow::Result<BTreeMap<(String, Option<ReminderLead>), Vec<DeliveryLogEntry>>> {
    let t = token(app, email).await?;
    let res = app
        .get(
            &format!("/api/v1/me/deliveries?notice={notice}&limit=100"),
            Some(&t),
        )
        .await?;
    anyhow::ensure!(res.status == 200, "{res:?}");
    let page: DeliveryLogPage = res.json()?;
    let mut by = BTreeMap::<_, Vec<DeliveryLogEntry>>::new();
    for e in page.entries {
        by.entry((e.destination.label.clone(), e.reminder))
            .or_default()
            .push(e);
    }
    Ok(by)
}

/// The state and due time of the one entry of `address` and `reminder`.
fn entry(
    log: &BTreeMap<(String, Option<ReminderLead>), Vec<DeliveryLogEntry>>,
    address: &str,
    reminder: Option<ReminderLead>,
) -> Option<(DeliveryState, Option<DateTime<Utc>>)> {
    let entries = log.get(&(address.to_owned(), reminder))?;
    (entries.len() == 1).then(|| (entries[0].state, entries[0].due_at))
}

/// Waits (10 s at most) until `address` has received `count` mails whose subject has
/// `needle`, and returns them.
async fn mails_with(
    app: &TestApp,
    address: &str,
    needle: &str,
    count: usize,
) -> anyhow::Result<Vec<shirase_tests::ReceivedMail>> {
    for _ in 0..100 {
        let found: Vec<_> = app
            .smtp
            .to(address)
            .into_iter()
            .filter(|m| m.subject.contains(needle))
            .collect();
        if found.len() >= count {
            return Ok(found);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{address} did not receive {count} mails with {needle:?}")
}

fn reminders(leads: &[ReminderLead]) -> Reminders {
    Reminders::of(leads)
}

backend_tests! {
    async fn reminders_come_at_their_lead_within_the_window_and_follow_the_schedule(app: TestApp) -> anyhow::Result<()> {
        // Monday 1 March 2027, 10:00 in Tokyo.
        app.clock.set(jst(2027, 3, 1, 10, 0));
        operator(&app, "op@example.com").await?;
        customer(&app, "acc@example.com").await?;
        app.db(|conn| {
            let acc = fixtures::account_id(conn, "acc@example.com")?;
            fixtures::subscribe(conn, &acc, A, true, false)?;
            fixtures::address(conn, &acc, Address {
                window: office(),
                reminders: reminders(&[ReminderLead::Day, ReminderLead::Hour]),
                ..Address::new("office@example.com")
            })?;
            fixtures::address(conn, &acc, Address {
                reminders: reminders(&[ReminderLead::Hour]),
                ..Address::new("always@example.com")
            })?;
            Ok(())
        }).await?;
        let maintenance = |title: &str, start: DateTime<Utc>| json!({
            "kind": "maintenance", "products": [A], "title_ja": title, "body_ja": "作業します。",
            "starts_at": start.to_rfc3339(), "ends_at": (start + chrono::Duration::hours(2)).to_rfc3339(),
        });
        // Starts Thursday 02:00: 24 h before (Wednesday 02:00) and 1 h before (Thursday
        // 01:00) are outside office hours, so the office's reminders go at the last office
        // hour before each; the other address takes the hour before as it is.
        let op = token(&app, "op@example.com").await?;
        let (moved, _) = publish(&app, &op, maintenance("深夜の作業", jst(2027, 3, 4, 2, 0))).await?;
        let (called_off, _) = publish(&app, &op, maintenance("中止になる作業", jst(2027, 3, 4, 2, 0))).await?;

        let log = log_of(&app, "acc@example.com", &moved).await?;
        let day = Some(ReminderLead::Day);
        let hour = Some(ReminderLead::Hour);
        assert_eq!(entry(&log, "office@example.com", day), Some((DeliveryState::Queued, Some(jst(2027, 3, 2, 17, 0)))));
        assert_eq!(entry(&log, "office@example.com", hour), Some((DeliveryState::Queued, Some(jst(2027, 3, 3, 17, 0)))));
        assert_eq!(entry(&log, "always@example.com", hour), Some((DeliveryState::Queued, Some(jst(2027, 3, 4, 1, 0)))));
        assert_eq!(entry(&log, "always@example.com", day), None, "not asked for");
        assert_eq!(entry(&log, "acc@example.com", hour), None, "not asked for");

        // The preview says the same, before anything is published.
        let acc = token(&app, "acc@example.com").await?;
        let office_id = log[&("office@example.com".to_owned(), day)][0].destination.id.clone();
        let res = app.get(&format!(
            "/api/v1/me/recipients/{office_id}/preview?at={}&starts_at={}",
            urlencode(jst(2027, 3, 1, 10, 0)), urlencode(jst(2027, 3, 4, 2, 0)),
        ), Some(&acc)).await?;
        let preview: DeliveryPreview = res.json()?;
        assert!(preview.delivers);
        let at: Vec<_> = preview.reminders.iter().map(|r| (r.lead, r.at)).collect();
        assert_eq!(at, [(ReminderLead::Day, Some(jst(2027, 3, 2, 17, 0))), (ReminderLead::Hour, Some(jst(2027, 3, 3, 17, 0)))]);

        // Tuesday 17:00: the office's 24-hour reminders, answering each notice's first mail.
        app.clock.set(jst(2027, 3, 2, 17, 0));
        let sent = mails_with(&app, "office@example.com", "リマインド", 2).await?;
        assert_eq!(sent.len(), 2);
        for m in &sent {
            assert!(m.subject.starts_with("【リマインド・工事情報】"), "{}", m.subject);
            assert!(m.text.contains("まもなく"), "{}", m.text);
            assert!(m.header("In-Reply-To").is_some(), "threaded under the notice");
        }
        assert!(app.smtp.to("always@example.com").iter().all(|m| !m.subject.contains("リマインド")));

        // The operator moves one to Friday 12:00 and calls the other off.
        let op = token(&app, "op@example.com").await?;
        let res = app.post(&format!("/api/v1/notices/{moved}/updates"), Some(&op), json!({
            "body_ja": "金曜日に変更します。",
            "starts_at": jst(2027, 3, 5, 12, 0).to_rfc3339(), "ends_at": jst(2027, 3, 5, 14, 0).to_rfc3339(),
        })).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let res = app.post(&format!("/api/v1/notices/{called_off}/updates"), Some(&op), json!({
            "body_ja": "中止します。", "status": "cancelled",
        })).await?;
        assert_eq!(res.status, 202, "{res:?}");

        // Pending reminders move with the start (both in hours now: an hour before); the one
        // already sent stays sent; the cancelled notice's are withdrawn.
        let log = log_of(&app, "acc@example.com", &moved).await?;
        assert_eq!(entry(&log, "office@example.com", day).map(|e| e.0), Some(DeliveryState::Sent));
        assert_eq!(entry(&log, "office@example.com", hour), Some((DeliveryState::Queued, Some(jst(2027, 3, 5, 11, 0)))));
        assert_eq!(entry(&log, "always@example.com", hour), Some((DeliveryState::Queued, Some(jst(2027, 3, 5, 11, 0)))));
        let log = log_of(&app, "acc@example.com", &called_off).await?;
        assert_eq!(entry(&log, "office@example.com", hour).map(|e| e.0), Some(DeliveryState::Withdrawn));
        assert_eq!(entry(&log, "always@example.com", hour).map(|e| e.0), Some(DeliveryState::Withdrawn));

        // The update itself: one mail to each address, whatever reminders it had.
        for address in ["office@example.com", "always@example.com"] {
            mails_with(&app, address, "深夜の作業", 1).await?;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let updates = app.smtp.to("office@example.com").into_iter()
            .filter(|m| m.text.contains("金曜日に変更します。") && !m.subject.contains("リマインド"))
            .count();
        assert_eq!(updates, 1, "one update mail");

        // Wednesday 17:00, the old time of the hour-before reminder: nothing goes.
        app.clock.set(jst(2027, 3, 3, 17, 0));
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(app.smtp.to("office@example.com").iter().filter(|m| m.subject.contains("リマインド")).count(), 2);
        // Friday 11:00: one reminder each, once.
        app.clock.set(jst(2027, 3, 5, 11, 0));
        let reminder = mails_with(&app, "always@example.com", "リマインド", 1).await?;
        // It tells the start the maintenance has now, and the change that moved it.
        assert!(reminder[0].text.contains("（2027/03/05(金) 12:00 JST 開始予定）"), "{}", reminder[0].text);
        assert!(reminder[0].text.contains("金曜日に変更します。"), "{}", reminder[0].text);
        mails_with(&app, "office@example.com", "リマインド", 3).await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(app.smtp.to("always@example.com").iter().filter(|m| m.subject.contains("リマインド")).count(), 1);
        assert_eq!(app.smtp.to("office@example.com").iter().filter(|m| m.subject.contains("リマインド")).count(), 3);

        // Published on Friday 17:30 for Saturday 10:00: no office hour begins in between, so
        // the office's reminders are recorded as not sent, by its window.
        app.clock.set(jst(2027, 3, 5, 17, 30));
        let op = token(&app, "op@example.com").await?;
        let (late, _) = publish(&app, &op, maintenance("週末の作業", jst(2027, 3, 6, 10, 0))).await?;
        let log = log_of(&app, "acc@example.com", &late).await?;
        assert_eq!(entry(&log, "office@example.com", day).map(|e| e.0), Some(DeliveryState::SkippedWindow));
        assert_eq!(entry(&log, "office@example.com", hour).map(|e| e.0), Some(DeliveryState::SkippedWindow));
        assert_eq!(entry(&log, "always@example.com", hour), Some((DeliveryState::Queued, Some(jst(2027, 3, 6, 9, 0)))));
        Ok(())
    }

    async fn notices_outside_the_window_are_held_and_sent_as_one_digest(app: TestApp) -> anyhow::Result<()> {
        // Friday 5 March 2027, 20:00 in Tokyo: after office hours.
        app.clock.set(jst(2027, 3, 5, 20, 0));
        operator(&app, "op@example.com").await?;
        customer(&app, "acc@example.com").await?;
        let held_id = app.db(|conn| {
            let acc = fixtures::account_id(conn, "acc@example.com")?;
            fixtures::subscribe(conn, &acc, A, true, true)?;
            fixtures::address(conn, &acc, Address { window: office(), ..Address::new("skipped@example.com") })?;
            fixtures::address(conn, &acc, Address { window: office(), hold: true, ..Address::new("held@example.com") })
        }).await?;
        let outage = |title: &str| json!({
            "kind": "outage", "products": [A], "title_ja": title, "body_ja": "調査しています。",
            "starts_at": jst(2027, 3, 5, 19, 50).to_rfc3339(),
        });
        let op = token(&app, "op@example.com").await?;
        let (first, _) = publish(&app, &op, outage("認証エラー")).await?;
        // Saturday 10:00: another, and an update of the first.
        app.clock.set(jst(2027, 3, 6, 10, 0));
        let op = token(&app, "op@example.com").await?;
        let (second, _) = publish(&app, &op, outage("ディレクトリの遅延")).await?;
        let res = app.post(&format!("/api/v1/notices/{first}/updates"), Some(&op), json!({"body_ja": "復旧しました。", "status": "resolved"})).await?;
        assert_eq!(res.status, 202, "{res:?}");

        // Held until Monday 09:00; the address that does not hold skipped them.
        let monday = jst(2027, 3, 8, 9, 0);
        for notice in [&first, &second] {
            let log = log_of(&app, "acc@example.com", notice).await?;
            for e in &log[&("held@example.com".to_owned(), None)] {
                assert_eq!((e.state, e.due_at), (DeliveryState::Held, Some(monday)), "{e:?}");
            }
            for e in &log[&("skipped@example.com".to_owned(), None)] {
                assert_eq!(e.state, DeliveryState::SkippedWindow);
            }
        }
        let acc = token(&app, "acc@example.com").await?;
        let res = app.get(&format!("/api/v1/me/recipients/{held_id}/preview?at={}", urlencode(jst(2027, 3, 6, 10, 0))), Some(&acc)).await?;
        let preview: DeliveryPreview = res.json()?;
        assert_eq!((preview.delivers, preview.held_until), (false, Some(monday)));

        // Sunday: still nothing. Monday 09:00: one mail with all three, each with its issue time.
        app.clock.set(jst(2027, 3, 7, 12, 0));
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(app.smtp.to("held@example.com").is_empty());
        app.clock.set(monday);
        let digest = app.smtp.wait_for("held@example.com").await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(app.smtp.to("held@example.com").len(), 1, "one digest");
        assert!(digest.subject.contains("3 件"), "{}", digest.subject);
        for needle in ["認証エラー", "ディレクトリの遅延", "復旧しました。", "2027/03/05(金) 20:00", "2027/03/06(土) 10:00"] {
            assert!(digest.text.contains(needle), "{needle} missing from {}", digest.text);
        }
        assert!(app.smtp.to("skipped@example.com").is_empty());
        // The log now says sent, for each of them.
        for notice in [&first, &second] {
            let log = log_of(&app, "acc@example.com", notice).await?;
            for e in &log[&("held@example.com".to_owned(), None)] {
                assert_eq!(e.state, DeliveryState::Sent, "{e:?}");
            }
        }
        Ok(())
    }

    async fn reminder_and_hold_choices_are_checked(app: TestApp) -> anyhow::Result<()> {
        let tokens = customer(&app, "acc@example.com").await?;
        let t = tokens.access_token;
        let res = app.post("/api/v1/me/recipients", Some(&t), json!({"email": "x@example.com", "reminders": ["24h", "2h"]})).await?;
        assert_eq!(res.field_errors()?, [("reminders".to_owned(), "not_offered".to_owned())]);
        let res = app.post("/api/v1/me/recipients", Some(&t), json!({"email": "x@example.com", "reminders": ["24h", "1h"], "hold": true})).await?;
        assert_eq!(res.status, 201, "{res:?}");
        assert_eq!(res.body["reminders"], json!(["24h", "1h"]));
        assert_eq!(res.body["hold"], json!(true));
        let id = res.body["id"].as_str().unwrap_or_default().to_owned();
        let res = app.call(Method::PATCH, &format!("/api/v1/me/recipients/{id}"), Some(&t), Some(json!({"reminders": [], "hold": false}))).await?;
        assert_eq!(res.status, 200, "{res:?}");
        assert_eq!((res.body["reminders"].clone(), res.body["hold"].clone()), (json!([]), json!(false)));
        let res = app.post("/api/v1/me/destinations", Some(&t), json!({
            "channel": "webhook", "name": "hook", "url": "https://hooks.example.com/x", "reminders": ["1d"],
        })).await?;
        assert_eq!(res.field_errors()?, [("reminders".to_owned(), "not_offered".to_owned())]);
        Ok(())
    }
}

fn urlencode(t: DateTime<Utc>) -> String {
    t.to_rfc3339().replace('+', "%2B")
}

/// Digests are deliveries like any other: a dispatcher that dies with digests in flight is
/// taken over once their lease runs out, and no address whose server accepted its digest
/// gets a second one; every held notice ends recorded as sent, once.
async fn a_killed_dispatcher_sends_no_digest_twice(backend: Backend) -> anyhow::Result<()> {
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(());
    };
    app.clock.set(jst(2027, 3, 5, 20, 0));
    let op = shirase_tests::flows::operator_meanwhile(&app, "op@example.com").await?;
    app.db(|conn| {
        let acc = fixtures::account(conn, "acc@example.com")?;
        fixtures::subscribe(conn, &acc, A, false, true)?;
        for i in 0..6 {
            let email = format!("held{i}@example.com");
            fixtures::address(
                conn,
                &acc,
                Address {
                    window: office(),
                    hold: true,
                    ..Address::new(&email)
                },
            )?;
        }
        Ok(())
    })
    .await?;
    for title in ["認証エラー", "ディレクトリの遅延"] {
        let (_, receipt) = publish(
            &app,
            &op,
            json!({
                "kind": "outage", "products": [A], "title_ja": title, "body_ja": "調査しています。",
                "starts_at": jst(2027, 3, 5, 19, 50).to_rfc3339(),
            }),
        )
        .await?;
        assert_eq!((receipt.audience, receipt.skipped), (0, 6));
    }
    let rows = |carries: &'static str, status: &'static str| {
        let app = &app;
        async move {
            app.db(move |conn| {
                use api::schema::deliveries::dsl as d;
                use diesel::prelude::*;
                Ok(d::deliveries
                    .filter(d::carries.eq(carries))
                    .filter(d::status.eq(status))
                    .count()
                    .get_result::<i64>(conn)?)
            })
            .await
        }
    };
    assert_eq!(
        (
            rows("notice", "held").await?,
            rows("digest", "pending").await?
        ),
        (12, 6)
    );

    // Monday 09:00. The first server accepts two digests, then takes data and never answers.
    app.clock.set(jst(2027, 3, 8, 9, 0));
    let stuck = SmtpSink::accepting_then_hanging(2).await?;
    let doomed = app.dispatcher(&stuck)?;
    let running = tokio::spawn(async move { doomed.drain_once().await });
    stuck.wait_for_count(2, 10, |_| true).await?;
    for _ in 0..100 {
        if rows("digest", "sent").await? == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        rows("digest", "sent").await?,
        2,
        "accepted digests are recorded as they go"
    );
    assert_eq!(
        rows("notice", "sent").await?,
        4,
        "with the notices they carried"
    );
    let (healthy, sent) = app.take_over(running).await?;
    assert_eq!(sent, 4);
    let first: Vec<String> = stuck
        .all()
        .iter()
        .flat_map(|m| m.envelope_to.clone())
        .collect();
    assert_eq!(
        first.len(),
        2,
        "the stuck server kept only what it accepted"
    );
    for to in &first {
        assert!(healthy.to(to).is_empty(), "{to} got a second digest");
    }
    assert_eq!(healthy.all().len(), 4);
    for m in healthy.all() {
        assert!(m.subject.contains("2 件"), "{}", m.subject);
    }
    assert_eq!(
        (rows("notice", "held").await?, rows("notice", "sent").await?),
        (0, 12)
    );
    assert_eq!(rows("digest", "sent").await?, 6);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_killed_dispatcher_sends_no_digest_twice() -> anyhow::Result<()> {
    a_killed_dispatcher_sends_no_digest_twice(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_killed_dispatcher_sends_no_digest_twice() -> anyhow::Result<()> {
    a_killed_dispatcher_sends_no_digest_twice(Backend::Postgres).await
}
