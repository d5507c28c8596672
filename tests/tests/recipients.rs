//! Delivery addresses and their windows, over HTTP, on SQLite and PostgreSQL.

use reqwest::Method;
use serde_json::json;
use shared::domain::HolidayRule;
use shared::dto::{
    Coverage, DeliveryPreview, RecipientStatus, RecipientVerificationStatus, RecipientView,
};
use shirase_tests::backend_tests;
use shirase_tests::flows::{PASSWORD, customer, login};

async fn add(
    app: &shirase_tests::TestApp,
    token: &str,
    body: serde_json::Value,
) -> anyhow::Result<RecipientView> {
    let res = app.post("/api/v1/me/recipients", Some(token), body).await?;
    anyhow::ensure!(res.status == 201, "{res:?}");
    res.json()
}

async fn verification_token(
    app: &shirase_tests::TestApp,
    email: &str,
    nth: usize,
) -> anyhow::Result<String> {
    let mail = app.smtp.wait_for_nth(email, nth).await?;
    mail.token_in("/recipients/verify?token=")
        .ok_or_else(|| anyhow::anyhow!("no link in {}", mail.text))
}

backend_tests! {
    async fn public_holidays_can_be_skipped_per_address(app: TestApp) -> anyhow::Result<()> {
        let t = customer(&app, "owner@example.com").await?.access_token;
        let list: Vec<RecipientView> = app.get("/api/v1/me/recipients", Some(&t)).await?.json()?;
        assert_eq!(list[0].holidays, HolidayRule::Deliver, "the guide's behaviour by default");
        let own = format!("/api/v1/me/recipients/{}", list[0].id);
        let bad = app.call(Method::PATCH, &own, Some(&t), Some(json!({"holidays": "sometimes"}))).await?;
        assert_eq!(bad.field_errors()?, vec![("holidays".into(), "invalid_value".into())]);
        let res = app.post("/api/v1/me/recipients", Some(&t), json!({"email": "x@example.com", "holidays": true})).await?;
        assert_eq!(res.status, 400, "{res:?}");
        let res = app.call(Method::PATCH, &own, Some(&t), Some(json!({"holidays": "skip"}))).await?;
        assert_eq!(res.status, 200, "{res:?}");
        assert_eq!(res.json::<RecipientView>()?.holidays, HolidayRule::Skip);
        // 10:00 in Tokyo on 成人の日, then on the next day.
        let at = |t: &str| format!("{own}/preview?at={t}");
        let holiday: DeliveryPreview = app.get(&at("2027-01-11T01:00:00Z"), Some(&t)).await?.json()?;
        let next: DeliveryPreview = app.get(&at("2027-01-12T01:00:00Z"), Some(&t)).await?.json()?;
        let year_end: DeliveryPreview = app.get(&at("2026-12-30T01:00:00Z"), Some(&t)).await?.json()?;
        assert_eq!((holiday.delivers, next.delivers, year_end.delivers), (false, true, true));
        let coverage: Coverage = app.get("/api/v1/me/coverage", Some(&t)).await?.json()?;
        assert_eq!((coverage.uncovered.len(), coverage.holiday_uncovered.len(), coverage.year_end_uncovered.len()), (0, 168, 0));

        // A second address that skips the year-end break too, and takes holidays' evenings.
        let evening = add(&app, &t, json!({"email": "evening@example.com", "hours": [18, 19, 20], "holidays": "skip_with_year_end"})).await?;
        assert_eq!(evening.holidays, HolidayRule::SkipWithYearEnd);
        let token = verification_token(&app, "evening@example.com", 1).await?;
        app.call(Method::POST, &format!("/api/v1/recipient-verifications/{token}"), None, None).await?;
        let res = app.call(Method::PATCH, &own, Some(&t), Some(json!({"holidays": "deliver"}))).await?;
        assert_eq!(res.json::<RecipientView>()?.holidays, HolidayRule::Deliver);
        let coverage: Coverage = app.get("/api/v1/me/coverage", Some(&t)).await?.json()?;
        assert_eq!((coverage.uncovered.len(), coverage.holiday_uncovered.len(), coverage.year_end_uncovered.len()), (0, 0, 0));
        let res = app.call(Method::PATCH, &own, Some(&t), Some(json!({"holidays": "skip_with_year_end"}))).await?;
        assert_eq!(res.status, 200);
        let coverage: Coverage = app.get("/api/v1/me/coverage", Some(&t)).await?.json()?;
        assert_eq!(coverage.holiday_uncovered.len(), 168, "the evening address skips holidays too");
        assert_eq!(coverage.year_end_uncovered.len(), 168);
        Ok(())
    }

    async fn the_account_address_is_the_first_verified_address(app: TestApp) -> anyhow::Result<()> {
        let t = customer(&app, "owner@example.com").await?.access_token;
        let list: Vec<RecipientView> = app.get("/api/v1/me/recipients", Some(&t)).await?.json()?;
        assert_eq!(list.len(), 1);
        let own = &list[0];
        assert_eq!((own.email.as_str(), own.status), ("owner@example.com", RecipientStatus::Verified));
        assert_eq!(own.weekdays.len(), 7);
        assert_eq!(own.hours, (0..24).collect::<Vec<u8>>());
        assert_eq!(own.time_zone, "Asia/Tokyo");
        let coverage: Coverage = app.get("/api/v1/me/coverage?kind=outage", Some(&t)).await?.json()?;
        assert!(coverage.uncovered.is_empty());
        Ok(())
    }

    async fn added_addresses_are_pending_until_verified_by_post(app: TestApp) -> anyhow::Result<()> {
        let t = customer(&app, "owner@example.com").await?.access_token;
        let r = add(&app, &t, json!({"email": "Ops@Example.com"})).await?;
        assert_eq!((r.email.as_str(), r.status), ("ops@example.com", RecipientStatus::Pending));
        assert_eq!(r.weekdays.len() * r.hours.len(), 168, "defaults: all days, all hours");
        let mail = app.smtp.wait_for("ops@example.com").await?;
        assert!(mail.subject.contains("配信先"), "{}", mail.subject);
        assert!(mail.text.contains("山田 太郎"));
        let token = verification_token(&app, "ops@example.com", 1).await?;

        // A scanner following the link with GET confirms nothing; the page learns that the link
        // is good and for which address, masked.
        let link = format!("/api/v1/recipient-verifications/{token}");
        let status = app.get(&link, None).await?;
        assert_eq!(status.status, 200, "{status:?}");
        let status: RecipientVerificationStatus = status.json()?;
        assert_eq!(status.email_masked, "o***@example.com");
        assert!(status.expires_at > chrono::Utc::now() + chrono::Duration::hours(23));
        let again = app.get(&link, None).await?;
        assert_eq!(again.status, 200, "asking twice uses nothing");
        let r2: RecipientView = app.get(&format!("/api/v1/me/recipients/{}", r.id), Some(&t)).await?.json()?;
        assert_eq!(r2.status, RecipientStatus::Pending);

        let res = app.call(Method::POST, &format!("/api/v1/recipient-verifications/{token}"), None, None).await?;
        assert_eq!(res.status, 204);
        let r2: RecipientView = app.get(&format!("/api/v1/me/recipients/{}", r.id), Some(&t)).await?.json()?;
        assert_eq!(r2.status, RecipientStatus::Verified);
        let reused = app.call(Method::POST, &format!("/api/v1/recipient-verifications/{token}"), None, None).await?;
        assert_eq!(reused.status, 410);
        assert_eq!(app.get(&link, None).await?.status, 410, "a used link says so before any click");
        let unknown = app.call(Method::POST, &format!("/api/v1/recipient-verifications/{}", "B".repeat(43)), None, None).await?;
        assert_eq!(unknown.status, 404);
        let unknown = app.get(&format!("/api/v1/recipient-verifications/{}", "B".repeat(43)), None).await?;
        assert_eq!(unknown.status, 404);
        Ok(())
    }

    async fn verification_links_expire_after_a_day_and_can_be_resent(app: TestApp) -> anyhow::Result<()> {
        let t = customer(&app, "owner@example.com").await?.access_token;
        let r = add(&app, &t, json!({"email": "late@example.com"})).await?;
        let old = verification_token(&app, "late@example.com", 1).await?;
        app.clock.advance(chrono::Duration::hours(24));
        let res = app.call(Method::POST, &format!("/api/v1/recipient-verifications/{old}"), None, None).await?;
        assert_eq!(res.status, 410);
        // A day later the access token has long expired: sign in again.
        let t: shared::dto::SessionTokens = login(&app, "owner@example.com", PASSWORD).await?.json()?;
        let t = t.access_token;
        let res = app.call(Method::POST, &format!("/api/v1/me/recipients/{}/verification", r.id), Some(&t), None).await?;
        assert_eq!(res.status, 202);
        let fresh = verification_token(&app, "late@example.com", 2).await?;
        let res = app.call(Method::POST, &format!("/api/v1/recipient-verifications/{fresh}"), None, None).await?;
        assert_eq!(res.status, 204);
        let res = app.call(Method::POST, &format!("/api/v1/me/recipients/{}/verification", r.id), Some(&t), None).await?;
        assert_eq!(res.status, 409, "already verified");
        Ok(())
    }

    async fn changing_the_address_requires_verification_again_but_the_window_does_not(app: TestApp) -> anyhow::Result<()> {
        let t = customer(&app, "owner@example.com").await?.access_token;
        let r = add(&app, &t, json!({"email": "a@example.com"})).await?;
        let first = verification_token(&app, "a@example.com", 1).await?;
        app.call(Method::POST, &format!("/api/v1/recipient-verifications/{first}"), None, None).await?;

        let path = format!("/api/v1/me/recipients/{}", r.id);
        let res = app.call(Method::PATCH, &path, Some(&t), Some(json!({"weekdays": ["mon", "tue"], "hours": [9, 10, 11]}))).await?;
        let changed: RecipientView = res.json()?;
        assert_eq!(changed.status, RecipientStatus::Verified);
        assert_eq!(changed.hours, vec![9, 10, 11]);
        assert_eq!(changed.weekdays.len(), 2);

        // An unused token for the old address must not verify the new one.
        app.call(Method::POST, &format!("/api/v1/me/recipients/{}/verification", r.id), Some(&t), None).await.ok();
        let res = app.call(Method::PATCH, &path, Some(&t), Some(json!({"email": "b@example.com"}))).await?;
        let moved: RecipientView = res.json()?;
        assert_eq!((moved.email.as_str(), moved.status), ("b@example.com", RecipientStatus::Pending));
        assert_eq!(moved.hours, vec![9, 10, 11], "the window stays");
        let token = verification_token(&app, "b@example.com", 1).await?;
        app.call(Method::POST, &format!("/api/v1/recipient-verifications/{token}"), None, None).await?;
        let done: RecipientView = app.get(&path, Some(&t)).await?.json()?;
        assert_eq!(done.status, RecipientStatus::Verified);
        Ok(())
    }

    async fn duplicates_limits_and_bad_input(app: TestApp) -> anyhow::Result<()> {
        let t = customer(&app, "owner@example.com").await?.access_token;
        let res = app.post("/api/v1/me/recipients", Some(&t), json!({"email": "OWNER@example.com"})).await?;
        assert_eq!(res.status, 409);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:conflict");
        let res = app.post("/api/v1/me/recipients", Some(&t), json!({
            "email": "x", "weekdays": ["mon", "someday"], "hours": [25], "time_zone": "Mars/Base", "language": "de"
        })).await?;
        assert_eq!(res.field_errors()?, vec![
            ("email".into(), "invalid_email".into()),
            ("weekdays".into(), "invalid_weekday".into()),
            ("hours".into(), "invalid_hour".into()),
            ("time_zone".into(), "invalid_time_zone".into()),
            ("language".into(), "invalid_language".into()),
        ]);
        // An empty window is allowed (the SPA warns): it simply receives nothing.
        let empty = add(&app, &t, json!({"email": "never@example.com", "weekdays": [], "hours": []})).await?;
        assert!(empty.weekdays.is_empty() && empty.hours.is_empty());
        for i in 0..8 {
            add(&app, &t, json!({"email": format!("n{i}@example.com")})).await?;
        }
        let res = app.post("/api/v1/me/recipients", Some(&t), json!({"email": "eleventh@example.com"})).await?;
        assert_eq!(res.status, 409, "10 addresses at most");
        let list: Vec<RecipientView> = app.get("/api/v1/me/recipients", Some(&t)).await?.json()?;
        assert_eq!(list.len(), 10);
        let res = app.call(Method::DELETE, &format!("/api/v1/me/recipients/{}", empty.id), Some(&t), None).await?;
        assert_eq!(res.status, 204);
        add(&app, &t, json!({"email": "eleventh@example.com"})).await?;
        Ok(())
    }

    async fn another_accounts_address_is_not_found(app: TestApp) -> anyhow::Result<()> {
        let alice = customer(&app, "alice@example.com").await?.access_token;
        let bob = customer(&app, "bob@example.com").await?.access_token;
        let r = add(&app, &alice, json!({"email": "alice-ops@example.com"})).await?;
        let path = format!("/api/v1/me/recipients/{}", r.id);
        assert_eq!(app.get(&path, Some(&bob)).await?.status, 404);
        assert_eq!(app.call(Method::PATCH, &path, Some(&bob), Some(json!({"hours": [1]}))).await?.status, 404);
        assert_eq!(app.call(Method::DELETE, &path, Some(&bob), None).await?.status, 404);
        assert_eq!(app.call(Method::POST, &format!("{path}/verification"), Some(&bob), None).await?.status, 404);
        assert_eq!(app.get(&format!("{path}/preview?at=2026-01-05T00:00:00Z"), Some(&bob)).await?.status, 404);
        let bobs: Vec<RecipientView> = app.get("/api/v1/me/recipients", Some(&bob)).await?.json()?;
        assert!(bobs.iter().all(|x| x.email == "bob@example.com"));
        assert_eq!(app.get(&path, Some(&alice)).await?.status, 200);
        Ok(())
    }

    async fn preview_and_coverage_follow_the_windows(app: TestApp) -> anyhow::Result<()> {
        let t = customer(&app, "owner@example.com").await?.access_token;
        let list: Vec<RecipientView> = app.get("/api/v1/me/recipients", Some(&t)).await?.json()?;
        let own = format!("/api/v1/me/recipients/{}", list[0].id);
        // Weekdays 9–17 Tokyo time only.
        app.call(Method::PATCH, &own, Some(&t), Some(json!({
            "weekdays": ["mon", "tue", "wed", "thu", "fri"], "hours": [9, 10, 11, 12, 13, 14, 15, 16, 17]
        }))).await?;
        // 2026-11-23 is a Monday. 01:00Z = 10:00 JST (in); 10:00Z = 19:00 JST (out).
        let at = |t: &str| format!("{own}/preview?at={t}");
        let inside: DeliveryPreview = app.get(&at("2026-11-23T01:00:00Z"), Some(&t)).await?.json()?;
        let outside: DeliveryPreview = app.get(&at("2026-11-23T10:00:00Z"), Some(&t)).await?.json()?;
        let saturday: DeliveryPreview = app.get(&at("2026-11-28T01:00:00Z"), Some(&t)).await?.json()?;
        assert_eq!((inside.delivers, outside.delivers, saturday.delivers), (true, false, false));
        let bad = app.get(&format!("{own}/preview?at=yesterday"), Some(&t)).await?;
        assert_eq!(bad.status, 400);
        assert!(bad.problem().is_ok());

        let coverage: Coverage = app.get("/api/v1/me/coverage?kind=outage", Some(&t)).await?.json()?;
        assert_eq!(coverage.time_zone, "Asia/Tokyo");
        assert_eq!(coverage.uncovered.len(), 168 - 5 * 9);
        assert!(!coverage.uncovered.iter().any(|w| w.hour == 10 && w.weekday == shared::domain::Weekday::Mon));

        // A night-shift address in New York covers part of the gap, once verified.
        let ny = add(&app, &t, json!({"email": "night@example.com", "time_zone": "America/New_York",
            "weekdays": ["mon", "tue", "wed", "thu", "fri"], "hours": [9, 10, 11, 12, 13, 14, 15, 16, 17]})).await?;
        let pending: Coverage = app.get("/api/v1/me/coverage", Some(&t)).await?.json()?;
        assert_eq!(pending.uncovered.len(), 168 - 45, "pending addresses cover nothing");
        let token = verification_token(&app, "night@example.com", 1).await?;
        app.call(Method::POST, &format!("/api/v1/recipient-verifications/{token}"), None, None).await?;
        let covered: Coverage = app.get("/api/v1/me/coverage", Some(&t)).await?.json()?;
        assert!(covered.uncovered.len() < 168 - 45, "{}", covered.uncovered.len());
        // 15:00Z on Monday 2026-11-23 = 10:00 in New York (EST): the NY address, not the Tokyo one.
        let all: DeliveryPreview = app.get("/api/v1/me/recipients-preview?at=2026-11-23T15:00:00Z", Some(&t)).await?.json()?;
        assert!(all.delivers);
        let by_id = |id: &str| all.recipients.iter().find(|r| r.id == id).map(|r| r.delivers);
        assert_eq!((by_id(&list[0].id), by_id(&ny.id)), (Some(false), Some(true)));
        assert_eq!(app.get("/api/v1/me/coverage?kind=weather", Some(&t)).await?.status, 400);
        Ok(())
    }
}
