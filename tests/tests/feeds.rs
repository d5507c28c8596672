//! Atom and iCalendar feeds, read back with third-party parsers (`atom_syndication`,
//! `icalendar`), and the `.ics` attachment of maintenance mails, on SQLite and PostgreSQL.

use icalendar::{Calendar, CalendarComponent, Component};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};
use shared::dto::IssuedFeedKey;
use shirase_tests::backend_tests;
use shirase_tests::flows::{self, customer, operator};

fn maintenance(products: &[&str]) -> Value {
    json!({
        "kind": "maintenance",
        "products": products,
        "title_ja": "定期メンテナンス; 認証, 連携",
        "title_en": "Scheduled maintenance",
        "body_ja": "認証基盤を更新します。\n\n- **影響**: 数秒の切断",
        "starts_at": "2026-12-10T16:00:00Z",
        "ends_at": "2026-12-10T18:00:00Z",
    })
}

fn outage(products: &[&str]) -> Value {
    json!({
        "kind": "outage",
        "products": products,
        "title_ja": "サーバーに接続できない <障害>",
        "body_ja": "調査しています。",
        "starts_at": "2026-12-02T01:00:00Z",
    })
}

async fn publish(app: &shirase_tests::TestApp, op: &str, draft: Value) -> anyhow::Result<String> {
    Ok(flows::publish(app, op, draft).await?.0)
}

async fn update(
    app: &shirase_tests::TestApp,
    op: &str,
    id: &str,
    body: Value,
) -> anyhow::Result<()> {
    let res = app
        .post(&format!("/api/v1/notices/{id}/updates"), Some(op), body)
        .await?;
    anyhow::ensure!(res.status == 202, "{res:?}");
    Ok(())
}

fn notice_mail(m: &shirase_tests::ReceivedMail) -> bool {
    m.envelope_to.iter().any(|t| t == "owner@example.com") && m.subject.contains("情報】")
}

/// GETs a feed by path or absolute URL, checking its content type.
async fn fetch(app: &shirase_tests::TestApp, path: &str, mime: &str) -> anyhow::Result<String> {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        app.url(path)
    };
    let res = app.http.get(url).send().await?;
    anyhow::ensure!(res.status() == StatusCode::OK, "{path}: {}", res.status());
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(ct.starts_with(mime), "{path}: {ct}");
    Ok(res.text().await?)
}

fn atom(text: &str) -> anyhow::Result<atom_syndication::Feed> {
    Ok(text.parse::<atom_syndication::Feed>()?)
}

/// What the tests read of a `VEVENT`.
#[derive(Debug, Clone, PartialEq)]
struct Event {
    uid: String,
    sequence: u32,
    start: String,
    status: String,
    summary: String,
}

/// The calendar's events, as the `icalendar` crate parses them.
fn events(text: &str) -> anyhow::Result<Vec<Event>> {
    let cal: Calendar = text.parse().map_err(anyhow::Error::msg)?;
    Ok(cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(Event {
                uid: e.get_uid().unwrap_or_default().to_owned(),
                sequence: e.get_sequence().unwrap_or(u32::MAX),
                start: e.property_value("DTSTART").unwrap_or_default().to_owned(),
                status: e.property_value("STATUS").unwrap_or_default().to_owned(),
                summary: e.get_summary().unwrap_or_default().to_owned(),
            }),
            _ => None,
        })
        .collect())
}

backend_tests! {
    async fn atom_feeds_list_published_notices_all_and_per_product(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "ops@example.com").await?;
        let m = publish(&app, &op, maintenance(&["id-federation"])).await?;
        let o = publish(&app, &op, outage(&["cloud-server"])).await?;
        // A draft is in no feed.
        let draft = app.post("/api/v1/notices", Some(&op), outage(&["id-federation"])).await?;
        assert_eq!(draft.status, 201);

        let feed = atom(&fetch(&app, "/feeds/notices.atom", "application/atom+xml").await?)?;
        let ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
        assert_eq!(ids, vec![format!("urn:uuid:{o}"), format!("urn:uuid:{m}")], "newest first, no draft");
        assert_eq!(feed.lang(), Some("ja"));
        assert!(feed.links().iter().any(|l| l.rel() == "self" && l.href().ends_with("/feeds/notices.atom")));
        let outage_entry = &feed.entries()[0];
        assert_eq!(outage_entry.title().as_str(), "【故障情報】Cloud Server サーバーに接続できない <障害>");
        assert_eq!(outage_entry.links()[0].href(), app.url(&format!("/notices/{o}")).replace(&app.url(""), app.state.settings.public_url.as_str().trim_end_matches('/')));
        assert!(outage_entry.categories().iter().any(|c| c.term() == "cloud-server"));
        let content = outage_entry.content().and_then(|c| c.value()).unwrap_or_default();
        assert!(content.contains("<p>調査しています。</p>"), "{content}");

        let product = atom(&fetch(&app, "/feeds/products/id-federation/notices.atom", "application/atom+xml").await?)?;
        assert_eq!(product.entries().len(), 1);
        assert_eq!(product.entries()[0].id(), format!("urn:uuid:{m}"));
        assert!(product.title().as_str().contains("ID Federation"));
        let body = product.entries()[0].content().and_then(|c| c.value()).unwrap_or_default();
        assert!(body.contains("<strong>影響</strong>"), "the Markdown subset is rendered: {body}");

        let en = atom(&fetch(&app, "/feeds/products/id-federation/notices.atom?lang=en", "application/atom+xml").await?)?;
        assert_eq!(en.entries()[0].title().as_str(), "[Maintenance] ID Federation: Scheduled maintenance");

        let unknown = app.get("/feeds/products/no-such-product/notices.atom", None).await?;
        assert_eq!(unknown.status, 404);
        Ok(())
    }

    async fn calendar_events_keep_their_uid_and_raise_their_sequence(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "ops@example.com").await?;
        let empty = fetch(&app, "/feeds/maintenance.ics", "text/calendar").await?;
        assert!(events(&empty)?.is_empty() && empty.contains("BEGIN:VTIMEZONE"), "valid when empty: {empty}");
        let m = publish(&app, &op, maintenance(&["id-federation"])).await?;
        publish(&app, &op, outage(&["id-federation"])).await?;
        let other = publish(&app, &op, maintenance(&["cloud-server"])).await?;

        let all = events(&fetch(&app, "/feeds/maintenance.ics", "text/calendar").await?)?;
        assert_eq!(all.len(), 2, "maintenance only: {all:?}");
        let before = events(&fetch(&app, "/feeds/products/id-federation/maintenance.ics", "text/calendar").await?)?;
        assert_eq!(before.len(), 1);
        let Event { uid, sequence, start, status, summary } = before[0].clone();
        assert!(uid.starts_with(&m) && uid.contains('@'), "{uid}");
        assert_eq!((sequence, start.as_str(), status.as_str()), (0, "20261210T160000Z", "CONFIRMED"));
        assert_eq!(summary, "【工事情報】ID Federation 定期メンテナンス; 認証, 連携", "escaped and read back");

        // Rescheduled: same event, next version.
        update(&app, &op, &m, json!({"body_ja": "日程を変更します。", "starts_at": "2026-12-17T16:00:00Z", "ends_at": "2026-12-17T18:00:00Z"})).await?;
        let moved = events(&fetch(&app, "/feeds/products/id-federation/maintenance.ics", "text/calendar").await?)?;
        assert_eq!(moved.len(), 1);
        assert_eq!((moved[0].uid.as_str(), moved[0].sequence, moved[0].start.as_str()), (uid.as_str(), 1, "20261217T160000Z"));

        // Cancelled: still the same event, cancelled, one version later.
        update(&app, &op, &m, json!({"body_ja": "中止します。", "status": "cancelled"})).await?;
        let cancelled = events(&fetch(&app, "/feeds/products/id-federation/maintenance.ics", "text/calendar").await?)?;
        assert_eq!((cancelled[0].uid.as_str(), cancelled[0].sequence, cancelled[0].status.as_str()), (uid.as_str(), 2, "CANCELLED"));

        let all = events(&fetch(&app, "/feeds/maintenance.ics", "text/calendar").await?)?;
        assert!(all.iter().any(|e| e.uid.starts_with(&other) && e.sequence == 0));
        Ok(())
    }

    async fn maintenance_mails_carry_the_event(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "ops@example.com").await?;
        let t = customer(&app, "owner@example.com").await?.access_token;
        app.call(reqwest::Method::PUT, "/api/v1/me/subscriptions/id-federation", Some(&t), None).await?;
        let res = app.call(reqwest::Method::PATCH, "/api/v1/me/subscriptions/id-federation", Some(&t),
            Some(json!({"maintenance_mail": true, "outage_mail": true}))).await?;
        assert_eq!(res.status, 200);

        let m = publish(&app, &op, maintenance(&["id-federation"])).await?;
        let first = app.smtp.wait_for_count(1, 10, notice_mail).await?;
        let mail = first[0].clone();
        assert!(mail.subject.contains("工事情報"), "{}", mail.subject);
        let (params, ics) = mail.attachment("text/calendar").ok_or_else(|| anyhow::anyhow!("no .ics"))?;
        assert_eq!(params.get("method").map(String::as_str), Some("PUBLISH"), "{params:?}");
        let ics = String::from_utf8(ics)?;
        assert!(ics.contains("METHOD:PUBLISH"));
        let in_mail = events(&ics)?;
        let in_feed = events(&fetch(&app, "/feeds/maintenance.ics", "text/calendar").await?)?;
        assert_eq!(in_mail.len(), 1);
        assert_eq!(in_mail[0], in_feed[0], "the same event as the feed");

        update(&app, &op, &m, json!({"body_ja": "延期します。", "starts_at": "2026-12-17T16:00:00Z", "ends_at": "2026-12-17T18:00:00Z"})).await?;
        let all = app.smtp.wait_for_count(2, 10, notice_mail).await?;
        let (_, ics) = all[1].attachment("text/calendar").ok_or_else(|| anyhow::anyhow!("no .ics in the update"))?;
        let updated = events(&String::from_utf8(ics)?)?;
        assert_eq!((&updated[0].uid, updated[0].sequence, updated[0].start.as_str()), (&in_mail[0].uid, 1, "20261217T160000Z"));

        // Outage mails have no calendar.
        publish(&app, &op, outage(&["id-federation"])).await?;
        let all = app.smtp.wait_for_count(3, 10, notice_mail).await?;
        assert!(all[2].subject.contains("故障情報") && all[2].attachment("text/calendar").is_none());
        Ok(())
    }

    async fn personal_feeds_follow_my_support_behind_a_revocable_url(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "ops@example.com").await?;
        let t = customer(&app, "owner@example.com").await?.access_token;
        app.call(reqwest::Method::PUT, "/api/v1/me/subscriptions/id-federation", Some(&t), None).await?;
        let mine = publish(&app, &op, maintenance(&["id-federation"])).await?;
        publish(&app, &op, maintenance(&["cloud-server"])).await?;

        assert_eq!(app.get("/api/v1/me/feed-key", Some(&t)).await?.status, 404);
        let res = app.post("/api/v1/me/feed-key", Some(&t), json!({})).await?;
        assert_eq!(res.status, 201, "{res:?}");
        let key: IssuedFeedKey = res.json()?;
        assert_eq!(app.get("/api/v1/me/feed-key", Some(&t)).await?.status, 200);
        let path = |url: &str| url.replacen(app.state.settings.public_url.as_str().trim_end_matches('/'), "", 1);

        let feed = atom(&fetch(&app, &path(&key.atom_url), "application/atom+xml").await?)?;
        let ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
        assert_eq!(ids, vec![format!("urn:uuid:{mine}")]);
        let cal = events(&fetch(&app, &path(&key.ics_url), "text/calendar").await?)?;
        assert_eq!(cal.len(), 1);
        assert!(cal[0].uid.starts_with(&mine));

        // Conditional GET.
        let res = app.http.get(app.url(&path(&key.atom_url))).send().await?;
        assert!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or_default().starts_with("private"));
        let etag = res.headers().get(ETAG).cloned().ok_or_else(|| anyhow::anyhow!("no ETag"))?;
        let again = app.http.get(app.url(&path(&key.atom_url))).header(IF_NONE_MATCH, etag).send().await?;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

        // A new key replaces the old one; revoking ends it.
        let newer: IssuedFeedKey = app.post("/api/v1/me/feed-key", Some(&t), json!({})).await?.json()?;
        assert_eq!(app.get(&path(&key.atom_url), None).await?.status, 404);
        assert_eq!(app.get(&path(&newer.ics_url), None).await?.status, 200);
        let res = app.call(reqwest::Method::DELETE, "/api/v1/me/feed-key", Some(&t), None).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get(&path(&newer.atom_url), None).await?.status, 404);
        assert_eq!(app.get(&format!("/feeds/personal/{}/notices.atom", "A".repeat(43)), None).await?.status, 404);
        Ok(())
    }
}
