//! Every main page as people see it: in headless Chromium at 1280 and 390 px wide, in Japanese
//! and English. Each page has its own title, axe-core finds no serious or critical violation,
//! and on a phone nothing scrolls sideways and the page's heading is in view, not under the
//! header. With `SHIRASE_SCREENSHOTS=DIR` the test also leaves a screenshot of each.

use std::collections::BTreeMap;

use anyhow::{Context, bail, ensure};
use serde_json::json;
use shared::domain::{DeliveryWindow, Weekday};
use shirase_tests::browser::{self, Browser};
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::{PASSWORD, operator, publish};
use shirase_tests::{Backend, HookSink, TestApp};

const WIDTHS: [(u32, u32); 2] = [(1280, 900), (390, 844)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_titled_accessible_and_fits_a_phone() -> anyhow::Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(());
    }
    let axe = browser::axe_source()?;
    let sink = HookSink::start().await?;
    let (notice, recipient, destination, draft) = content(&app, &sink).await?;
    // The page a notice mail's unsubscribe link opens, for the outage just published.
    let mut unsubscribe = None;
    for _ in 0..100 {
        unsubscribe = app.smtp.to("ops@example.com").into_iter().find_map(|m| {
            let link = m.header("List-Unsubscribe")?;
            let token = link.rsplit('/').next()?.trim_end_matches('>').to_owned();
            Some(format!("/unsubscribe/{token}"))
        });
        if unsubscribe.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let unsubscribe = unsubscribe.ok_or_else(|| anyhow::anyhow!("no notice mail"))?;
    let b = Browser::start().await?;
    let result = walk(
        &app,
        &b,
        &axe,
        (&notice, &recipient, &destination, &draft, &unsubscribe),
    )
    .await;
    b.finish(result, "pages").await
}

/// An operator who is also a customer of ID Federation, with a second, long delivery address,
/// a Slack destination, an API token, a published outage and a draft: every page has
/// something to show.
async fn content(
    app: &TestApp,
    sink: &HookSink,
) -> anyhow::Result<(String, String, String, String)> {
    let op = operator(app, "ops@example.com").await?;
    let res = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/subscriptions/id-federation",
            Some(&op),
            None,
        )
        .await?;
    ensure!(res.status == 201, "{res:?}");
    let res = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me/subscriptions/id-federation",
            Some(&op),
            Some(json!({"maintenance_mail": true, "outage_mail": true})),
        )
        .await?;
    ensure!(res.status == 200, "{res:?}");
    let res = app
        .post(
            "/api/v1/me/recipients",
            Some(&op),
            json!({"email": "night-shift.operations@example-corporation.co.jp",
                   "weekdays": ["mon", "tue", "wed", "thu", "fri"], "hours": [9, 10, 11, 12, 13, 14, 15, 16, 17]}),
        )
        .await?;
    ensure!(res.status == 201, "{res:?}");
    let recipient = res.body["id"].as_str().unwrap_or_default().to_owned();
    // Its mail bounced: the page shows it suspended, with the server's long reply.
    let suspended = recipient.clone();
    app.db(move |conn| {
        use api::schema::recipients::dsl::*;
        use diesel::prelude::*;
        diesel::update(recipients.find(suspended))
            .set((
                status.eq("suspended"),
                suspension.eq("no_such_user"),
                suspended_at.eq(shirase_tests::fixtures::now()),
                last_bounce.eq("permanent error (550): 5.1.1 <night-shift.operations@example-corporation.co.jp>: Recipient address rejected: User unknown in virtual mailbox table"),
            ))
            .execute(conn)?;
        Ok(())
    })
    .await?;
    // A third address whose hours leave out the hour the outage is published in (and the
    // next): the delivery log shows it as skipped by its window.
    let at = api::clock::Clock::now(&app.clock);
    app.db(move |conn| {
        use chrono::Timelike;
        let tokyo_hour = (at + chrono::Duration::hours(9)).hour();
        let hours: Vec<u8> = (0..24u8)
            .filter(|h| u32::from(*h) != tokyo_hour && u32::from(*h) != (tokyo_hour + 1) % 24)
            .collect();
        let account = fixtures::account_id(conn, "ops@example.com")?;
        fixtures::address(
            conn,
            &account,
            Address {
                window: DeliveryWindow::new(&Weekday::ALL, &hours)
                    .map_err(|c| anyhow::anyhow!("{c}"))?,
                ..Address::new("late-shift@example.com")
            },
        )?;
        Ok(())
    })
    .await?;
    let res = app
        .post(
            "/api/v1/me/destinations",
            Some(&op),
            json!({"channel": "slack", "name": "運用チームのSlack（夜間当番）", "url": sink.url("/slack")}),
        )
        .await?;
    ensure!(res.status == 201, "{res:?}");
    let destination = res.body["destination"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let res = app
        .post(
            "/api/v1/me/tokens",
            Some(&op),
            json!({"name": "監視システム", "scopes": ["read"]}),
        )
        .await?;
    ensure!(res.status == 201, "{res:?}");
    let (notice, _) = publish(
        app,
        &op,
        json!({
            "kind": "outage",
            "products": ["id-federation"],
            "title_ja": "認証エラーの発生について",
            "title_en": "Sign-in errors",
            "body_ja": "現在、**認証エラー**が発生しています。\n\n- 影響: ログイン不可",
            "body_en": "Sign-in fails.",
            // Under way: the status page shows it on its product.
            "starts_at": (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339(),
            "impact": "major_outage",
        }),
    )
    .await?;
    let res = app
        .post(
            "/api/v1/notices",
            Some(&op),
            json!({
                "kind": "maintenance", "products": ["id-federation"],
                "title_ja": "定期メンテナンスのお知らせ", "body_ja": "作業を行います。",
                "starts_at": "2030-01-10T01:00:00Z", "ends_at": "2030-01-10T03:00:00Z",
            }),
        )
        .await?;
    ensure!(res.status == 201, "{res:?}");
    let draft = res.body["id"].as_str().unwrap_or_default().to_owned();
    Ok((notice, recipient, destination, draft))
}

async fn walk(
    app: &TestApp,
    b: &Browser,
    axe: &str,
    (notice, recipient, destination, draft, unsubscribe): (&str, &str, &str, &str, &str),
) -> anyhow::Result<()> {
    // Each page with what shows that its data has arrived.
    let public = [
        ("home", "/".to_owned(), "#hero-register"),
        ("register", "/register".to_owned(), "#to-confirm"),
        ("login", "/login".to_owned(), "form button[type=submit]"),
        ("notices", "/notices".to_owned(), ".notice-card"),
        // The open outage shows on its product.
        (
            "status",
            "/status".to_owned(),
            ".status-product[data-slug='id-federation'] .state-badge.state-major_outage",
        ),
        ("notice", format!("/notices/{notice}"), "#notice-title"),
        (
            "product",
            "/support/products/id-federation".to_owned(),
            "#register-product",
        ),
        ("unsubscribe", unsubscribe.to_owned(), "#unsubscribe-kind"),
        (
            "email-confirm",
            "/account/email/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
            "#email-change-failed",
        ),
    ];
    let signed_in = [
        (
            "mysupport",
            "/mysupport".to_owned(),
            "tr[data-slug='id-federation']",
        ),
        (
            "recipients",
            "/mysupport/recipients".to_owned(),
            "tr[data-email^='night-shift'] .badge.stopped",
        ),
        (
            "recipient-edit",
            format!("/mysupport/recipients/{recipient}/edit"),
            "#recipient-to-confirm",
        ),
        (
            "destinations",
            "/mysupport/destinations".to_owned(),
            "li.destination",
        ),
        (
            "destination-new",
            "/mysupport/destinations/new".to_owned(),
            "#add-destination",
        ),
        (
            "destination-verify",
            format!("/mysupport/destinations/{destination}/verify"),
            "#confirm-code",
        ),
        (
            "integrations",
            "/mysupport/integrations".to_owned(),
            "table.tokens td",
        ),
        (
            "deliveries",
            "/mysupport/deliveries".to_owned(),
            "#delivery-log tr[data-state='skipped_window']",
        ),
        ("account", "/mysupport/account".to_owned(), "#login-id"),
        ("console", "/operator".to_owned(), "#published-list li"),
        (
            "console-editor",
            "/operator/notices/new".to_owned(),
            "#kind",
        ),
        (
            "console-notice",
            format!("/operator/notices/{notice}"),
            "#update-notify",
        ),
        (
            "console-draft",
            format!("/operator/notices/{draft}"),
            "#schedule-submit",
        ),
        (
            "console-templates",
            "/operator/templates".to_owned(),
            "#save-template",
        ),
        (
            "console-catalog",
            "/operator/catalog".to_owned(),
            ".catalog-level.product[data-slug='id-federation'] .catalog-head",
        ),
    ];
    let mut titles = BTreeMap::new();
    for (name, path, ready) in &public {
        check_page(app, b, axe, (name, path, ready), &mut titles).await?;
    }
    // Signing in as a person does: typed into the login form.
    b.goto(&app.url("/login")).await?;
    b.fill("#email", "ops@example.com").await?;
    b.fill("#password", PASSWORD).await?;
    b.click("form button[type=submit]").await?;
    b.wait_for_path("/mysupport").await?;
    for (name, path, ready) in &signed_in {
        check_page(app, b, axe, (name, path, ready), &mut titles).await?;
    }

    // Each page is told apart by its title, in both languages; only the home page has the
    // site's name alone.
    for lang in ["ja", "en"] {
        let mut seen = BTreeMap::new();
        for ((page, l), title) in &titles {
            if *l != lang {
                continue;
            }
            if *page == "home" {
                ensure!(!title.contains(" | "), "home: {title}");
            } else {
                ensure!(title.contains(" | Shirase "), "{page} ({lang}): {title}");
            }
            if let Some(other) = seen.insert(title.clone(), *page) {
                bail!("{page} and {other} share the title {title:?}");
            }
        }
    }
    // The notice's page tells the signed-in customer what reached them; the delivery log
    // shows the sent row and the one its window skipped, and filters by state as picked.
    app.smtp.wait_for("ops@example.com").await?;
    b.goto(&app.url(&format!("/notices/{notice}"))).await?;
    b.wait_for_text(
        "#notice-reach",
        "This notice was sent to 1 of your destinations; 1 not sent because of delivery hours.",
    )
    .await?;
    for (width, height) in WIDTHS {
        b.client.set_window_size(width, height).await?;
        b.screenshot_if_asked(&format!("notice-reach-en-{width}"))
            .await?;
    }
    b.client
        .execute("localStorage.setItem('shirase.lang', '\"ja\"');", vec![])
        .await?;
    b.goto(&app.url(&format!("/notices/{notice}"))).await?;
    b.wait_for_text(
        "#notice-reach",
        "この通知は 1 件の配信先に送信済み、1 件は配信時間外のため未送信です。",
    )
    .await?;
    for (width, height) in WIDTHS {
        b.client.set_window_size(width, height).await?;
        b.screenshot_if_asked(&format!("notice-reach-ja-{width}"))
            .await?;
    }
    b.click("#notice-reach a").await?;
    b.wait_for_path("/mysupport/deliveries").await?;
    b.find("#log-one-notice").await?;
    b.wait_for_text(
        "#delivery-log tr[data-state='sent'] .log-destination",
        "ops@example.com",
    )
    .await?;
    b.wait_for_text(
        "#delivery-log tr[data-state='skipped_window'] .log-destination",
        "late-shift@example.com",
    )
    .await?;
    b.wait_for_text(
        "#delivery-log tr[data-state='skipped_window']",
        "配信時間外のため未送信",
    )
    .await?;
    b.find("#log-status")
        .await?
        .select_by_value("skipped_window")
        .await?;
    b.wait_for_text("#delivery-log tbody", "late-shift@example.com")
        .await?;
    for _ in 0..50 {
        let rows = b
            .client
            .find_all(fantoccini::Locator::Css("#delivery-log tbody tr"))
            .await?;
        if rows.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let rows = b
        .client
        .find_all(fantoccini::Locator::Css("#delivery-log tbody tr"))
        .await?;
    ensure!(rows.len() == 1, "the state filter left {} rows", rows.len());

    // The console counts it among the stopped destinations, masked.
    b.goto(&app.url("/operator")).await?;
    b.wait_for_text("#suspended-count", "1").await?;
    b.wait_for_text("#suspended-addresses li", "n***@example-corporation.co.jp")
        .await?;

    // The suspended address is resumed: it waits for its confirmation again.
    b.goto(&app.url("/mysupport/recipients")).await?;
    b.click("tr[data-email^='night-shift'] button.resume")
        .await?;
    b.find("tr[data-email^='night-shift'] .badge.pending")
        .await?;
    b.find(".alert.success").await?;
    ensure!(
        b.client
            .find_all(fantoccini::Locator::Css(
                "tr[data-email^='night-shift'] .badge.stopped"
            ))
            .await?
            .is_empty(),
        "no longer shown as suspended"
    );
    app.smtp
        .wait_for("night-shift.operations@example-corporation.co.jp")
        .await?;

    let ja = &titles[&("recipient-edit", "ja")];
    ensure!(
        ja == "配信先メールアドレスの変更 | Shirase お客さまサポート",
        "{ja}"
    );
    Ok(())
}

async fn check_page(
    app: &TestApp,
    b: &Browser,
    axe: &str,
    (name, path, ready): (&'static str, &str, &str),
    titles: &mut BTreeMap<(&'static str, &'static str), String>,
) -> anyhow::Result<()> {
    for lang in ["ja", "en"] {
        for (width, height) in WIDTHS {
            b.client.set_window_size(width, height).await?;
            b.goto(&app.url(path)).await?;
            // The language a visitor chose earlier, as the switch stores it (JSON).
            b.client
                .execute(
                    "localStorage.setItem('shirase.lang', JSON.stringify(arguments[0]));",
                    vec![lang.into()],
                )
                .await?;
            b.goto(&app.url(path)).await?;
            b.find(ready).await?;
            let shown = b
                .client
                .execute("return document.documentElement.lang;", vec![])
                .await?;
            ensure!(shown == lang, "{name}: the page is in {shown}, not {lang}");
            let heading = b.find("main h1").await?.text().await?;
            ensure!(!heading.trim().is_empty(), "{name}: an empty heading");
            let title = b.settled_title(name != "home").await?;
            let place = format!("{name} ({lang}, {width} px)");
            let violations = b.axe(axe).await.with_context(|| place.clone())?;
            ensure!(
                violations.is_empty(),
                "{place}: axe found serious or critical violations:\n{}",
                violations.join("\n")
            );
            if width < 500 {
                let overflow = b.horizontal_overflow().await?;
                ensure!(
                    overflow <= 0,
                    "{place}: the page scrolls sideways by {overflow} px"
                );
                b.heading_unobstructed()
                    .await
                    .with_context(|| place.clone())?;
            }
            titles.insert((name, lang), title);
            b.screenshot_if_asked(&format!("{name}-{lang}-{width}"))
                .await?;
        }
    }
    Ok(())
}
