//! Notices and their dispatch, over HTTP and a real SMTP server, on SQLite and PostgreSQL:
//! who gets a publication, exactly once, in which language and time zone, threaded, and
//! what a troubled mail server or a killed process changes (nothing but timing).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use shared::domain::{DeliveryWindow, HolidayRule, Language, Weekday};
use shared::dto::{
    DeliveryState, NoticeDeliveries, NoticePage, NoticeView, PublicationReceipt, SubscriptionView,
};
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::{PASSWORD, customer, login, operator, publish};
use shirase_tests::{Backend, Mode, ReceivedMail, Reply, SmtpSink, TestApp, backend_tests};

const A: &str = "id-federation";
const B: &str = "directory-service";
const C: &str = "cloud-server";

fn window(days: &[Weekday], hours: &[u8]) -> DeliveryWindow {
    DeliveryWindow::new(days, hours).unwrap_or(DeliveryWindow::NONE)
}

fn outage(products: &[&str], title: &str) -> Value {
    json!({
        "kind": "outage",
        "products": products,
        "title_ja": title,
        "title_en": format!("{title} (en)"),
        "body_ja": "現在、**認証エラー**が発生しています。\n\n- 影響: ログイン不可",
        "body_en": "Sign-in fails.",
        "starts_at": "2026-12-02T01:00:00Z",
    })
}

/// An account subscribed to `A` (maintenance and outage mail as given) with one more
/// address, `ops@example.com`, every hour.
fn ops_subscribed(
    conn: &mut api::db::DbConnection,
    maintenance: bool,
    outage: bool,
) -> anyhow::Result<()> {
    let acc = fixtures::account(conn, "acc@example.com")?;
    fixtures::subscribe(conn, &acc, A, maintenance, outage)?;
    fixtures::address(conn, &acc, Address::new("ops@example.com"))?;
    Ok(())
}

async fn deliveries(app: &TestApp, op: &str, id: &str) -> anyhow::Result<NoticeDeliveries> {
    let res = app
        .get(&format!("/api/v1/notices/{id}/deliveries"), Some(op))
        .await?;
    anyhow::ensure!(res.status == 200, "{res:?}");
    res.json()
}

/// Each notice's status and number of updates.
async fn statuses(app: &TestApp, ids: &[&str]) -> anyhow::Result<Vec<(String, usize)>> {
    let mut out = Vec::new();
    for id in ids {
        let v: NoticeView = app
            .get(&format!("/api/v1/notices/{id}"), None)
            .await?
            .json()?;
        out.push((v.status.code().to_owned(), v.updates.len()));
    }
    Ok(out)
}

/// Waits (10 s at most) until the notices' statuses and update counts are `want`.
async fn statuses_become(
    app: &TestApp,
    ids: &[&str],
    want: &[(&str, usize)],
) -> anyhow::Result<()> {
    let want: Vec<(String, usize)> = want.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect();
    for _ in 0..100 {
        if statuses(app, ids).await? == want {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{:?}, not {want:?}", statuses(app, ids).await?)
}

/// Waits (10 s at most) until nothing of the notice is pending.
async fn settled(app: &TestApp, op: &str, id: &str) -> anyhow::Result<NoticeDeliveries> {
    for _ in 0..100 {
        let d = deliveries(app, op, id).await?;
        if d.pending == 0 {
            return Ok(d);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("still pending: {:?}", deliveries(app, op, id).await?)
}

/// The mails of one publication, by recipient; the Message-ID names the publication.
fn mails_of(smtp: &SmtpSink, publication: &str) -> BTreeMap<String, Vec<ReceivedMail>> {
    let mut by = BTreeMap::<String, Vec<ReceivedMail>>::new();
    for m in smtp.all() {
        if m.message_id.starts_with(&format!("{publication}.")) {
            for to in &m.envelope_to {
                by.entry(to.clone()).or_default().push(m.clone());
            }
        }
    }
    by
}

fn once_each(by: &BTreeMap<String, Vec<ReceivedMail>>) -> anyhow::Result<Vec<&str>> {
    for (to, mails) in by {
        anyhow::ensure!(mails.len() == 1, "{to} received {} mails", mails.len());
    }
    Ok(by.keys().map(String::as_str).collect())
}

backend_tests! {
    async fn templates_make_drafts_with_their_placeholders_filled(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "op@example.com").await?;
        let customer = customer(&app, "customer@example.com").await?.access_token;
        let template = json!({
            "name": "定期メンテナンス（夜間）", "kind": "maintenance",
            "title_ja": "{{product}} 定期メンテナンスのお知らせ", "title_en": "Scheduled maintenance of {{ product }}",
            "body_ja": "{{starts_at}}〜{{ends_at}}に作業します。", "body_en": "From {{starts_at}} to {{ends_at}}.",
        });
        assert_eq!(app.post("/api/v1/notice-templates", Some(&customer), template.clone()).await?.status, 403);
        // Bad input: field codes, nothing kept.
        let res = app.post("/api/v1/notice-templates", Some(&op), json!({
            "name": "", "kind": "weather", "title_ja": "{{ 顧客名 }} 様", "body_ja": "x", "body_en": "{{customer}}",
        })).await?;
        let mut codes = res.field_errors()?;
        codes.sort();
        assert_eq!(codes, [
            ("body_en".to_owned(), "unknown_placeholder".to_owned()),
            ("kind".to_owned(), "invalid_value".to_owned()),
            ("name".to_owned(), "required".to_owned()),
            ("title_ja".to_owned(), "unknown_placeholder".to_owned()),
        ]);
        assert_eq!(fixtures_count(&app, "notice_templates").await?, 0);

        let res = app.post("/api/v1/notice-templates", Some(&op), template.clone()).await?;
        assert_eq!(res.status, 201, "{res:?}");
        let kept: shared::dto::NoticeTemplateView = res.json()?;
        let res = app.post("/api/v1/notice-templates", Some(&op), template.clone()).await?;
        assert_eq!(res.field_errors()?, [("name".to_owned(), "taken".to_owned())]);
        let mut renamed = template.clone();
        renamed["name"] = json!("定期メンテナンス");
        let path = format!("/api/v1/notice-templates/{}", kept.id);
        let res = app.call(Method::PUT, &path, Some(&op), Some(renamed)).await?;
        assert_eq!(res.json::<shared::dto::NoticeTemplateView>()?.name, "定期メンテナンス");
        let list: Vec<shared::dto::NoticeTemplateView> = app.get("/api/v1/notice-templates", Some(&op)).await?.json()?;
        assert_eq!(list.len(), 1);

        // A draft from it: its placeholders filled with the products and times, in JST.
        let drafts = format!("{path}/drafts");
        let res = app.post(&drafts, Some(&op), json!({"products": [A, B], "starts_at": "2026-12-10T16:00:00Z"})).await?;
        assert_eq!(res.field_errors()?, [("ends_at".to_owned(), "required".to_owned())]);
        let res = app.post(&drafts, Some(&op), json!({
            "products": [A, B], "starts_at": "2026-12-10T16:00:00Z", "ends_at": "2026-12-10T18:00:00Z",
        })).await?;
        assert_eq!(res.status, 201, "{res:?}");
        let draft: NoticeView = res.json()?;
        assert_eq!(draft.published_at, None);
        assert!(draft.title_ja.contains("ID Federation") && draft.title_ja.ends_with("定期メンテナンスのお知らせ"), "{}", draft.title_ja);
        assert_eq!(draft.body_ja, "2026/12/11(金) 01:00 JST〜2026/12/11(金) 03:00 JSTに作業します。");
        assert_eq!(draft.body_en.as_deref(), Some("From Fri 2026-12-11 01:00 JST to Fri 2026-12-11 03:00 JST."));
        assert!(draft.title_en.as_deref().is_some_and(|t| t.starts_with("Scheduled maintenance of ") && !t.contains("{{")), "{:?}", draft.title_en);

        assert_eq!(app.call(Method::DELETE, &path, Some(&op), None).await?.status, 204);
        assert_eq!(app.call(Method::DELETE, &path, Some(&op), None).await?.status, 404);
        assert_eq!(app.post(&drafts, Some(&op), json!({})).await?.status, 404);
        // The draft stays.
        assert_eq!(app.get(&format!("/api/v1/notices/{}", draft.id), Some(&op)).await?.status, 200);
        Ok(())
    }

    async fn a_maintenance_starts_and_completes_by_itself(app: TestApp) -> anyhow::Result<()> {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).single().unwrap_or_default();
        app.clock.set(t0);
        let op = operator(&app, "op@example.com").await?;
        app.db(|conn| ops_subscribed(conn, true, false)).await?;
        let maintenance = |title: &str, announce: bool| json!({
            "kind": "maintenance", "products": [A], "title_ja": title, "body_ja": "作業します。",
            "starts_at": "2026-12-02T01:00:00Z", "ends_at": "2026-12-02T03:00:00Z",
            "announce_lifecycle": announce,
        });
        let (told, _) = publish(&app, &op, maintenance("告知あり", true)).await?;
        let (quiet, _) = publish(&app, &op, maintenance("告知なし", false)).await?;
        let (cancelled, _) = publish(&app, &op, maintenance("中止", true)).await?;
        let (moved, _) = publish(&app, &op, maintenance("延期", true)).await?;
        let view: NoticeView = app.get(&format!("/api/v1/notices/{quiet}"), None).await?.json()?;
        assert!(!view.announce_lifecycle);
        // Completed before it started: refused by the field, nothing posted.
        let res = app.post(&format!("/api/v1/notices/{cancelled}/updates"), Some(&op), json!({"body_ja": "完了しました。", "status": "completed"})).await?;
        assert_eq!(res.field_errors()?, [("status".to_owned(), "not_started".to_owned())]);
        // The operator decides two of them before the start.
        let res = app.post(&format!("/api/v1/notices/{cancelled}/updates"), Some(&op), json!({"body_ja": "中止します。", "status": "cancelled"})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let res = app.post(&format!("/api/v1/notices/{moved}/updates"), Some(&op), json!({
            "body_ja": "翌日に延期します。", "starts_at": "2026-12-03T01:00:00Z", "ends_at": "2026-12-03T03:00:00Z",
        })).await?;
        assert_eq!(res.status, 202, "{res:?}");

        let ids = [told.as_str(), quiet.as_str(), cancelled.as_str(), moved.as_str()];
        // 10:00 JST: the start.
        app.clock.set(t0 + chrono::Duration::hours(1));
        statuses_become(&app, &ids, &[("in_progress", 1), ("in_progress", 1), ("cancelled", 1), ("scheduled", 1)]).await?;
        // 12:00 JST: the end.
        app.clock.set(t0 + chrono::Duration::hours(3));
        let ended = [("completed", 2), ("completed", 2), ("cancelled", 1), ("scheduled", 1)];
        statuses_become(&app, &ids, &ended).await?;
        // Nothing more: each step once.
        tokio::time::sleep(Duration::from_millis(600)).await;
        statuses_become(&app, &ids, &ended).await?;

        let op = login(&app, "op@example.com", PASSWORD).await?.body["access_token"].as_str().unwrap_or_default().to_owned();
        settled(&app, &op, &told).await?;
        // Mailed for the notice that says so, threaded under its first mail, in order.
        let told_view: NoticeView = app.get(&format!("/api/v1/notices/{told}"), None).await?.json()?;
        let texts: Vec<String> = told_view.updates.iter().map(|u| u.body_ja.clone()).collect();
        assert_eq!(texts, ["メンテナンスを開始しました。", "メンテナンスが完了しました。"]);
        let steps: Vec<ReceivedMail> = told_view.updates.iter()
            .flat_map(|u| mails_of(&app.smtp, &u.id).remove("ops@example.com").unwrap_or_default())
            .collect();
        assert_eq!(steps.len(), 2, "one mail a step");
        assert!(steps.iter().all(|m| m.header("In-Reply-To").is_some()));
        assert!(steps[0].text.contains("メンテナンスを開始しました。"), "{}", steps[0].text);
        // The quiet one: posted, not mailed.
        let quiet_view: NoticeView = app.get(&format!("/api/v1/notices/{quiet}"), None).await?.json()?;
        for u in &quiet_view.updates {
            assert!(mails_of(&app.smtp, &u.id).is_empty());
        }
        let progress = deliveries(&app, &op, &quiet).await?;
        assert_eq!(progress.sent, 1, "only its first publication was mailed: {progress:?}");

        // The rescheduled one moves at its new times.
        app.clock.set(Utc.with_ymd_and_hms(2026, 12, 3, 1, 0, 0).single().unwrap_or_default());
        statuses_become(&app, &ids, &[("completed", 2), ("completed", 2), ("cancelled", 1), ("in_progress", 2)]).await?;
        Ok(())
    }

    async fn a_scheduled_draft_is_published_once_when_its_time_comes(app: TestApp) -> anyhow::Result<()> {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 2, 1, 0, 0).single().unwrap_or_default();
        app.clock.set(t0);
        let op = operator(&app, "op@example.com").await?;
        let customer = customer(&app, "customer@example.com").await?.access_token;
        let create = |title: &str| json!({
            "kind": "outage", "products": [A], "title_ja": title, "body_ja": "調査中です。",
            "starts_at": "2026-12-02T00:30:00Z",
        });
        let res = app.post("/api/v1/notices", Some(&op), create("予約公開")).await?;
        let id = res.body["id"].as_str().unwrap_or_default().to_owned();
        let schedule = format!("/api/v1/notices/{id}/schedule");
        let put = |body: Value, token: String| {
            let (app, schedule) = (&app, schedule.clone());
            async move { app.call(Method::PUT, &schedule, Some(&token), Some(body)).await }
        };

        // Bad input, and a customer: nothing is scheduled.
        for (body, code) in [
            (json!({"publish_at": "2026-12-02T00:59:00Z"}), "in_past"),
            (json!({"publish_at": "tomorrow"}), "invalid_datetime"),
            (json!({}), "required"),
        ] {
            let res = put(body, op.clone()).await?;
            assert_eq!(res.field_errors()?, [("publish_at".to_owned(), code.to_owned())]);
        }
        assert_eq!(put(json!({"publish_at": "2026-12-02T01:10:00Z"}), customer.clone()).await?.status, 403);
        let view: NoticeView = app.get(&format!("/api/v1/notices/{id}"), Some(&op)).await?.json()?;
        assert_eq!(view.publish_at, None);

        // At 10:10 JST, then moved to 10:05.
        put(json!({"publish_at": "2026-12-02T01:10:00Z"}), op.clone()).await?;
        let res = put(json!({"publish_at": "2026-12-02T10:05:00+09:00"}), op.clone()).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let view: NoticeView = res.json()?;
        let at = t0 + chrono::Duration::minutes(5);
        assert_eq!((view.publish_at, view.published_at), (Some(at), None));
        let drafts: Vec<shared::dto::NoticeSummary> = app.get("/api/v1/notice-drafts", Some(&op)).await?.json()?;
        assert_eq!(drafts.iter().find(|d| d.id == id).and_then(|d| d.publish_at), Some(at));

        // A second draft, scheduled and then unscheduled.
        let res = app.post("/api/v1/notices", Some(&op), create("取り消す予約")).await?;
        let other = res.body["id"].as_str().unwrap_or_default().to_owned();
        let other_schedule = format!("/api/v1/notices/{other}/schedule");
        app.call(Method::PUT, &other_schedule, Some(&op), Some(json!({"publish_at": "2026-12-02T01:03:00Z"}))).await?;
        let res = app.call(Method::DELETE, &other_schedule, Some(&op), None).await?;
        assert_eq!(res.status, 200, "{res:?}");
        assert_eq!(res.json::<NoticeView>()?.publish_at, None);

        // Its audience is the one of its time: an address added after the scheduling.
        app.db(|conn| {
            let acc = fixtures::account(conn, "late@example.com")?;
            fixtures::subscribe(conn, &acc, A, false, true)?;
            fixtures::address(conn, &acc, Address::new("late-ops@example.com"))?;
            Ok(())
        }).await?;
        // Not before its time (the scheduler looks every 200 ms here).
        app.clock.set(t0 + chrono::Duration::minutes(4));
        tokio::time::sleep(Duration::from_millis(700)).await;
        let view: NoticeView = app.get(&format!("/api/v1/notices/{id}"), Some(&op)).await?.json()?;
        assert_eq!(view.published_at, None);
        // Read (and so cached) while nothing is public.
        let page: NoticePage = app.get("/api/v1/notices", None).await?.json()?;
        assert!(page.items.is_empty());

        app.clock.set(at + chrono::Duration::seconds(1));
        let mut published = None;
        for _ in 0..100 {
            if let Some(p) = app.get(&format!("/api/v1/notices/{id}"), None).await?.json::<NoticeView>().ok().and_then(|v| v.published_at) {
                published = Some(p);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(published, Some(at + chrono::Duration::seconds(1)), "published by the scheduler");
        let progress = settled(&app, &op, &id).await?;
        assert_eq!(progress.sent, 1);
        let view: NoticeView = app.get(&format!("/api/v1/notices/{id}"), None).await?.json()?;
        assert_eq!(view.publish_at, None);
        let page: NoticePage = app.get("/api/v1/notices", None).await?.json()?;
        assert_eq!(page.items.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), [id.as_str()], "the public list, at once");
        let mails: Vec<_> = app.smtp.all().into_iter().filter(|m| m.envelope_to.iter().any(|t| t == "late-ops@example.com")).collect();
        assert_eq!(mails.len(), 1, "one mail, to the address added after the scheduling");
        assert_eq!(put(json!({"publish_at": "2026-12-02T02:00:00Z"}), op.clone()).await?.status, 409);
        assert_eq!(app.call(Method::DELETE, &schedule, Some(&op), None).await?.status, 409);

        // The unscheduled draft stays a draft past its old time.
        tokio::time::sleep(Duration::from_millis(700)).await;
        let view: NoticeView = app.get(&format!("/api/v1/notices/{other}"), Some(&op)).await?.json()?;
        assert_eq!(view.published_at, None);

        // Several schedulers (several processes' worth) racing over the same due drafts
        // publish each exactly once.
        let mut due = Vec::new();
        for n in 0..6 {
            let res = app.post("/api/v1/notices", Some(&op), create(&format!("一斉 {n}"))).await?;
            let id = res.body["id"].as_str().unwrap_or_default().to_owned();
            app.call(Method::PUT, &format!("/api/v1/notices/{id}/schedule"), Some(&op), Some(json!({"publish_at": "2026-12-02T01:08:00Z"}))).await?;
            due.push(id);
        }
        let domain = app.state.message_domain();
        let now = (t0 + chrono::Duration::minutes(9)).naive_utc();
        let racers: Vec<_> = (0..4).map(|_| {
            let (pool, domain) = (app.state.pool.clone(), domain.clone());
            tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                Ok(api::services::notices::publish_due(&mut *pool.get()?, &domain, now, 20)?.len())
            })
        }).collect();
        let mut total = 0;
        for r in racers {
            total += r.await??;
        }
        app.clock.set(t0 + chrono::Duration::minutes(9));
        tokio::time::sleep(Duration::from_millis(500)).await;
        let publications = app.db(move |conn| {
            use api::schema::publications::dsl::*;
            use diesel::prelude::*;
            Ok(publications.filter(notice_id.eq_any(&due)).count().get_result::<i64>(conn)?)
        }).await?;
        assert_eq!(total, 6, "the racers published every one (the app's clock is behind)");
        assert_eq!(publications, 6, "each once, between the racers and the app's own scheduler");
        Ok(())
    }

    async fn public_holidays_and_the_year_end_are_skipped_where_asked(app: TestApp) -> anyhow::Result<()> {
        operator(&app, "op@example.com").await?;
        app.db(|conn| {
            let acc = fixtures::account(conn, "acc@example.com")?;
            fixtures::subscribe(conn, &acc, A, false, true)?;
            for (email, holidays, tz) in [
                ("deliver@example.com", HolidayRule::Deliver, "Asia/Tokyo"),
                ("skip@example.com", HolidayRule::Skip, "Asia/Tokyo"),
                ("year-end@example.com", HolidayRule::SkipWithYearEnd, "Asia/Tokyo"),
                // Its own date decides: still Sunday the 10th in Los Angeles.
                ("la-skip@example.com", HolidayRule::Skip, "America/Los_Angeles"),
            ] {
                fixtures::address(conn, &acc, Address { holidays, time_zone: tz, ..Address::new(email) })?;
            }
            Ok(())
        }).await?;
        let mut sent = Vec::new();
        // Sunday 3 January (年末年始, not a holiday), Monday 11 January (成人の日), Tuesday
        // 12 January 2027, each 10:30 in Tokyo and 17:30 the day before in Los Angeles.
        for (day, audience, skipped) in [(3, 3, 1), (11, 2, 2), (12, 3, 1)] {
            // Days later: the operator's access token has expired.
            app.clock.set(Utc.with_ymd_and_hms(2027, 1, day, 1, 30, 0).single().unwrap_or_default());
            let op = login(&app, "op@example.com", PASSWORD).await?.body["access_token"].as_str().unwrap_or_default().to_owned();
            let (notice, receipt) = publish(&app, &op, outage(&[A], &format!("障害 {day}"))).await?;
            assert_eq!((receipt.audience, receipt.skipped), (audience, skipped), "1/{day}: {receipt:?}");
            settled(&app, &op, &notice).await?;
            sent.push(once_each(&mails_of(&app.smtp, &receipt.publication_id))?.into_iter().map(str::to_owned).collect::<Vec<_>>());
        }
        assert_eq!(sent[0], ["deliver@example.com", "la-skip@example.com", "skip@example.com"]);
        assert_eq!(sent[1], ["deliver@example.com", "la-skip@example.com"]);
        assert_eq!(sent[2], ["deliver@example.com", "skip@example.com", "year-end@example.com"]);
        Ok(())
    }

    async fn the_audience_is_exactly_the_addresses_that_asked_for_it(app: TestApp) -> anyhow::Result<()> {
        // Wednesday 2 December 2026, 01:30 UTC: 10:30 in Tokyo, 20:30 on Tuesday in New York,
        // 02:30 in Paris.
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 1, 30, 0).single().unwrap_or_default();
        app.clock.set(t);
        let op = operator(&app, "op@example.com").await?;
        let ids = app.db(|conn| {
            let mut ids = BTreeMap::new();
            // Outage mail on for A.
            let acc1 = fixtures::account(conn, "acc1@example.com")?;
            fixtures::subscribe(conn, &acc1, A, false, true)?;
            let wed10 = window(&[Weekday::Wed], &[10]);
            for (email, w, tz) in [
                ("tokyo-in@example.com", wed10, "Asia/Tokyo"),
                ("tokyo-out@example.com", window(&[Weekday::Wed], &[11]), "Asia/Tokyo"),
                ("ny-in@example.com", window(&[Weekday::Tue], &[20]), "America/New_York"),
                // Admitted if the window were read in Tokyo time: it is not.
                ("ny-out@example.com", wed10, "America/New_York"),
            ] {
                let id = fixtures::address(conn, &acc1, Address { window: w, time_zone: tz, ..Address::new(email) })?;
                ids.insert(email, id);
            }
            fixtures::address(conn, &acc1, Address { verified: false, ..Address::new("pending@example.com") })?;
            let opted = fixtures::address(conn, &acc1, Address::new("opted-out@example.com"))?;
            fixtures::opt_out(conn, &opted, A, "outage")?;
            // Only maintenance mail for A.
            let acc2 = fixtures::account(conn, "acc2@example.com")?;
            fixtures::subscribe(conn, &acc2, A, true, false)?;
            fixtures::address(conn, &acc2, Address::new("maint-only@example.com"))?;
            // Both affected products: still one mail; opted out of one, the other still counts.
            let acc3 = fixtures::account(conn, "acc3@example.com")?;
            fixtures::subscribe(conn, &acc3, A, false, true)?;
            fixtures::subscribe(conn, &acc3, B, false, true)?;
            fixtures::address(conn, &acc3, Address::new("both@example.com"))?;
            let one = fixtures::address(conn, &acc3, Address::new("opted-a@example.com"))?;
            fixtures::opt_out(conn, &one, A, "outage")?;
            let all = fixtures::address(conn, &acc3, Address::new("opted-ab@example.com"))?;
            fixtures::opt_out(conn, &all, A, "outage")?;
            fixtures::opt_out(conn, &all, B, "outage")?;
            // One address in two accounts: one mail; a window that excludes it in one
            // account does not stop the other's.
            let acc4 = fixtures::account(conn, "acc4@example.com")?;
            let acc5 = fixtures::account(conn, "acc5@example.com")?;
            fixtures::subscribe(conn, &acc4, B, false, true)?;
            fixtures::subscribe(conn, &acc5, A, false, true)?;
            fixtures::address(conn, &acc4, Address::new("shared@example.com"))?;
            fixtures::address(conn, &acc5, Address::new("shared@example.com"))?;
            fixtures::address(conn, &acc4, Address { window: window(&[Weekday::Mon], &[0]), ..Address::new("shared2@example.com") })?;
            fixtures::address(conn, &acc5, Address::new("shared2@example.com"))?;
            // An unaffected product.
            let acc6 = fixtures::account(conn, "acc6@example.com")?;
            fixtures::subscribe(conn, &acc6, C, true, true)?;
            fixtures::address(conn, &acc6, Address::new("other-product@example.com"))?;
            // English, Paris.
            let acc7 = fixtures::account(conn, "acc7@example.com")?;
            fixtures::subscribe(conn, &acc7, A, false, true)?;
            fixtures::address(conn, &acc7, Address {
                window: window(&[Weekday::Wed], &[2]),
                time_zone: "Europe/Paris",
                language: Language::En,
                ..Address::new("english@example.com")
            })?;
            Ok(ids)
        }).await?;

        let (notice, receipt) = publish(&app, &op, outage(&[A, B], "認証エラー")).await?;
        let expected = [
            "both@example.com", "english@example.com", "ny-in@example.com", "opted-a@example.com",
            "shared2@example.com", "shared@example.com", "tokyo-in@example.com",
        ];
        assert_eq!((receipt.audience, receipt.skipped), (7, 2), "{receipt:?}");
        let progress = settled(&app, &op, &notice).await?;
        assert_eq!((progress.sent, progress.failed, progress.skipped), (7, 0, 2));
        let first = mails_of(&app.smtp, &receipt.publication_id);
        assert_eq!(once_each(&first)?, expected);

        // Japanese, in the address's zone, with the product names, a link and one-click
        // unsubscribe.
        let ny = &first["ny-in@example.com"][0];
        assert_eq!(ny.subject, "【故障情報】ID Federation、Directory Service 認証エラー");
        assert!(ny.text.contains("発生日時：2026/12/01(火) 20:00 EST"), "{}", ny.text);
        assert!(ny.text.contains(&app.url(&format!("/notices/{notice}"))));
        assert!(ny.html.contains("<strong>認証エラー</strong>"), "{}", ny.html);
        // The plain-text part reads as text, without Markdown's markers.
        assert!(ny.text.contains("現在、認証エラーが発生しています。") && ny.text.contains("・ 影響: ログイン不可"), "{}", ny.text);
        assert!(!ny.text.contains("**"), "{}", ny.text);
        let unsubscribe = ny.header("List-Unsubscribe").unwrap_or_default();
        assert!(unsubscribe.starts_with(&format!("<{}", app.url("/api/v1/unsubscribe/"))), "{unsubscribe}");
        assert_eq!(ny.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
        // Both parts link to the page that asks first, with the same token.
        let token = unsubscribe.trim_start_matches(&format!("<{}", app.url("/api/v1/unsubscribe/"))).trim_end_matches('>');
        let page = app.url(&format!("/unsubscribe/{token}"));
        assert!(ny.text.contains(&page) && ny.html.contains(&page), "{page}\n{}\n{}", ny.text, ny.html);
        assert_eq!(ny.header("In-Reply-To"), None);
        // Filed as one list, and never answered by an auto-responder.
        assert_eq!(ny.header("Auto-Submitted").as_deref(), Some("auto-generated"));
        assert_eq!(ny.header("List-Id").as_deref(), Some("Shirase notices <notices.127.0.0.1>"));
        let en = &first["english@example.com"][0];
        assert_eq!(en.subject, "[Outage] ID Federation, Directory Service: 認証エラー (en)");
        assert!(en.text.contains("Started: Wed 2026-12-02 02:00 CET"), "{}", en.text);
        assert!(en.text.contains("Sign-in fails."));

        // An update an hour later is judged at its own instant, and threads under the
        // first mail where there was one.
        app.clock.set(t + chrono::Duration::hours(1));
        let op = login(&app, "op@example.com", PASSWORD).await?.body["access_token"].as_str().unwrap_or_default().to_owned();
        let res = app.post(&format!("/api/v1/notices/{notice}/updates"), Some(&op), json!({
            "body_ja": "復旧しました。", "status": "resolved",
        })).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let update: PublicationReceipt = res.json()?;
        assert_eq!((update.sequence, update.audience, update.skipped), (1, 5, 4), "{update:?}");
        settled(&app, &op, &notice).await?;
        let second = mails_of(&app.smtp, &update.publication_id);
        assert_eq!(
            once_each(&second)?,
            ["both@example.com", "opted-a@example.com", "shared2@example.com", "shared@example.com", "tokyo-out@example.com"]
        );
        let both = &second["both@example.com"][0];
        let parent = first["both@example.com"][0].message_id.clone();
        assert_eq!(both.header("In-Reply-To"), Some(format!("<{parent}>")));
        assert_eq!(both.header("References"), Some(format!("<{parent}>")));
        assert_eq!(both.subject, "【故障情報】ID Federation、Directory Service 認証エラー（復旧）");
        assert_eq!(second["tokyo-out@example.com"][0].header("In-Reply-To"), None, "no first mail to thread under");

        let view: NoticeView = app.get(&format!("/api/v1/notices/{notice}"), None).await?.json()?;
        assert_eq!(view.status.code(), "resolved");
        assert_eq!(view.updates.len(), 1);
        // The page's HTML comes rendered: the SPA inserts it as it is.
        assert_eq!(view.body_html_ja, "<p>現在、<strong>認証エラー</strong>が発生しています。</p><ul><li>影響: ログイン不可</li></ul>");
        assert_eq!(view.updates[0].body_html_ja, "<p>復旧しました。</p>");
        assert!(!ids.is_empty());

        // Each publication's rows (opted-out and suspended addresses' too) are numbered 1, 2, …
        // in the byte order of their addresses, so that the ledger's indexes are appended to.
        for publication in [&receipt.publication_id, &update.publication_id] {
            let ledger = ledger_rows(&app, publication).await?;
            assert_eq!(ledger.len(), 11, "{ledger:?}");
            let numbered: Vec<String> = (1..=11).map(|n| format!("{publication}.{n:010}")).collect();
            assert_eq!(ledger.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), numbered);
            assert!(ledger.windows(2).all(|w| w[0].1.as_bytes() < w[1].1.as_bytes()), "{ledger:?}");
        }
        Ok(())
    }

    async fn a_published_notice_is_corrected_without_mailing_anyone(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "op@example.com").await?;
        app.db(|conn| ops_subscribed(conn, false, true)).await?;
        let (id, receipt) = publish(&app, &op, outage(&[A], "認証エラーの発声")).await?;
        settled(&app, &op, &id).await?;
        let mailed = app.smtp.all().len();
        // Only the titles and text: the rest changes through updates.
        let res = app.call(Method::PATCH, &format!("/api/v1/notices/{id}"), Some(&op), Some(json!({"status": "resolved", "starts_at": "2026-12-02T02:00:00Z"}))).await?;
        assert_eq!(res.field_errors()?, [("starts_at".to_owned(), "not_editable".to_owned()), ("status".to_owned(), "not_editable".to_owned())]);
        let res = app.call(Method::PATCH, &format!("/api/v1/notices/{id}"), Some(&op), Some(json!({"title_ja": ""}))).await?;
        assert_eq!(res.field_errors()?, [("title_ja".to_owned(), "required".to_owned())]);
        let res = app.call(Method::PATCH, &format!("/api/v1/notices/{id}"), Some(&op), Some(json!({"title_ja": "認証エラーの発生"}))).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let view: NoticeView = app.get(&format!("/api/v1/notices/{id}"), None).await?.json()?;
        assert_eq!(view.title_ja, "認証エラーの発生");
        assert!(view.edited_at.is_some());
        assert!(view.updates.is_empty(), "a correction is not an update");
        // The feed says so; nobody got a mail; the one publication's counts stand.
        let feed = app.http.get(app.url("/feeds/notices.atom")).send().await?.text().await?;
        assert!(feed.contains("認証エラーの発生") && feed.contains("修正: "), "{feed}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(app.smtp.all().len(), mailed);
        let progress = deliveries(&app, &op, &id).await?;
        assert_eq!((progress.publications.len(), progress.sent), (1, receipt.audience));
        // Customers cannot correct.
        let customer = shirase_tests::flows::customer(&app, "c@example.com").await?;
        let res = app.call(Method::PATCH, &format!("/api/v1/notices/{id}"), Some(&customer.access_token), Some(json!({"title_ja": "x"}))).await?;
        assert_eq!(res.status, 403);
        Ok(())
    }

    async fn a_resolved_outage_takes_a_postmortem_mailed_only_if_chosen(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "op@example.com").await?;
        app.db(|conn| ops_subscribed(conn, false, true)).await?;
        let (id, _) = publish(&app, &op, outage(&[A], "認証エラー")).await?;
        let path = format!("/api/v1/notices/{id}/postmortem");
        let res = app.post(&path, Some(&op), json!({"body_ja": "原因は設定の誤りでした。"})).await?;
        assert_eq!(res.status, 409, "not resolved yet: {res:?}");
        let res = app.post(&format!("/api/v1/notices/{id}/updates"), Some(&op), json!({"body_ja": "復旧しました。", "status": "resolved"})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        settled(&app, &op, &id).await?;
        let res = app.post(&path, Some(&op), json!({"body_ja": "  "})).await?;
        assert_eq!(res.field_errors()?, [("body_ja".to_owned(), "required".to_owned())]);
        // Posted for those who look: nobody is mailed.
        let before = app.smtp.to("ops@example.com").len();
        let res = app.post(&path, Some(&op), json!({"body_ja": "## 原因\n設定の誤りでした。", "body_en": "A configuration error."})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let receipt: PublicationReceipt = res.json()?;
        assert_eq!(receipt.audience, 0);
        let view: NoticeView = app.get(&format!("/api/v1/notices/{id}"), None).await?.json()?;
        let last = view.updates.last().ok_or_else(|| anyhow::anyhow!("no updates"))?;
        assert!(last.postmortem && last.body_html_ja.contains("<h4>原因</h4>"), "{last:?}");
        assert_eq!(view.status, shared::dto::NoticeStatus::Resolved);
        let feed = app.http.get(app.url("/feeds/notices.atom")).send().await?.text().await?;
        assert!(feed.contains("事後報告"), "{feed}");
        // Chosen: mailed, marked as a postmortem, threaded under the notice.
        let res = app.post(&path, Some(&op), json!({"body_ja": "再発防止策を追記しました。", "notify": true})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let mail = app.smtp.wait_for_nth("ops@example.com", before + 1).await?;
        assert!(mail.subject.starts_with("【事後報告・故障情報】"), "{}", mail.subject);
        assert!(mail.header("In-Reply-To").is_some());
        assert_eq!(app.smtp.to("ops@example.com").len(), before + 1);
        Ok(())
    }

    async fn drafts_are_private_and_only_operators_write(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "op@example.com").await?;
        let customer = customer(&app, "customer@example.com").await?.access_token;
        let draft = json!({
            "kind": "maintenance", "products": [A], "title_ja": "定期メンテナンス",
            "body_ja": "作業します。", "starts_at": "2026-12-10T16:00:00Z", "ends_at": "2026-12-10T18:00:00Z",
        });
        assert_eq!(app.post("/api/v1/notices", None, draft.clone()).await?.status, 401);
        let res = app.post("/api/v1/notices", Some(&customer), draft.clone()).await?;
        assert_eq!(res.status, 403);
        assert_eq!(res.problem()?.status, 403);

        // Field codes, all at once.
        let res = app.post("/api/v1/notices", Some(&op), json!({
            "kind": "maintenance", "products": ["no-such-product"], "title_ja": "x",
            "body_ja": "y", "starts_at": "2026-12-10T16:00:00Z",
        })).await?;
        assert_eq!(res.field_errors()?, [("ends_at".into(), "required".into())]);
        let mut unknown = draft.clone();
        unknown["products"] = json!(["no-such-product"]);
        let res = app.post("/api/v1/notices", Some(&op), unknown).await?;
        assert_eq!(res.field_errors()?, [("products".into(), "unknown_product".into())]);
        assert_eq!(fixtures_count(&app, "notices").await?, 0, "nothing half-written");

        let res = app.post("/api/v1/notices", Some(&op), draft).await?;
        assert_eq!(res.status, 201, "{res:?}");
        let id = res.body["id"].as_str().unwrap_or_default().to_owned();
        let path = format!("/api/v1/notices/{id}");
        // A draft does not exist for the public, nor in the list.
        assert_eq!(app.get(&path, None).await?.status, 404);
        assert_eq!(app.get(&path, Some(&customer)).await?.status, 404);
        assert_eq!(app.get(&path, Some(&op)).await?.status, 200);
        let page: NoticePage = app.get("/api/v1/notices", None).await?.json()?;
        assert!(page.items.is_empty());

        let res = app.call(Method::PATCH, &path, Some(&customer), Some(json!({"title_ja": "x"}))).await?;
        assert_eq!(res.status, 403);
        let res = app.call(Method::PATCH, &path, Some(&op), Some(json!({"ends_at": "2026-12-10T15:00:00Z"}))).await?;
        assert_eq!(res.field_errors()?, [("ends_at".into(), "before_start".into())]);
        let res = app.call(Method::PATCH, &path, Some(&op), Some(json!({"title_ja": "定期メンテナンス（延長）", "products": [A, B]}))).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let view: NoticeView = res.json()?;
        assert_eq!(view.products.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(), [A, B]);

        let publish = format!("{path}/publication");
        assert_eq!(app.post(&publish, Some(&customer), json!({})).await?.status, 403);
        assert_eq!(app.post(&format!("{path}/updates"), Some(&op), json!({"body_ja": "x"})).await?.status, 409);
        assert_eq!(app.post(&publish, Some(&op), json!({})).await?.status, 202);
        assert_eq!(app.post(&publish, Some(&op), json!({})).await?.status, 409);
        // Published, it takes only corrections of its text: its products change no more.
        let res = app.call(Method::PATCH, &path, Some(&op), Some(json!({"products": [A]}))).await?;
        assert_eq!(res.field_errors()?, [("products".into(), "not_editable".into())]);
        assert_eq!(app.get(&format!("{path}/deliveries"), Some(&customer)).await?.status, 403);
        let res = app.post(&format!("{path}/updates"), Some(&op), json!({"body_ja": "x", "status": "resolved"})).await?;
        assert_eq!(res.field_errors()?, [("status".into(), "invalid_value".into())], "resolved is an outage status");
        assert_eq!(app.get(&path, None).await?.status, 200);
        Ok(())
    }

    async fn the_public_list_is_newest_first_filtered_and_paged(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "op@example.com").await?;
        let mut published = Vec::new();
        for (i, product) in [A, B, A, C, A].iter().enumerate() {
            app.clock.advance(chrono::Duration::minutes(1));
            let (id, _) = publish(&app, &op, outage(&[product], &format!("障害 {i}"))).await?;
            published.push(id);
        }
        let maintenance = json!({
            "kind": "maintenance", "products": [A], "title_ja": "工事", "body_ja": "x",
            "starts_at": "2026-12-10T16:00:00Z", "ends_at": "2026-12-10T18:00:00Z",
        });
        app.clock.advance(chrono::Duration::minutes(1));
        let (m, _) = publish(&app, &op, maintenance).await?;

        let ids = |p: &NoticePage| p.items.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        let first: NoticePage = app.get("/api/v1/notices?limit=4", None).await?.json()?;
        assert_eq!(ids(&first), [m.clone(), published[4].clone(), published[3].clone(), published[2].clone()]);
        let cursor = first.next_cursor.clone().unwrap_or_default();
        let rest: NoticePage = app.get(&format!("/api/v1/notices?limit=4&cursor={cursor}"), None).await?.json()?;
        assert_eq!(ids(&rest), [published[1].clone(), published[0].clone()]);
        assert_eq!(rest.next_cursor, None);

        let of_a: NoticePage = app.get(&format!("/api/v1/notices?product={A}&kind=outage"), None).await?.json()?;
        assert_eq!(ids(&of_a), [published[4].clone(), published[2].clone(), published[0].clone()]);
        let res = app.get("/api/v1/notices?kind=rumour&product=nothing&cursor=%21", None).await?;
        assert_eq!(res.field_errors()?, [("kind".into(), "invalid_value".into()), ("cursor".into(), "invalid_value".into())]);
        let res = app.get("/api/v1/notices?product=nothing", None).await?;
        assert_eq!(res.field_errors()?, [("product".into(), "unknown_product".into())]);
        Ok(())
    }

    async fn one_click_unsubscribe_stops_one_kind_for_one_address(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "op@example.com").await?;
        let owner = customer(&app, "owner@example.com").await?.access_token;
        app.db(|conn| {
            let acc = fixtures::account_id(conn, "owner@example.com")?;
            fixtures::subscribe(conn, &acc, A, true, true)?;
            fixtures::subscribe(conn, &acc, B, true, true)?;
            fixtures::address(conn, &acc, Address::new("ops@example.com"))?;
            // Another account lists the same address.
            let other = fixtures::account(conn, "other@example.com")?;
            fixtures::subscribe(conn, &other, A, false, true)?;
            fixtures::address(conn, &other, Address::new("ops@example.com"))?;
            Ok(())
        }).await?;
        let (notice, receipt) = publish(&app, &op, outage(&[A], "認証エラー")).await?;
        settled(&app, &op, &notice).await?;
        let mail = &mails_of(&app.smtp, &receipt.publication_id)["ops@example.com"][0];
        let header = mail.header("List-Unsubscribe").unwrap_or_default();
        let url = header.trim_start_matches('<').trim_end_matches('>').to_owned();

        // The page that asks first says what the link stops.
        let token = url.trim_start_matches(&app.url("/api/v1/unsubscribe/")).to_owned();
        let target: shared::dto::UnsubscribeTarget = app.get(&format!("/api/v1/unsubscribe/{token}"), None).await?.json()?;
        assert_eq!((target.email_masked.as_str(), target.kind), ("o***@example.com", shared::dto::NoticeKind::Outage));
        assert_eq!(target.products.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(), [A]);
        assert_eq!(target.title_ja, "認証エラー");
        assert_eq!(app.get(&format!("/api/v1/unsubscribe/{token}x"), None).await?.status, 404);

        // A forged or altered link does nothing.
        let forged = format!("{}x", url);
        let res = app.http.post(&forged).body("List-Unsubscribe=One-Click").send().await?;
        assert_eq!(res.status(), 404);
        // What a mail client sends (RFC 8058 §3.2); repeating it is harmless.
        for _ in 0..2 {
            let res = app.http.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click")
                .send().await?;
            assert_eq!(res.status(), 204);
        }

        let subs: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", Some(&owner)).await?.json()?;
        let opt_outs = |slug: &str| subs.iter().find(|s| s.product.slug == slug).map(|s| s.opt_outs.clone()).unwrap_or_default();
        let a = opt_outs(A);
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].email.as_str(), a[0].kind.code()), ("ops@example.com", "outage"));
        assert!(opt_outs(B).is_empty(), "B was not in the notice");
        // The owner's own address still gets outage mail for A; ops@ gets maintenance for A
        // and outage for B; nothing of outage for A reaches ops@ through either account.
        let (n2, r2) = publish(&app, &op, outage(&[A], "再発")).await?;
        settled(&app, &op, &n2).await?;
        assert_eq!(once_each(&mails_of(&app.smtp, &r2.publication_id))?, ["owner@example.com"]);
        let (n3, r3) = publish(&app, &op, outage(&[B], "別製品")).await?;
        settled(&app, &op, &n3).await?;
        assert_eq!(once_each(&mails_of(&app.smtp, &r3.publication_id))?, ["ops@example.com", "owner@example.com"]);

        // Resuming from My Support.
        let rid = a[0].recipient_id.clone();
        let path = format!("/api/v1/me/recipients/{rid}/opt-outs/{A}/outage");
        let stranger = customer(&app, "stranger@example.com").await?.access_token;
        assert_eq!(app.call(Method::DELETE, &path, Some(&stranger), None).await?.status, 404);
        assert_eq!(app.call(Method::DELETE, &path, Some(&owner), None).await?.status, 204);
        assert_eq!(app.call(Method::DELETE, &path, Some(&owner), None).await?.status, 404);
        let (n4, r4) = publish(&app, &op, outage(&[A], "三度目")).await?;
        settled(&app, &op, &n4).await?;
        // The other account's listing of ops@ stays unsubscribed, the owner's resumed.
        assert_eq!(once_each(&mails_of(&app.smtp, &r4.publication_id))?, ["ops@example.com", "owner@example.com"]);
        Ok(())
    }
}

/// An operator on an application that runs no dispatcher of its own: a helper dispatcher
/// delivers the sign-up mails, then stops.
async fn fixtures_count(app: &TestApp, table: &'static str) -> anyhow::Result<i64> {
    shirase_tests::flows::count(app, table).await
}

/// Runs `f` on SQLite and on PostgreSQL with an application whose SMTP server follows
/// `script`.
async fn with_script(
    backend: Backend,
    no_dispatcher: bool,
    script: shirase_tests::smtp::Script,
) -> anyhow::Result<Option<TestApp>> {
    TestApp::spawn_with(
        backend,
        Mode {
            no_dispatcher,
            smtp_script: Some(script),
            ..Mode::default()
        },
    )
    .await
}

async fn transient_then_permanent(backend: Backend) -> anyhow::Result<()> {
    let script: shirase_tests::smtp::Script = Arc::new(|rcpt: &str, nth: usize| match rcpt {
        "flaky@example.com" if nth == 1 => Reply::Refuse("451 4.3.0 Mailbox busy, try later"),
        "gone@example.com" => Reply::Refuse("550 5.1.1 No such user here"),
        _ => Reply::Accept,
    });
    let Some(app) = with_script(backend, false, script).await? else {
        return Ok(());
    };
    let op = operator(&app, "op@example.com").await?;
    app.db(|conn| {
        let acc = fixtures::account(conn, "acc@example.com")?;
        fixtures::subscribe(conn, &acc, A, false, true)?;
        for email in ["flaky@example.com", "gone@example.com", "fine@example.com"] {
            fixtures::address(conn, &acc, Address::new(email))?;
        }
        Ok(())
    })
    .await?;
    let (notice, receipt) = publish(&app, &op, outage(&[A], "認証エラー")).await?;
    assert_eq!(receipt.audience, 3);
    app.smtp.wait_for("fine@example.com").await?;
    // The refusals are recorded; the busy mailbox waits for its retry.
    let mut progress = deliveries(&app, &op, &notice).await?;
    for _ in 0..100 {
        if progress.bounced == 1 && progress.sent == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        progress = deliveries(&app, &op, &notice).await?;
    }
    // A permanent refusal by the mail server is a bounce.
    assert_eq!(
        (
            progress.pending,
            progress.sent,
            progress.failed,
            progress.bounced
        ),
        (1, 1, 0, 1),
        "{progress:?}"
    );
    assert_eq!(progress.failures.len(), 1);
    // Operators see the address masked.
    assert_eq!(progress.failures[0].destination, "g***@example.com");
    assert_eq!(progress.failures[0].state, DeliveryState::Bounced);
    assert_eq!(progress.failures[0].sequence, 0);
    assert!(
        progress.failures[0].error.contains("No such user"),
        "{:?}",
        progress.failures[0]
    );
    assert!(app.smtp.to("flaky@example.com").is_empty());

    // Back-off: nothing happens until the retry is due, then it goes out once.
    app.clock.advance(chrono::Duration::seconds(20));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        app.smtp.to("flaky@example.com").is_empty(),
        "retried before its back-off"
    );
    app.clock.advance(chrono::Duration::minutes(2));
    app.smtp.wait_for("flaky@example.com").await?;
    let done = settled(&app, &op, &notice).await?;
    assert_eq!(
        (done.pending, done.sent, done.failed, done.bounced),
        (0, 2, 0, 1)
    );
    assert_eq!(app.smtp.to("flaky@example.com").len(), 1);
    assert_eq!(app.smtp.to("gone@example.com").len(), 0);
    Ok(())
}

/// A dispatcher dies with a batch in flight; another finishes the batch once the lease
/// runs out, and no address that the server accepted a mail for gets a second one.
async fn a_killed_dispatcher_is_taken_over_after_the_lease(backend: Backend) -> anyhow::Result<()> {
    let Some(app) = with_script(backend, true, Arc::new(|_, _| Reply::Accept)).await? else {
        return Ok(());
    };
    let op = shirase_tests::flows::operator_meanwhile(&app, "op@example.com").await?;
    app.db(|conn| {
        for a in 0..2 {
            let acc = fixtures::account(conn, &format!("acc{a}@example.com"))?;
            fixtures::subscribe(conn, &acc, A, false, true)?;
            for i in 0..10 {
                fixtures::address(conn, &acc, Address::new(&format!("user{a}{i}@example.com")))?;
            }
        }
        Ok(())
    })
    .await?;
    let (_, receipt) = publish(&app, &op, outage(&[A], "認証エラー")).await?;
    assert_eq!(receipt.audience, 20);

    // The first server accepts three mails, then takes data and never answers.
    let stuck = SmtpSink::accepting_then_hanging(3).await?;
    let doomed = app.dispatcher(&stuck)?;
    let running = tokio::spawn(async move { doomed.drain_once().await });
    stuck.wait_for_count(3, 10, |_| true).await?;
    for _ in 0..100 {
        if sent_count(&app, &receipt.publication_id).await? == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        sent_count(&app, &receipt.publication_id).await?,
        3,
        "accepted mails are recorded as they go"
    );
    let (healthy, sent) = app.take_over(running).await?;
    assert_eq!(sent, 17);
    let first = once_each(&mails_of(&stuck, &receipt.publication_id))?.len();
    let second = mails_of(&healthy, &receipt.publication_id);
    once_each(&second)?;
    assert_eq!((first, second.len()), (3, 17));
    for to in mails_of(&stuck, &receipt.publication_id).keys() {
        assert!(!second.contains_key(to), "{to} got a second mail");
    }
    assert_eq!(sent_count(&app, &receipt.publication_id).await?, 20);
    // A resend is recognisably the same mail: the Message-ID is the publication's and the
    // address's.
    for mails in second.values() {
        let id = &mails[0].message_id;
        assert!(
            id.starts_with(&format!("{}.", receipt.publication_id)),
            "{id}"
        );
    }
    Ok(())
}

/// A publication's e-mail rows in the ledger, by id: (id, address).
async fn ledger_rows(app: &TestApp, publication: &str) -> anyhow::Result<Vec<(String, String)>> {
    let publication = publication.to_owned();
    app.db(move |conn| {
        use api::schema::deliveries::dsl::*;
        use diesel::prelude::*;
        Ok(deliveries
            .filter(publication_id.eq(publication))
            .filter(channel.eq("email"))
            .order(id.asc())
            .select((id, destination))
            .load(conn)?)
    })
    .await
}

async fn sent_count(app: &TestApp, publication: &str) -> anyhow::Result<i64> {
    let publication = publication.to_owned();
    app.db(move |conn| {
        use api::schema::deliveries::dsl::*;
        use diesel::prelude::*;
        Ok(deliveries
            .filter(publication_id.eq(publication))
            .filter(status.eq("sent"))
            .count()
            .get_result::<i64>(conn)?)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_transient_failures_are_retried_and_permanent_ones_recorded() -> anyhow::Result<()> {
    transient_then_permanent(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_transient_failures_are_retried_and_permanent_ones_recorded() -> anyhow::Result<()>
{
    transient_then_permanent(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_killed_dispatcher_is_taken_over_after_the_lease() -> anyhow::Result<()> {
    a_killed_dispatcher_is_taken_over_after_the_lease(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_killed_dispatcher_is_taken_over_after_the_lease() -> anyhow::Result<()> {
    a_killed_dispatcher_is_taken_over_after_the_lease(Backend::Postgres).await
}

/// Two dispatchers (two processes' worth) drain one PostgreSQL outbox at once: every one of
/// 2,000 addresses receives its mail exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_dispatchers_send_each_mail_exactly_once() -> anyhow::Result<()> {
    let Some(app) = with_script(Backend::Postgres, true, Arc::new(|_, _| Reply::Accept)).await?
    else {
        return Ok(());
    };
    let op = shirase_tests::flows::operator_meanwhile(&app, "op@example.com").await?;
    app.db(|conn| fixtures::bulk_audience(conn, A, 2_000))
        .await?;
    let (notice, receipt) = publish(&app, &op, outage(&[A], "認証エラー")).await?;
    assert_eq!(receipt.audience, 2_000);
    let server = SmtpSink::start().await?;
    let drain = |d: api::delivery::dispatcher::Dispatcher| async move { d.drain().await };
    let one = tokio::spawn(drain(app.dispatcher(&server)?));
    let two = tokio::spawn(drain(app.dispatcher(&server)?));
    let (one, two) = (one.await??, two.await??);
    assert_eq!(one + two, 2_000);
    assert!(one > 0 && two > 0, "both took part: {one} and {two}");
    let by = mails_of(&server, &receipt.publication_id);
    assert_eq!(once_each(&by)?.len(), 2_000);
    assert_eq!(server.all().len(), 2_000);
    let progress = deliveries(&app, &op, &notice).await?;
    assert_eq!((progress.pending, progress.sent), (0, 2_000));
    Ok(())
}

/// A draft can be deleted; a published notice cannot, and stays.
async fn drafts_can_be_deleted_and_published_notices_cannot(app: TestApp) -> anyhow::Result<()> {
    let op = operator(&app, "op@example.com").await?;
    let customer_token = customer(&app, "acc@example.com").await?.access_token;
    let res = app
        .post("/api/v1/notices", Some(&op), outage(&[A], "下書き"))
        .await?;
    assert_eq!(res.status, 201, "{res:?}");
    let draft = res.body["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/api/v1/notices/{draft}");
    let res = app
        .call(Method::DELETE, &path, Some(&customer_token), None)
        .await?;
    assert_eq!(res.status, 403, "{res:?}");
    let res = app.call(Method::DELETE, &path, Some(&op), None).await?;
    assert_eq!(res.status, 204, "{res:?}");
    assert_eq!(app.get(&path, Some(&op)).await?.status, 404);
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&op), None)
            .await?
            .status,
        404
    );
    assert_eq!(
        shirase_tests::flows::count(&app, "notice_products").await?,
        0,
        "nothing left of it"
    );

    let (published, _) = publish(&app, &op, outage(&[A], "認証エラー")).await?;
    let path = format!("/api/v1/notices/{published}");
    let res = app.call(Method::DELETE, &path, Some(&op), None).await?;
    assert_eq!(res.status, 409, "{res:?}");
    res.problem()?;
    assert_eq!(app.get(&path, None).await?.status, 200);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_drafts_can_be_deleted_and_published_notices_cannot() -> anyhow::Result<()> {
    drafts_can_be_deleted_and_published_notices_cannot(TestApp::spawn(Backend::Sqlite).await?).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_drafts_can_be_deleted_and_published_notices_cannot() -> anyhow::Result<()> {
    let Some(app) = TestApp::spawn_postgres().await? else {
        return Ok(());
    };
    drafts_can_be_deleted_and_published_notices_cannot(app).await
}

/// An update posted without notifying is on the notice's page and in the feed, and queues
/// nothing for anyone; the next notified update reaches the audience again.
async fn an_update_can_be_posted_without_notifying(app: TestApp) -> anyhow::Result<()> {
    let op = operator(&app, "op@example.com").await?;
    customer(&app, "owner@example.com").await?;
    app.db(|conn| {
        let acc = fixtures::account_id(conn, "owner@example.com")?;
        fixtures::subscribe(conn, &acc, A, true, true)?;
        Ok(())
    })
    .await?;
    let (notice, receipt) = publish(&app, &op, outage(&[A], "認証エラー")).await?;
    assert_eq!(receipt.audience, 1);
    settled(&app, &op, &notice).await?;
    let updates = format!("/api/v1/notices/{notice}/updates");
    let res = app
        .post(
            &updates,
            Some(&op),
            json!({"body_ja": "原因を調査しています。", "notify": false}),
        )
        .await?;
    assert_eq!(res.status, 202, "{res:?}");
    let quiet: PublicationReceipt = res.json()?;
    assert_eq!((quiet.sequence, quiet.audience, quiet.skipped), (1, 0, 0));
    let publication = quiet.publication_id.clone();
    let queued = app
        .db(move |conn| {
            use api::schema::deliveries::dsl::*;
            use diesel::prelude::*;
            Ok(deliveries
                .filter(publication_id.eq(&publication))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await?;
    assert_eq!(queued, 0, "nothing queued for the quiet update");
    let view: NoticeView = app
        .get(&format!("/api/v1/notices/{notice}"), None)
        .await?
        .json()?;
    assert_eq!(view.updates.len(), 1);
    assert_eq!(view.updates[0].body_ja, "原因を調査しています。");
    let feed = app
        .http
        .get(app.url("/feeds/notices.atom"))
        .send()
        .await?
        .text()
        .await?;
    assert!(feed.contains("原因を調査しています。"), "{feed}");

    let res = app
        .post(
            &updates,
            Some(&op),
            json!({"body_ja": "復旧しました。", "status": "resolved"}),
        )
        .await?;
    let told: PublicationReceipt = res.json()?;
    assert_eq!((told.sequence, told.audience), (2, 1));
    settled(&app, &op, &notice).await?;
    let mails = mails_of(&app.smtp, &told.publication_id);
    assert_eq!(once_each(&mails)?, ["owner@example.com"]);
    assert!(mails_of(&app.smtp, &quiet.publication_id).is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_an_update_can_be_posted_without_notifying() -> anyhow::Result<()> {
    an_update_can_be_posted_without_notifying(TestApp::spawn(Backend::Sqlite).await?).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_update_can_be_posted_without_notifying() -> anyhow::Result<()> {
    let Some(app) = TestApp::spawn_postgres().await? else {
        return Ok(());
    };
    an_update_can_be_posted_without_notifying(app).await
}

/// Without an SMTP server, mail goes to the dev mailbox: whole, so that its page shows every
/// header (threading, unsubscribing) and lists the attachments, the `.ics` of a maintenance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_mailbox_shows_every_header_and_the_attachments() -> anyhow::Result<()> {
    let app = TestApp::spawn_with_dev_mailbox().await?;
    // Signed up through the API, activated from the link in the mailbox.
    let res = app
        .post(
            "/api/v1/registrations",
            None,
            shirase_tests::flows::signup("op@example.com"),
        )
        .await?;
    assert_eq!(res.status, 202, "{res:?}");
    let mut token = None;
    for _ in 0..100 {
        token = app
            .db(|conn| {
                use api::schema::dev_mailbox::dsl::*;
                use diesel::prelude::*;
                let text = dev_mailbox
                    .filter(recipient.eq("op@example.com"))
                    .select(body_text)
                    .first::<String>(conn)
                    .optional()?;
                Ok(text.and_then(|t| {
                    let (_, after) = t.split_once("/register/activate?token=")?;
                    Some(after.split_whitespace().next()?.to_owned())
                }))
            })
            .await?;
        if token.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token = token.ok_or_else(|| anyhow::anyhow!("no activation mail in the dev mailbox"))?;
    let tokens = shirase_tests::flows::activate(&app, &token).await?;
    let version = app.get("/api/v1/terms", None).await?.body["version"].clone();
    let res = app
        .post(
            "/api/v1/me/terms-acceptance",
            Some(&tokens.access_token),
            json!({"version": version}),
        )
        .await?;
    assert_eq!(res.status, 204, "{res:?}");
    app.db(|conn| {
        Ok(api::models::account::Account::set_role(
            conn,
            "op@example.com",
            "operator",
        )?)
    })
    .await?;
    let op = tokens.access_token;
    app.db(|conn| ops_subscribed(conn, true, false)).await?;
    let (notice, _) = publish(&app, &op, json!({
        "kind": "maintenance", "products": [A], "title_ja": "定期メンテナンス", "body_ja": "作業します。",
        "starts_at": "2030-01-10T01:00:00Z", "ends_at": "2030-01-10T03:00:00Z",
    })).await?;
    let res = app.post(&format!("/api/v1/notices/{notice}/updates"), Some(&op), json!({"body_ja": "時間を変更します。", "starts_at": "2030-01-10T02:00:00Z", "ends_at": "2030-01-10T04:00:00Z"})).await?;
    assert_eq!(res.status, 202, "{res:?}");
    // The update's mail to the address, once the dispatcher has put it in the mailbox.
    let mut found = None;
    for _ in 0..100 {
        found = app
            .db(|conn| {
                use api::schema::dev_mailbox::dsl::*;
                use diesel::prelude::*;
                Ok(dev_mailbox
                    .filter(recipient.eq("ops@example.com"))
                    .filter(body_text.like("%時間を変更します。%"))
                    .select(id)
                    .first::<String>(conn)
                    .optional()?)
            })
            .await?;
        if found.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let id = found.ok_or_else(|| anyhow::anyhow!("no update mail in the dev mailbox"))?;
    // The update tells the whole story: the old window beside the new, the first notice
    // below the update.
    let mail_id = id.clone();
    let text = app
        .db(move |conn| {
            use api::schema::dev_mailbox::dsl::*;
            use diesel::prelude::*;
            Ok(dev_mailbox
                .find(mail_id)
                .select(body_text)
                .first::<String>(conn)?)
        })
        .await?;
    let window = text
        .find("作業予定：2030/01/10(木) 11:00 JST")
        .unwrap_or(usize::MAX);
    let was = text
        .find("（変更前：2030/01/10(木) 10:00 JST ～ 2030/01/10(木) 12:00 JST）")
        .unwrap_or(usize::MAX);
    let story = text
        .find("これまでの経過（新しい順）")
        .unwrap_or(usize::MAX);
    let first = text.rfind("作業します。").unwrap_or(usize::MAX);
    assert!(
        window < was && was < story && story < first && first < usize::MAX,
        "{text}"
    );
    let page = app
        .http
        .get(app.url(&format!("/dev/mailbox/{id}")))
        .send()
        .await?
        .text()
        .await?;
    for needle in [
        "In-Reply-To",
        "References",
        "Auto-Submitted",
        "List-Unsubscribe",
        "maintenance.ics",
        "text/calendar",
    ] {
        assert!(
            page.contains(needle),
            "{needle} missing from the dev mailbox page"
        );
    }
    Ok(())
}
