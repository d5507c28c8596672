//! What the operator console reads besides the notices API: drafts, the audience estimate
//! it confirms before publishing, and mail previews; on SQLite and PostgreSQL.

use serde_json::json;
use shared::dto::{AudienceEstimate, NoticePreview, NoticeSummary, PublicationReceipt};
use shirase_tests::backend_tests;
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::{customer, operator};

backend_tests! {
    async fn the_estimate_is_what_publishing_now_would_reach(app: TestApp) -> anyhow::Result<()> {
        // Issued on a Tuesday at noon in Tokyo: outside a Monday 03:00 window.
        app.clock.set("2026-12-01T03:00:00Z".parse()?);
        let op = operator(&app, "ops@example.com").await?;
        let customer_token = customer(&app, "owner@example.com").await?.access_token;
        app.db(|conn| {
            let account = fixtures::account(conn, "acme@example.com")?;
            fixtures::subscribe(conn, &account, "id-federation", false, true)?;
            fixtures::address(conn, &account, Address::new("always@example.com"))?;
            let mut closed = Address::new("closed@example.com");
            closed.window = shared::domain::DeliveryWindow::new(&[shared::domain::Weekday::Mon], &[3])
                .unwrap_or(shared::domain::DeliveryWindow::NONE);
            fixtures::address(conn, &account, closed)?;
            // An English reader, counted apart for the publish dialog's warning.
            fixtures::address(conn, &account, Address { language: shared::domain::Language::En, ..Address::new("reads-english@example.com") })?;
            Ok(())
        })
        .await?;

        let draft = json!({
            "kind": "outage", "products": ["id-federation"], "title_ja": "認証の遅延",
            "body_ja": "調査中です。", "starts_at": "2026-12-01T02:00:00Z",
        });
        let res = app.post("/api/v1/notices", Some(&op), draft.clone()).await?;
        let id = res.body["id"].as_str().unwrap_or_default().to_owned();

        let drafts: Vec<NoticeSummary> = app.get("/api/v1/notice-drafts", Some(&op)).await?.json()?;
        assert_eq!(drafts.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), vec![id.as_str()]);
        assert_eq!(app.get("/api/v1/notice-drafts", Some(&customer_token)).await?.status, 403);

        let outbox = shirase_tests::flows::count(&app, "deliveries").await?;
        let estimate: AudienceEstimate = app.get(&format!("/api/v1/notices/{id}/audience"), Some(&op)).await?.json()?;
        assert_eq!((estimate.audience, estimate.skipped, estimate.english), (2, 1, 1));
        assert_eq!(shirase_tests::flows::count(&app, "deliveries").await?, outbox, "an estimate writes nothing");
        let res = app.get(&format!("/api/v1/notices/{id}/audience"), Some(&customer_token)).await?;
        assert_eq!(res.status, 403);

        let receipt: PublicationReceipt = app
            .post(&format!("/api/v1/notices/{id}/publication"), Some(&op), json!({}))
            .await?
            .json()?;
        assert_eq!((receipt.audience, receipt.skipped), (estimate.audience, estimate.skipped));
        let drafts: Vec<NoticeSummary> = app.get("/api/v1/notice-drafts", Some(&op)).await?.json()?;
        assert!(drafts.is_empty());
        Ok(())
    }

    async fn previews_render_both_mails_without_storing_anything(app: TestApp) -> anyhow::Result<()> {
        let op = operator(&app, "ops@example.com").await?;
        let draft = json!({
            "kind": "maintenance", "products": ["id-federation"], "title_ja": "定期メンテナンス",
            "title_en": "Scheduled maintenance", "body_ja": "**作業**します。<b>x</b>",
            "starts_at": "2026-12-10T16:00:00Z", "ends_at": "2026-12-10T18:00:00Z",
        });
        let res = app.post("/api/v1/notice-previews", Some(&op), draft).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let preview: NoticePreview = res.json()?;
        assert_eq!(preview.mail_ja.subject, "【工事情報】ID Federation 定期メンテナンス");
        assert_eq!(preview.mail_en.subject, "[Maintenance] ID Federation: Scheduled maintenance");
        assert!(preview.mail_ja.text.contains("2026/12/11(金) 01:00 JST"), "{}", preview.mail_ja.text);
        assert!(preview.mail_ja.html.contains("<strong>作業</strong>") && !preview.mail_ja.html.contains("<b>x"));
        assert_eq!(shirase_tests::flows::count(&app, "notices").await?, 0);

        let bad = app.post("/api/v1/notice-previews", Some(&op), json!({"kind": "outage", "products": ["nope"]})).await?;
        assert_eq!(bad.status, 400);
        Ok(())
    }
}
