//! The status page's data, on SQLite and PostgreSQL, with the application's clock moved:
//! each product's state from its open notices (an outage's impact, a maintenance in its
//! window), the notices behind it, and the worst state of each of the last 90 days.

use serde_json::json;
use shirase_tests::flows::{operator, publish, token};
use shirase_tests::{backend_tests, jst};

const A: &str = "id-federation";

/// A product's state on the status page.
fn product<'a>(
    overview: &'a shared::dto::StatusOverview,
    slug: &str,
) -> anyhow::Result<&'a shared::dto::ProductStatus> {
    overview
        .categories
        .iter()
        .flat_map(|c| &c.products)
        .find(|p| p.slug == slug)
        .ok_or_else(|| anyhow::anyhow!("{slug} is not on the status page"))
}

backend_tests! {
    async fn each_product_shows_the_state_its_notices_give_and_its_last_90_days(app: TestApp) -> anyhow::Result<()> {
        use shared::dto::{ProductState, StatusOverview};
        const B: &str = "directory-service";
        const C: &str = "cloud-server";
        operator(&app, "op@example.com").await?;
        let post = |title: &str, products: &[&str], extra: serde_json::Value| {
            let mut draft = json!({"products": products, "title_ja": title, "body_ja": "お知らせします。"});
            if let (Some(d), Some(e)) = (draft.as_object_mut(), extra.as_object()) {
                d.extend(e.clone());
            }
            draft
        };
        let at = |d: u32, h: u32| jst(2027, 3, d, h, 0).to_rfc3339();
        // Monday 8 March, 10:00: an outage of B, resolved the next day at noon.
        app.clock.set(jst(2027, 3, 8, 10, 0));
        let op = token(&app, "op@example.com").await?;
        let (slow, _) = publish(&app, &op, post("ディレクトリの遅延", &[B], json!({"kind": "outage", "starts_at": at(8, 9)}))).await?;
        // A maintenance of B cancelled before it started: it never set a state.
        let (called_off, _) = publish(&app, &op, post("中止する作業", &[B], json!({"kind": "maintenance", "starts_at": at(9, 1), "ends_at": at(9, 2)}))).await?;
        let res = app.post(&format!("/api/v1/notices/{called_off}/updates"), Some(&op), json!({"body_ja": "中止します。", "status": "cancelled"})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        app.clock.set(jst(2027, 3, 9, 12, 0));
        let op = token(&app, "op@example.com").await?;
        // The recovery time must be a resolution's, not in the future, not before the start.
        for (body, field, code) in [
            (json!({"body_ja": "調査中です。", "recovered_at": at(8, 23)}), "recovered_at", "invalid_value"),
            (json!({"body_ja": "復旧しました。", "status": "resolved", "recovered_at": at(9, 13)}), "recovered_at", "in_future"),
            (json!({"body_ja": "復旧しました。", "status": "resolved", "recovered_at": at(8, 8)}), "recovered_at", "before_start"),
        ] {
            let res = app.post(&format!("/api/v1/notices/{slow}/updates"), Some(&op), body).await?;
            assert_eq!(res.field_errors()?, [(field.to_owned(), code.to_owned())]);
        }
        // Reported the next day: restored at 23:00 the day it began.
        let res = app.post(&format!("/api/v1/notices/{slow}/updates"), Some(&op), json!({"body_ja": "復旧しました。", "status": "resolved", "recovered_at": at(8, 23)})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let view: shared::dto::NoticeView = app.get(&format!("/api/v1/notices/{slow}"), None).await?.json()?;
        assert_eq!(view.recovered_at, Some(jst(2027, 3, 8, 23, 0)));

        // Wednesday 10 March, 12:00: a major outage of A since 10:00, a maintenance of C from
        // 11:00 to 13:00, one of A announced for Friday.
        app.clock.set(jst(2027, 3, 10, 12, 0));
        let op = token(&app, "op@example.com").await?;
        // Maintenance has no impact to give.
        let res = app.post("/api/v1/notices", Some(&op), post("作業", &[C], json!({"kind": "maintenance", "starts_at": at(10, 11), "ends_at": at(10, 13), "impact": "major_outage"}))).await?;
        assert_eq!(res.field_errors()?, [("impact".to_owned(), "invalid_value".to_owned())]);
        let res = app.post("/api/v1/notices", Some(&op), post("障害", &[A], json!({"kind": "outage", "starts_at": at(10, 10), "impact": "catastrophic"}))).await?;
        assert_eq!(res.field_errors()?, [("impact".to_owned(), "invalid_value".to_owned())]);
        let (down, _) = publish(&app, &op, post("認証できません", &[A], json!({"kind": "outage", "starts_at": at(10, 10), "impact": "major_outage"}))).await?;
        publish(&app, &op, post("サーバーの作業", &[C], json!({"kind": "maintenance", "starts_at": at(10, 11), "ends_at": at(10, 13)}))).await?;
        let (ahead, _) = publish(&app, &op, post("金曜の作業", &[A], json!({"kind": "maintenance", "starts_at": at(12, 1), "ends_at": at(12, 3)}))).await?;

        // The maintenance under way is moved to 実施中 by the scheduler within a second:
        // the overview is read once it has been, so that nothing changes it afterwards.
        let mut res = app.get("/api/v1/status", None).await?;
        for _ in 0..50 {
            let o: StatusOverview = res.json()?;
            if product(&o, C)?.open.first().map(|n| n.status) == Some(shared::dto::NoticeStatus::InProgress) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            res = app.get("/api/v1/status", None).await?;
        }
        assert_eq!(res.status, 200, "{res:?}");
        let tag = res.headers.get("etag").and_then(|t| t.to_str().ok()).unwrap_or_default().to_owned();
        let overview: StatusOverview = res.json()?;
        assert_eq!(overview.state, ProductState::MajorOutage);
        assert_eq!(overview.today.to_string(), "2027-03-10");
        let a = product(&overview, A)?;
        assert_eq!(a.state, ProductState::MajorOutage);
        let open: Vec<&str> = a.open.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(open, [down.as_str(), ahead.as_str()], "the outage, and the maintenance ahead");
        assert_eq!(product(&overview, C)?.state, ProductState::Maintenance);
        let b = product(&overview, B)?;
        assert_eq!(b.state, ProductState::Operational);
        assert!(b.open.is_empty());
        assert_eq!(b.history.len(), 90);
        let last: Vec<(String, ProductState)> = b.history[87..].iter().map(|d| (d.date.to_string(), d.state)).collect();
        assert_eq!(last, [
            ("2027-03-08".to_owned(), ProductState::PartialOutage),
            ("2027-03-09".to_owned(), ProductState::Operational),
            ("2027-03-10".to_owned(), ProductState::Operational),
        ]);
        assert!(b.history[..87].iter().all(|d| d.state == ProductState::Operational));
        // (The day it began is coloured; the next, after its 23:00 recovery, is not.)

        // The feed's entries say the state each notice gives.
        let feed = app.http.get(app.url("/feeds/notices.atom")).send().await?.text().await?;
        assert!(feed.contains(r#"term="major_outage" label="重大障害""#), "{feed}");
        assert!(feed.contains(r#"term="maintenance" label="メンテナンス中""#), "{feed}");

        // Unchanged: 304. The outage resolved: the state changes at once.
        let again = app.http.get(app.url("/api/v1/status")).header("if-none-match", &tag).send().await?;
        assert_eq!(again.status(), 304);
        let res = app.post(&format!("/api/v1/notices/{down}/updates"), Some(&op), json!({"body_ja": "復旧しました。", "status": "resolved"})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let overview: StatusOverview = app.get("/api/v1/status", None).await?.json()?;
        let a = product(&overview, A)?;
        assert_eq!(a.state, ProductState::Operational);
        assert_eq!(a.history.last().map(|d| d.state), Some(ProductState::MajorOutage), "today's worst");
        assert_eq!(overview.state, ProductState::Maintenance);
        Ok(())
    }
}
