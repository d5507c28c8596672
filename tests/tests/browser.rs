//! The customer's journey in a real browser: headless Chromium on the built SPA, mail read
//! from the dev mailbox page as a newcomer would.

use chrono::Timelike;
use shirase_tests::TestApp;
use shirase_tests::browser::{self, Browser};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_id_from_sign_up_form_to_my_support() -> anyhow::Result<()> {
    let app = TestApp::spawn_with_dev_mailbox().await?;
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(());
    }
    let b = Browser::start().await?;
    let result = journey(&app, &b).await;
    b.finish(result, "browser").await
}

/// The front page loads only the module every visitor needs; an area's bundle (here the
/// sign-up wizard's) comes when one of its routes is shown, and no other area's with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_area_of_the_site_is_loaded_when_it_is_shown() -> anyhow::Result<()> {
    let app = TestApp::spawn_with_dev_mailbox().await?;
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(());
    }
    let b = Browser::start().await?;
    let result = loaded_on_demand(&app, &b).await;
    b.finish(result, "split").await
}

async fn loaded_on_demand(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    let fetched = || async {
        let names = b
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);",
                vec![],
            )
            .await?;
        anyhow::Ok(serde_json::from_value::<Vec<String>>(names)?)
    };
    let modules = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .filter(|n| n.starts_with("/area_"))
            .map(|n| {
                n.trim_start_matches("/area_")
                    .split('-')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    b.goto(&app.url("/")).await?;
    b.find("#hero-register").await?;
    let first = fetched().await?;
    assert!(
        first
            .iter()
            .any(|n| n.starts_with("/web-") && n.ends_with("_bg.wasm")),
        "{first:?}"
    );
    assert_eq!(modules(&first), Vec::<String>::new(), "{first:?}");

    // A slow network: the area's bundle arrives after a second and a half. Meanwhile the
    // page says it is loading (once the first fifth of a second has passed: the text is
    // hidden until then, and WebDriver reads only visible text).
    b.client
        .execute(
            "const plain = window.fetch; \
             window.fetch = (input, init) => String(input).includes('/area_') \
               ? new Promise((ok) => setTimeout(ok, 1500)).then(() => plain(input, init)) \
               : plain(input, init);",
            vec![],
        )
        .await?;
    b.click("#hero-register").await?;
    b.wait_for_path("/register").await?;
    b.wait_for_text("main .area-loading[role='status']", "読み込み中")
        .await?;
    b.screenshot_if_asked("area-loading").await?;
    // The form is the register module's: its field is there once the module ran, and the
    // loading line is gone.
    b.find("#email").await?;
    assert!(
        b.client
            .find_all(fantoccini::Locator::Css(".area-loading"))
            .await?
            .is_empty()
    );
    assert_eq!(modules(&fetched().await?), ["register"]);
    Ok(())
}

async fn journey(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    // ①–③ The front page's 「新規登録」.
    b.goto(&app.url("/")).await?;
    b.click("#hero-register").await?;
    b.wait_for_path("/register").await?;

    // ④ The form checks input with the shared parsers before anything is sent.
    b.fill("#email", "not an address").await?;
    b.click("#to-confirm").await?;
    b.wait_for_text("#email-error", "メールアドレスの形式")
        .await?;
    b.wait_for_text("#password-error", "入力してください")
        .await?;
    // An empty repeat is reported too; a summary at the top links to each field, and the
    // focus is on the first field to fix.
    b.wait_for_text("#password_again-error", "入力してください")
        .await?;
    b.wait_for_text("#error-summary", "パスワード（確認）")
        .await?;
    let focused = b
        .client
        .execute("return document.activeElement.id;", vec![])
        .await?;
    assert_eq!(focused, "email");
    // A space typed into the address stays where it was typed (it once sent the caret to the
    // start, turning "taro yamada@…" into a valid, wrong address), and the form says why the
    // address is refused.
    b.fill("#email", "taro yamada@example.com").await?;
    b.click("#to-confirm").await?;
    b.wait_for_text("#email-error", "メールアドレスの形式")
        .await?;
    b.wait_for_path("/register").await?;

    b.fill("#email", "hanako@example.com").await?;
    b.fill("#password", "correct horse battery").await?;
    b.fill("#password_again", "correct horse battery").await?;
    b.fill("#family_name", "佐藤").await?;
    b.fill("#given_name", "花子").await?;
    b.fill("#company", "Example 株式会社").await?;
    b.fill("#department", "情報システム部 運用課").await?;
    b.fill("#phone", "03-1234-5678").await?;
    b.click("#to-confirm").await?;

    // ⑤ Review, then 「仮登録する」.
    b.wait_for_path("/register/confirm").await?;
    b.wait_for_text(".review", "hanako@example.com").await?;
    b.wait_for_text(".review", "情報システム部 運用課").await?;
    b.wait_for_text(".review", "03-1234-5678").await?;
    b.click("#provisional").await?;
    b.wait_for_path("/register/sent").await?;
    b.wait_for_text(".masked", "h***@example.com").await?;

    // The activation mail, from the dev mailbox page.
    b.goto(&app.url("/dev/mailbox")).await?;
    b.click("a.mail").await?;
    let link = b
        .find("pre.text a[href*='/register/activate?token=']")
        .await?;
    let href = link.attr("href").await?.unwrap_or_default();
    assert!(href.starts_with(&app.base), "{href}");

    // ⑥ Password again → 本登録 → terms → My Support.
    b.goto(&href).await?;
    b.wait_for_text("main", "h***@example.com").await?;
    b.fill("#password", "not the password").await?;
    b.click("#activate").await?;
    b.wait_for_text("#password-error", "パスワードが正しくありません")
        .await?;
    b.fill("#password", "correct horse battery").await?;
    b.click("#activate").await?;
    b.wait_for_path("/register/complete").await?;
    b.wait_for_text(".terms", "第1条").await?;
    // Opening My Support before accepting leads to the terms, told as a first acceptance
    // (not as revised terms); accepting there opens My Support.
    b.goto(&app.url("/mysupport")).await?;
    b.wait_for_path("/terms").await?;
    b.wait_for_text("#terms-lead", "お読みのうえ同意してください")
        .await?;
    b.click("#accept-terms").await?;

    // ⑦ My Support.
    b.wait_for_path("/mysupport").await?;
    b.wait_for_text(".greeting", "ようこそ、佐藤 花子 様")
        .await?;
    b.find("#no-subscriptions").await?;

    // 工事故障情報通知の登録 ①–⑩ for ID Federation.
    register_id_federation(app, b).await?;

    // 配信先メールアドレス: add one, verify it from the mailbox, edit its window on the grid.
    delivery_addresses(app, b).await?;

    // An outage published by an operator: public pages, the mail, its unsubscribe page.
    published_outage(app, b).await?;

    // The catalog, from the console: a new product in 認証, at once in the public catalog.
    catalog_admin(app, b).await?;

    // Feeds and API tokens, from My Support.
    integrations(app, b).await?;

    // English, remembered across a reload.
    b.click(".lang-switch button:nth-child(2)").await?;
    b.wait_for_text("main h1", "My Support").await?;
    b.goto(&app.url("/mysupport")).await?;
    // A Japanese name keeps its order in English too.
    b.wait_for_text(".greeting", "Welcome, 佐藤 花子").await?;

    // Removing asks first; 「キャンセル」 keeps the product.
    b.click("tr[data-slug='id-federation'] button.remove")
        .await?;
    b.wait_for_text("#remove-dialog", "Remove").await?;
    b.click("#remove-dialog .button.secondary").await?;
    b.find("tr[data-slug='id-federation']").await?;

    // Signed out, a product page is public; its button leads to log in and back.
    b.click(".site-header .link-button").await?;
    b.wait_for_path("/").await?;
    b.goto(&app.url("/support/products/id-federation")).await?;
    b.click("#register-product").await?;
    b.wait_for_path("/login").await?;
    b.fill("#email", "hanako@example.com").await?;
    b.fill("#password", "correct horse battery").await?;
    b.click("form button[type=submit]").await?;
    b.wait_for_path("/support/products/id-federation").await?;
    b.wait_for_text("#registered", "In My Support").await?;

    // Removed after confirming.
    b.goto(&app.url("/mysupport")).await?;
    b.click("tr[data-slug='id-federation'] button.remove")
        .await?;
    b.click("#remove-dialog-confirm").await?;
    b.find("#no-subscriptions").await?;

    // The used link now leads to the expired-link page.
    b.goto(&href).await?;
    b.wait_for_path("/register/expired").await?;
    b.find("#link-expired").await?;
    Ok(())
}

async fn register_id_federation(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    // ① 「法人のお客様向けサポート情報を追加」 → ② the categories.
    b.click("#add-support-info").await?;
    b.wait_for_path("/support").await?;
    b.click("a.tile[data-slug='iaas-paas-server']").await?;
    // ③ The category's products, grouped: 「認証」 → 「ID Federation」.
    b.wait_for_path("/support/iaas-paas-server").await?;
    b.wait_for_text(".group[data-group='authentication'] h2", "認証")
        .await?;
    b.click(".group[data-group='authentication'] a.product-link[data-slug='id-federation']")
        .await?;
    // ④ The product page, ⑤ the confirmation dialog.
    b.wait_for_path("/support/products/id-federation").await?;
    b.wait_for_text("#product-name", "ID Federation").await?;
    b.click("#register-product").await?;
    b.wait_for_text(
        "#register-dialog",
        "ID Federationをマイサポートに登録します。",
    )
    .await?;
    b.click("#register-dialog-confirm").await?;
    // ⑥ 「マイサポートへ登録済」.
    b.wait_for_text("#registered", "マイサポートへ登録済")
        .await?;
    // ⑦ My Support lists it with both mails off; its status icon opens the settings.
    b.click(".product .actions a[href='/mysupport']").await?;
    b.wait_for_path("/mysupport").await?;
    b.wait_for_text("tr[data-slug='id-federation']", "ID Federation")
        .await?;
    let row = b
        .wait_for_text(
            "tr[data-slug='id-federation'] .mail-settings",
            "工事情報メール",
        )
        .await?;
    assert!(row.matches("停止").count() == 2, "{row}");
    b.click("tr[data-slug='id-federation'] a.mail-settings")
        .await?;
    // ⑧ Both boxes, 「確認画面へ」.
    b.wait_for_path("/mysupport/subscriptions/id-federation/mail")
        .await?;
    b.click("#maintenance_mail").await?;
    b.click("#outage_mail").await?;
    b.click("#mail-to-confirm").await?;
    // ⑨ The confirmation lists both, 「登録する」.
    b.wait_for_path("/mysupport/subscriptions/id-federation/mail/confirm")
        .await?;
    b.wait_for_text("#chosen-items", "工事情報メール / 故障情報メール")
        .await?;
    b.click("#mail-save").await?;
    // ⑩ 「登録が完了しました」 → 「マイサポートトップへ戻る」.
    b.wait_for_path("/mysupport/subscriptions/id-federation/mail/done")
        .await?;
    b.wait_for_text("main h1", "登録が完了しました").await?;
    b.click("#back-to-mysupport").await?;
    b.wait_for_path("/mysupport").await?;
    let row = b
        .wait_for_text("tr[data-slug='id-federation'] .mail-settings", "配信中")
        .await?;
    assert!(
        row.matches("配信中").count() == 2,
        "both mail kinds on: {row}"
    );

    // And so does the database.
    let flags = app
        .db(|conn| {
            use api::schema::subscriptions::dsl::*;
            use diesel::prelude::*;
            Ok(subscriptions
                .select((maintenance_mail, outage_mail))
                .load::<(bool, bool)>(conn)?)
        })
        .await?;
    assert_eq!(flags, vec![(true, true)]);
    Ok(())
}

async fn delivery_addresses(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    // My Support shows the account's own address, all days and hours.
    b.wait_for_text("#delivery-addresses", "hanako@example.com")
        .await?;
    b.wait_for_text("#delivery-addresses", "全ての曜日・全ての時間")
        .await?;
    b.click("#change-recipients").await?;
    b.wait_for_path("/mysupport/recipients").await?;
    // One tab is the current one. The addresses are an area of their own, shown once its
    // bundle has loaded: the path changes before that.
    b.find("#tab-recipients[aria-current='page']").await?;
    let current = b
        .client
        .find_all(fantoccini::Locator::Css(".tabs a[aria-current='page']"))
        .await?;
    assert_eq!(current.len(), 1);
    assert_eq!(
        current[0].attr("id").await?.as_deref(),
        Some("tab-recipients")
    );
    b.click("#new-recipient").await?;
    b.wait_for_path("/mysupport/recipients/new").await?;

    // The grid: 「平日 9:00–18:00」, then 9 o'clock off; 「なし」 warns.
    b.fill("#email", "team@example.com").await?;
    b.click("#preset-none").await?;
    b.find("#empty-window-warning").await?;
    b.click("#preset-business").await?;
    b.click("button.hour[data-hour='9']").await?;
    let pressed = b
        .find("button.hour[data-hour='9']")
        .await?
        .attr("aria-pressed")
        .await?;
    assert_eq!(pressed.as_deref(), Some("false"));
    // A dark cell, clicked, lights its weekday and hour; clicked again, its hour goes dark.
    b.click(".cell[data-day='sat'][data-hour='20']").await?;
    b.find(".cell.on[data-day='sat'][data-hour='20']").await?;
    b.find("button.day[data-day='sat'][aria-pressed='true']")
        .await?;
    b.click(".cell[data-day='sat'][data-hour='20']").await?;
    b.find("button.hour[data-hour='20'][aria-pressed='false']")
        .await?;
    b.click("button.day[data-day='sat']").await?;
    b.find("button.day[data-day='sat'][aria-pressed='false']")
        .await?;
    b.click("#recipient-to-confirm").await?;
    b.wait_for_path("/mysupport/recipients/new/confirm").await?;
    b.wait_for_text("#confirm-window", "月火水木金 / 10:00–18:00")
        .await?;
    b.click("#recipient-save").await?;
    b.wait_for_path("/mysupport/recipients/new/done").await?;
    b.click("#back-to-recipients").await?;
    b.wait_for_text("tr[data-email='team@example.com']", "確認待ち")
        .await?;

    // Verify from the mailbox: the link opens a page whose button confirms.
    b.goto(&app.url("/dev/mailbox")).await?;
    b.wait_for_text("td.to", "team@example.com").await?;
    b.click("a.mail").await?;
    let link = b
        .find("pre.text a[href*='/recipients/verify?token=']")
        .await?;
    let href = link.attr("href").await?.unwrap_or_default();
    b.goto(&href).await?;
    b.wait_for_text("#verify-address", "t***@example.com")
        .await?;
    b.click("#verify-recipient").await?;
    b.find("#verify-done").await?;
    b.find("#verify-to-mysupport").await?;
    // The used link says so at once, with no button that would only fail.
    b.goto(&href).await?;
    b.wait_for_text("#verify-failed", "このURLは無効です")
        .await?;
    assert!(
        b.client
            .find(fantoccini::Locator::Css("#verify-recipient"))
            .await
            .is_err()
    );

    // Edit: add Saturday with its row button, keyboard style.
    b.goto(&app.url("/mysupport/recipients")).await?;
    let row = b
        .wait_for_text("tr[data-email='team@example.com']", "10:00–18:00")
        .await?;
    assert!(!row.contains("確認待ち"), "{row}");
    b.click("tr[data-email='team@example.com'] a.edit").await?;
    b.find("button.day[data-day='sat'][aria-pressed='false']")
        .await?;
    b.find("button.day[data-day='sat']")
        .await?
        .send_keys(" ")
        .await?;
    b.find("button.day[data-day='sat'][aria-pressed='true']")
        .await?;
    // Not on holidays nor at the year end: the radio button chosen with the space bar.
    b.find("#holidays-deliver:checked").await?;
    b.find("#holidays-skip_with_year_end")
        .await?
        .send_keys(" ")
        .await?;
    b.find("#holidays-skip_with_year_end:checked").await?;
    // A reminder an hour before each maintenance, and notices outside the hours held until
    // they begin: both ticked with the space bar.
    b.find("#reminder-1h").await?.send_keys(" ").await?;
    b.find("#reminder-1h:checked").await?;
    b.find("#hold").await?.send_keys(" ").await?;
    b.find("#hold:checked").await?;
    b.click("#recipient-to-confirm").await?;
    b.wait_for_text("#confirm-window", "月火水木金土 / 10:00–18:00")
        .await?;
    b.wait_for_text(
        "#confirm-holidays",
        "祝日と年末年始（12/29〜1/3）は配信しない",
    )
    .await?;
    b.wait_for_text(
        "#confirm-timing",
        "開始の1時間前 · 時間外分はまとめて受け取る",
    )
    .await?;
    b.click("#recipient-save").await?;
    b.wait_for_text("main h1", "配信先の登録が完了しました")
        .await?;

    let stored = app
        .db(|conn| {
            use api::schema::recipients::dsl::*;
            use diesel::prelude::*;
            Ok(recipients
                .filter(email.eq("team@example.com"))
                .select((status, weekdays, hours, holidays, reminders, hold))
                .first::<(String, i32, i32, String, i32, bool)>(conn)?)
        })
        .await?;
    assert_eq!(
        stored,
        (
            "verified".to_owned(),
            0b011_1111,
            0b11_1111_1100_0000_0000,
            "skip_with_year_end".to_owned(),
            shared::domain::ReminderLead::Hour.bit(),
            true,
        )
    );
    b.goto(&app.url("/mysupport")).await?;
    b.wait_for_text("#delivery-addresses", "祝日・年末年始を除く")
        .await?;
    Ok(())
}

async fn published_outage(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    // Hanako is granted the operator role and publishes from the console.
    app.db(|conn| {
        Ok(api::models::account::Account::set_role(
            conn,
            "hanako@example.com",
            "operator",
        )?)
    })
    .await?;
    // Written behind the process's back, as the CLI does: on SQLite a running process sees
    // it within its session cache's few seconds, which the test does not wait out.
    app.state.sessions.invalidate();
    b.goto(&app.url("/operator")).await?;
    b.click("#new-notice").await?;
    b.wait_for_path("/operator/notices/new").await?;
    b.click("#products input[value='id-federation']").await?;
    b.fill("#title_ja", "認証エラーの発生").await?;
    b.fill(
        "#body_ja",
        "**ログインできません**。<script>alert(1)</script>",
    )
    .await?;
    let start = (chrono::Utc::now() - chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    b.set_value("#starts_at", &start).await?;
    // Its impact, chosen with the arrow keys: the default (a partial outage), degraded,
    // then a major outage.
    b.find("#impact")
        .await?
        .send_keys("\u{E015}\u{E015}")
        .await?;
    b.wait_for_value("#impact", "major_outage").await?;
    // The live preview: the page, and both mails from the server's templates.
    b.wait_for_text("#page-preview strong", "ログインできません")
        .await?;
    b.wait_for_text(
        "#mail-preview-ja .mail-subject",
        "【故障情報】ID Federation 認証エラーの発生",
    )
    .await?;
    b.wait_for_text(
        "#mail-preview-en .mail-subject",
        "[Outage] ID Federation: 認証エラーの発生",
    )
    .await?;
    b.click("#save-draft").await?;
    b.find("#publish").await?;
    let path = b.client.current_url().await?.path().to_owned();
    let id = path
        .strip_prefix("/operator/notices/")
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(!id.is_empty(), "not on a notice page: {path}");

    // Before publishing: how many addresses it reaches now, and how many their hours skip.
    // Her own address takes every hour; the one added above only weekdays 10–17 in
    // Tokyo, so whether it is reached depends on when the test runs: the two add up.
    b.click("#publish").await?;
    let text = b
        .wait_for_text("#publish-dialog", "件のアドレスに配信します")
        .await?;
    let figures = regex::Regex::new(r"(\d+)件のアドレスに配信します。 (\d+)件は配信時間帯")?
        .captures(&text)
        .ok_or_else(|| anyhow::anyhow!("no figures in {text:?}"))?;
    let (reach, skipped) = (figures[1].to_owned(), figures[2].to_owned());
    assert_eq!(reach.parse::<u32>()? + skipped.parse::<u32>()?, 2, "{text}");
    assert_ne!(reach, "0", "{text}");
    b.click("#publish-dialog-confirm").await?;
    // Live progress, without reloading, until every address reached has its mail.
    b.wait_for_text("#count-pending", "0").await?;
    b.wait_for_text(".delivery .alert", "すべての配信が完了しました")
        .await?;
    assert_eq!(b.find("#count-sent").await?.text().await?, reach);
    assert_eq!(b.find("#count-skipped").await?.text().await?, skipped);
    assert_eq!(b.find("#count-failed").await?.text().await?, "0");
    let progress = b.find("#delivery-progress").await?;
    assert_eq!(progress.attr("value").await?, Some(reach.clone()));
    // The status page shows the product down, from the menu.
    b.click("#nav-status").await?;
    b.wait_for_path("/status").await?;
    b.find(".status-product[data-slug='id-federation'] .state-badge.state-major_outage")
        .await?;
    b.wait_for_text("#status-headline", "障害が発生しています")
        .await?;
    b.goto(&app.url(&format!("/operator/notices/{id}"))).await?;
    b.find("#post-update").await?;

    // An empty follow-up is refused beside its body, before any dialog.
    b.click("#post-update").await?;
    b.wait_for_text(".update-form #body_ja-error", "入力してください")
        .await?;
    anyhow::ensure!(
        b.client
            .find(fantoccini::Locator::Css("#update-dialog"))
            .await
            .is_err(),
        "the update dialog opened for an empty update"
    );
    // A follow-up from the same page: 復旧, to the same rule's audience.
    b.fill(".update-form #body_ja", "復旧しました。").await?;
    b.set_select("#update-status", "resolved").await?;
    // Restored half an hour ago, typed in Japan's time as the label says.
    let recovered = (chrono::Utc::now() - chrono::Duration::minutes(30)
        + chrono::Duration::hours(9))
    .naive_utc()
    .with_second(0)
    .and_then(|t| t.with_nanosecond(0))
    .unwrap_or_default();
    b.type_datetime("#recovered_at", recovered).await?;
    b.click("#post-update").await?;
    b.wait_for_text("#update-dialog", "件のアドレスに続報を配信します")
        .await?;
    b.click("#update-dialog-confirm").await?;
    b.wait_for_text("#console-status", "復旧").await?;
    b.find("#publications tbody tr:nth-child(2)").await?;
    b.wait_for_text(".console-update[data-sequence='1']", "復旧しました。")
        .await?;
    b.wait_for_text(".delivery .alert", "すべての配信が完了しました")
        .await?;
    let sent = b.find("#count-sent").await?.text().await?;

    // Resolved, the notice takes no follow-up until it is re-opened (with the space bar).
    b.find("#updates-closed").await?;
    b.find("#reopen-updates").await?.send_keys(" ").await?;
    // A note posted without notifying: on the page, nothing sent.
    b.fill(".update-form #body_ja", "原因は設定の誤りでした。")
        .await?;
    b.click("#update-notify").await?;
    b.click("#post-update").await?;
    b.wait_for_text("#quiet-update-dialog", "誰にも送らずに")
        .await?;
    b.screenshot_if_asked("quiet-update-dialog").await?;
    b.click("#quiet-update-dialog-confirm").await?;
    b.wait_for_text(
        ".console-update[data-sequence='2']",
        "原因は設定の誤りでした。",
    )
    .await?;
    b.find("#publications tbody tr:nth-child(3)").await?;
    assert_eq!(b.find("#count-sent").await?.text().await?, sent);
    if std::env::var_os("SHIRASE_SCREENSHOTS").is_some() {
        console_update_screenshots(b).await?;
    }

    // An English text added afterwards, as a correction: nobody is mailed, the page says
    // it was edited.
    b.click("#correct-section summary").await?;
    b.fill("#correct-body_en", "**Sign-in fails.**").await?;
    b.click("#save-correction").await?;
    b.wait_for_text("#correct-section", "修正を保存しました")
        .await?;
    assert_eq!(b.find("#count-sent").await?.text().await?, sent);
    // A postmortem, posted without mailing (unticked by default).
    b.click("#postmortem-section summary").await?;
    b.fill("#postmortem-body_ja", "原因は証明書の期限切れでした。")
        .await?;
    b.click("#post-postmortem").await?;
    b.wait_for_text("#postmortem-section", "事後報告を掲載しました")
        .await?;
    b.wait_for_text(".console-update[data-sequence='3']", "事後報告")
        .await?;
    assert_eq!(b.find("#count-sent").await?.text().await?, sent);

    // The public list, newest first, and the notice's page.
    b.goto(&app.url("/notices")).await?;
    b.wait_for_text(".notice-list", "認証エラーの発生").await?;
    b.click(&format!(".notice-card[data-id='{id}'] a")).await?;
    b.wait_for_path(&format!("/notices/{id}")).await?;
    b.wait_for_text("#notice-title", "認証エラーの発生").await?;
    b.wait_for_text("#notice-status", "復旧").await?;
    b.wait_for_text("#notice-edited", "修正").await?;
    b.wait_for_text(".notice-update.postmortem", "証明書の期限切れ")
        .await?;
    b.wait_for_text("main", "復旧しました。").await?;
    b.wait_for_text(
        "#notice-recovered",
        &format!("{} JST", recovered.format("%Y/%m/%d %H:%M")),
    )
    .await?;
    b.wait_for_text("#notice-body strong", "ログインできません")
        .await?;
    let body = b.wait_for_text("#notice-body", "<script>").await?;
    assert!(body.contains("alert(1)"), "markup is shown as text: {body}");
    b.goto(&app.url("/notices?kind=maintenance")).await?;
    b.wait_for_text("#no-notices", "該当するお知らせはありません")
        .await?;
    // The product page lists it too.
    b.goto(&app.url("/support/products/id-federation")).await?;
    b.wait_for_text("#recent-notices", "認証エラーの発生")
        .await?;
    // Its feeds are announced in the page the server sends, for readers that run no script.
    b.find("link[rel='alternate'][href='/feeds/products/id-federation/notices.atom']")
        .await?;
    b.find("link[rel='alternate'][href='/feeds/notices.atom']")
        .await?;

    // Its mail in the dev mailbox; the unsubscribe link asks before it acts.
    let mut mail = None;
    for _ in 0..100 {
        mail = app
            .db(|conn| {
                use api::schema::dev_mailbox::dsl::*;
                use diesel::prelude::*;
                Ok(dev_mailbox
                    .filter(subject.like("【故障情報】%"))
                    .select((id, recipient))
                    .first::<(String, String)>(conn)
                    .optional()?)
            })
            .await?;
        if mail.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (mail_id, address) = mail.ok_or_else(|| anyhow::anyhow!("no outage mail"))?;
    b.goto(&app.url(&format!("/dev/mailbox/{mail_id}"))).await?;
    // The mailbox shows the message's every header, as a receiving server sees them.
    for header in [
        "Auto-Submitted",
        "List-ID",
        "List-Unsubscribe-Post",
        "Message-ID",
    ] {
        b.wait_for_text("table.headers", header).await?;
    }
    let link = b.find("pre.text a[href*='/unsubscribe/']").await?;
    let href = link.attr("href").await?.unwrap_or_default();
    b.goto(&href).await?;
    // It says what stops before anything does.
    b.wait_for_text("#unsubscribe-kind", "故障情報メール")
        .await?;
    b.wait_for_text("#unsubscribe-products", "ID Federation")
        .await?;
    b.click("#confirm-unsubscribe").await?;
    b.wait_for_text(".unsubscribe", "配信を停止しました")
        .await?;
    // My Support shows 配信停止中 for that address, and resumes it.
    b.goto(&app.url("/mysupport")).await?;
    let row = b
        .wait_for_text("tr[data-slug='id-federation'] .opted-out", "配信停止中")
        .await?;
    assert!(
        row.contains(&address) && row.contains("故障情報メール"),
        "{row}"
    );
    b.click("tr[data-slug='id-federation'] .opted-out button.resume")
        .await?;
    for _ in 0..50 {
        if shirase_tests::flows::count(app, "recipient_opt_outs").await? == 0 {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("resuming did not remove the unsubscribe")
}

/// The console's update form with its notify checkbox, at both widths and in both
/// languages (asked for with `SHIRASE_SCREENSHOTS`); the page is left as it was.
async fn console_update_screenshots(b: &Browser) -> anyhow::Result<()> {
    for (lang, label) in [
        ("en", "Notify by mail and webhooks"),
        ("ja", "メール・Webhook で通知する"),
    ] {
        b.client
            .execute(
                &format!("localStorage.setItem('shirase.lang', '\"{lang}\"');"),
                vec![],
            )
            .await?;
        b.client.refresh().await?;
        // The resolved notice's form, opened again as an operator would open it.
        b.find("#reopen-updates").await?.send_keys(" ").await?;
        b.wait_for_text(".update-form", label).await?;
        for (width, height) in [(1280, 900), (390, 844)] {
            b.client.set_window_size(width, height).await?;
            b.screenshot_if_asked(&format!("console-update-{lang}-{width}"))
                .await?;
        }
    }
    b.client.set_window_size(1100, 900).await?;
    Ok(())
}

async fn integrations(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    b.goto(&app.url("/mysupport")).await?;
    b.click("#open-integrations").await?;
    b.wait_for_path("/mysupport/integrations").await?;
    b.click("#issue-feed").await?;
    let atom = b
        .find("#feed-atom-url")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert!(
        atom.contains("/feeds/personal/") && atom.ends_with("/notices.atom"),
        "{atom}"
    );
    let feed = app.http.get(&atom).send().await?;
    assert_eq!(feed.status(), 200);
    assert!(
        feed.text().await?.contains("認証エラーの発生"),
        "the outage is in her feed"
    );

    // A token needs a name; then its secret is shown once and it works.
    b.click("#create-token").await?;
    b.wait_for_text("#name-error", "入力してください").await?;
    b.fill("#name", "監視システム").await?;
    b.click("#create-token").await?;
    let secret = b
        .find("#token-secret")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert!(secret.starts_with("shirase_"), "{secret}");
    b.wait_for_text("table.tokens", "監視システム").await?;
    let res = app.get("/api/v1/me/subscriptions", Some(&secret)).await?;
    assert_eq!(res.status, 200, "{res:?}");
    b.click("table.tokens button").await?;
    let mut revoked = false;
    for _ in 0..50 {
        let res = app.get("/api/v1/me/subscriptions", Some(&secret)).await?;
        if res.status == 401 {
            revoked = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::ensure!(revoked, "the revoked token still works");
    b.goto(&app.url("/mysupport")).await?;
    b.wait_for_text("#account-name", "佐藤 花子").await?;
    Ok(())
}

async fn catalog_admin(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    b.goto(&app.url("/operator/catalog")).await?;
    let add = "#add-catalog-groups-authentication-products";
    b.click(&format!("{add} summary")).await?;
    b.fill(&format!("{add}-slug"), "Bad Slug").await?;
    b.fill(&format!("{add}-name_ja"), "シングルサインオン")
        .await?;
    b.fill(&format!("{add}-name_en"), "Single Sign-On").await?;
    b.click(&format!("{add} button.submit")).await?;
    b.wait_for_text(
        &format!("{add}-slug-error"),
        "半角の英小文字・数字・ハイフン",
    )
    .await?;
    b.fill(&format!("{add}-slug"), "single-sign-on").await?;
    b.click(&format!("{add} button.submit")).await?;
    b.find(".catalog-level.product[data-slug='single-sign-on']")
        .await?;
    let product = app.get("/api/v1/products/single-sign-on", None).await?;
    assert_eq!(product.status, 200, "{product:?}");
    assert_eq!(product.body["group"]["slug"], "authentication");

    // Renamed and described in place, then retired.
    let entry = ".catalog-level.product[data-slug='single-sign-on']";
    b.fill("#products-single-sign-on-name_en", "SSO").await?;
    b.fill(
        "#products-single-sign-on-description_ja",
        "社内IDでのログイン",
    )
    .await?;
    // Each entry says its level and slug.
    b.wait_for_text(&format!("{entry} .catalog-head"), "商品 single-sign-on")
        .await?;
    b.click(&format!("{entry} button.save")).await?;
    b.wait_for_text("#catalog-dialog", "保存します").await?;
    b.click("#catalog-dialog-confirm").await?;
    wait_for_product(app, |p| {
        p["name_en"] == "SSO" && p["description_ja"] == "社内IDでのログイン"
    })
    .await?;
    // Retiring asks first; the retired product stays listed, marked, and comes back.
    b.click(&format!("{entry} button.retire")).await?;
    b.wait_for_text("#catalog-dialog", "廃止しますか").await?;
    b.click("#catalog-dialog-confirm").await?;
    wait_for_product(app, |p| p["retired"] == true).await?;
    b.wait_for_text(&format!("{entry} .catalog-head"), "廃止済み")
        .await?;
    b.click(&format!("{entry} button.restore")).await?;
    wait_for_product(app, |p| p["retired"] == false).await
}

/// Polls the public product until `done` holds (5 s at most).
async fn wait_for_product(
    app: &TestApp,
    done: impl Fn(&serde_json::Value) -> bool,
) -> anyhow::Result<()> {
    let mut last = serde_json::Value::Null;
    for _ in 0..50 {
        last = app.get("/api/v1/products/single-sign-on", None).await?.body;
        if done(&last) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("the product never changed as expected: {last}")
}

/// A customer adds a webhook destination as people do (typed into the form), sees its secret
/// and the test's outcome, types back the code the endpoint received, and finds the
/// destination active.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_destination_is_added_confirmed_and_active() -> anyhow::Result<()> {
    let app = TestApp::spawn(shirase_tests::Backend::Sqlite).await?;
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(());
    }
    let sink = shirase_tests::HookSink::start().await?;
    let token = shirase_tests::flows::customer(&app, "hooks@example.com")
        .await?
        .access_token;
    let b = Browser::start().await?;
    let result = add_destination(&app, &b, &sink, &token).await;
    b.finish(result, "destinations").await
}

async fn add_destination(
    app: &TestApp,
    b: &Browser,
    sink: &shirase_tests::HookSink,
    token: &str,
) -> anyhow::Result<()> {
    sign_in(app, b, "hooks@example.com").await?;
    b.click("#tab-destinations").await?;
    b.wait_for_path("/mysupport/destinations").await?;
    b.wait_for_text("#no-destinations", "まだ登録されていません")
        .await?;
    b.click("#new-destination").await?;
    b.wait_for_path("/mysupport/destinations/new").await?;

    // What the server refuses comes back next to the field, in Japanese.
    b.click("#channel-webhook").await?;
    b.fill("#name", "運用チームの受信システム").await?;
    b.fill("#url", "hooks.example.com/shirase").await?;
    b.click("#add-destination").await?;
    b.wait_for_text("#url-error", "https:// で始まるURL")
        .await?;
    b.wait_for_text("#error-summary", "Webhook URL").await?;
    anyhow::ensure!(sink.at("/hook").is_empty());

    b.fill("#url", &sink.url("/hook")).await?;
    b.click("#add-destination").await?;
    let test = sink.wait_for("/hook", 1).await?;
    let code = test[0].json()?["data"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let listed = app.get("/api/v1/me/destinations", Some(token)).await?;
    let id = listed.body[0]["id"].as_str().unwrap_or_default().to_owned();
    b.wait_for_path(&format!("/mysupport/destinations/{id}/verify"))
        .await?;
    b.wait_for_text("#test-outcome", "テスト通知を送信しました")
        .await?;
    let secret = b.find("#destination-secret").await?.prop("value").await?;
    anyhow::ensure!(
        secret.as_deref().is_some_and(|s| s.starts_with("whsec_")),
        "{secret:?}"
    );

    b.fill("#code", "WRONG234").await?;
    b.click("#confirm-code").await?;
    b.wait_for_text("#code-error", "確認コードが正しくない")
        .await?;
    b.fill("#code", &code).await?;
    b.click("#confirm-code").await?;
    b.wait_for_path("/mysupport/destinations").await?;
    b.wait_for_text(
        "li.destination[data-status='active']",
        "運用チームの受信システム",
    )
    .await?;
    b.wait_for_text(".alert.success", "配信先を確認しました")
        .await?;
    Ok(())
}

/// A customer whose own login address bounces: the notice's mail is refused with 5.1.1, the
/// address is suspended, and My Support says so in a banner; the delivery history shows the
/// bounce with the server's code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounced_login_address_is_flagged_in_my_support() -> anyhow::Result<()> {
    use std::sync::Arc;
    // The activation mail gets through; the notice that follows is refused.
    let script = |rcpt: &str, nth: usize| match (rcpt, nth) {
        ("bounced@example.com", n) if n >= 2 => {
            shirase_tests::Reply::Refuse("550 5.1.1 <bounced@example.com>: User unknown")
        }
        _ => shirase_tests::Reply::Accept,
    };
    let mode = shirase_tests::Mode {
        smtp_script: Some(Arc::new(script)),
        ..Default::default()
    };
    let Some(app) = TestApp::spawn_with(shirase_tests::Backend::Sqlite, mode).await? else {
        return Ok(());
    };
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(());
    }
    let owner = shirase_tests::flows::customer(&app, "bounced@example.com")
        .await?
        .access_token;
    let op = shirase_tests::flows::operator(&app, "op@example.com").await?;
    app.db(|conn| {
        let account = shirase_tests::fixtures::account_id(conn, "bounced@example.com")?;
        shirase_tests::fixtures::subscribe(conn, &account, "id-federation", false, true)
    })
    .await?;
    shirase_tests::flows::publish(
        &app,
        &op,
        serde_json::json!({
            "kind": "outage", "products": ["id-federation"], "title_ja": "認証エラーの発生について",
            "body_ja": "調査中です。", "starts_at": "2026-12-02T01:00:00Z",
        }),
    )
    .await?;
    let mut suspended = false;
    for _ in 0..100 {
        let list = app.get("/api/v1/me/recipients", Some(&owner)).await?;
        if list.body[0]["status"] == "suspended" {
            suspended = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::ensure!(suspended, "the login address was not suspended");
    let b = Browser::start().await?;
    let result = bounced_login(&app, &b).await;
    b.finish(result, "bounced-login").await
}

async fn bounced_login(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    sign_in(app, b, "bounced@example.com").await?;
    b.wait_for_text("#login-address-suspended", "受け取りを拒否されたため")
        .await?;
    b.click("#tab-deliveries").await?;
    b.wait_for_path("/mysupport/deliveries").await?;
    b.wait_for_text("#delivery-log tr[data-state='bounced']", "不達 (バウンス)")
        .await?;
    b.wait_for_text("#delivery-log tr[data-state='bounced'] .log-reply", "550")
        .await?;
    Ok(())
}

/// An operator deletes a draft from the console, after confirming.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_deletes_a_draft_from_the_console() -> anyhow::Result<()> {
    let Some((app, op, id)) = app_with_draft(serde_json::json!({
        "kind": "outage", "products": ["id-federation"], "title_ja": "書きかけの障害情報",
        "body_ja": "調査中です。", "starts_at": "2026-12-02T01:00:00Z",
    }))
    .await?
    else {
        return Ok(());
    };
    let b = Browser::start().await?;
    let result = delete_draft(&app, &b, &op, &id).await;
    b.finish(result, "delete-draft").await
}

async fn delete_draft(app: &TestApp, b: &Browser, op: &str, id: &str) -> anyhow::Result<()> {
    sign_in(app, b, "op@example.com").await?;
    b.goto(&app.url(&format!("/operator/notices/{id}"))).await?;
    b.wait_for_text("#console-title", "書きかけの障害情報")
        .await?;
    b.click("#delete-draft").await?;
    b.wait_for_text("#delete-draft-dialog", "元に戻せません")
        .await?;
    b.screenshot_if_asked("delete-draft-dialog").await?;
    b.click("#delete-draft-dialog-confirm").await?;
    b.wait_for_path("/operator").await?;
    let res = app.get(&format!("/api/v1/notices/{id}"), Some(op)).await?;
    anyhow::ensure!(res.status == 404, "the draft is still there: {res:?}");
    Ok(())
}

/// An operator schedules a draft from its console page by typing a date and time, sees it
/// scheduled there and in the console's list, and takes the schedule back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_schedules_a_draft_and_takes_it_back() -> anyhow::Result<()> {
    let Some((app, op, id)) = app_with_draft(serde_json::json!({
        "kind": "maintenance", "products": ["id-federation"], "title_ja": "予約するメンテナンス",
        "body_ja": "作業します。", "starts_at": "2030-01-10T01:00:00Z", "ends_at": "2030-01-10T03:00:00Z",
    }))
    .await?
    else {
        return Ok(());
    };
    let b = Browser::start().await?;
    let result = schedule_draft(&app, &b, &op, &id).await;
    b.finish(result, "schedule-draft").await
}

async fn schedule_draft(app: &TestApp, b: &Browser, op: &str, id: &str) -> anyhow::Result<()> {
    sign_in(app, b, "op@example.com").await?;
    b.goto(&app.url(&format!("/operator/notices/{id}"))).await?;
    b.wait_for_text("#console-title", "予約するメンテナンス")
        .await?;
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M");

    // A time already past is refused next to the field.
    b.type_datetime("#publish_at", at("2020-01-06 09:00")?)
        .await?;
    b.click("#schedule-submit").await?;
    b.wait_for_text("#publish_at-error", "未来の日時を指定してください")
        .await?;

    // 2030-01-09 22:30 in Japan, as the label says, whatever the browser's zone.
    b.type_datetime("#publish_at", at("2030-01-09 22:30")?)
        .await?;
    b.click("#schedule-submit").await?;
    b.wait_for_text("#scheduled-at", "2030/01/09 22:30 JST")
        .await?;
    b.screenshot_if_asked("schedule-set").await?;
    let expected = chrono::DateTime::parse_from_rfc3339("2030-01-09T13:30:00Z")?.to_utc();
    let view: shared::dto::NoticeView = app
        .get(&format!("/api/v1/notices/{id}"), Some(op))
        .await?
        .json()?;
    anyhow::ensure!(
        view.publish_at == Some(expected),
        "{:?} != {expected}",
        view.publish_at
    );
    b.goto(&app.url("/operator")).await?;
    b.wait_for_text(&format!("#draft-list li[data-id='{id}']"), "予約済み")
        .await?;

    // Its start and end are not to be mailed: unticked in the editor with the space bar.
    b.goto(&app.url(&format!("/operator/notices/{id}/edit")))
        .await?;
    b.find("#announce-lifecycle:checked").await?;
    b.find("#announce-lifecycle").await?.send_keys(" ").await?;
    b.find("#announce-lifecycle:not(:checked)").await?;
    b.click("#save-draft").await?;
    b.wait_for_path(&format!("/operator/notices/{id}")).await?;
    let view: shared::dto::NoticeView = app
        .get(&format!("/api/v1/notices/{id}"), Some(op))
        .await?
        .json()?;
    anyhow::ensure!(!view.announce_lifecycle, "still announced");
    anyhow::ensure!(
        view.publish_at == Some(expected),
        "editing kept the schedule"
    );

    b.click("#unschedule").await?;
    b.find("#schedule-submit").await?;
    let view: shared::dto::NoticeView = app
        .get(&format!("/api/v1/notices/{id}"), Some(op))
        .await?
        .json()?;
    anyhow::ensure!(view.publish_at.is_none(), "{:?}", view.publish_at);
    anyhow::ensure!(view.published_at.is_none(), "still a draft");
    Ok(())
}

/// A customer changes the login address from the account page, typed into, and confirms it
/// from the link mailed to the new address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_changes_the_login_address() -> anyhow::Result<()> {
    let app = TestApp::spawn(shirase_tests::Backend::Sqlite).await?;
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(());
    }
    let session = shirase_tests::flows::customer(&app, "hanako@example.com").await?;
    let b = Browser::start().await?;
    let result = change_login_address(&app, &b, &session.access_token).await;
    b.finish(result, "email-change").await
}

async fn change_login_address(app: &TestApp, b: &Browser, token: &str) -> anyhow::Result<()> {
    sign_in(app, b, "hanako@example.com").await?;
    b.click("#open-account").await?;
    b.wait_for_path("/mysupport/account").await?;
    b.wait_for_text("#login-id", "hanako@example.com").await?;
    // A wrong password is said next to its field.
    b.fill("#new_email", "hanako.new@example.com").await?;
    b.fill("#password", "not my password").await?;
    b.click("#request-email-change").await?;
    b.wait_for_text("#password-error", "パスワードが正しくありません")
        .await?;
    b.fill("#password", shirase_tests::flows::PASSWORD).await?;
    b.click("#request-email-change").await?;
    b.wait_for_text("#email-change-sent", "h***@example.com")
        .await?;
    b.screenshot_if_asked("email-change-sent").await?;

    let mail = app.smtp.wait_for("hanako.new@example.com").await?;
    let link = mail
        .link_with("/account/email/confirm?token=")
        .ok_or_else(|| anyhow::anyhow!("no link in {}", mail.text))?;
    b.goto(&link).await?;
    b.wait_for_text("#new-login-id", "h***@example.com").await?;
    b.click("#confirm-email-change").await?;
    b.wait_for_text("#email-change-done", "ログインIDを変更しました")
        .await?;
    let me: shared::dto::AccountView = app.get("/api/v1/me", Some(token)).await?.json()?;
    anyhow::ensure!(me.email == "hanako.new@example.com", "{}", me.email);
    // The used link says so at once.
    b.goto(&link).await?;
    b.wait_for_text("#email-change-failed", "このURLは無効です")
        .await?;
    Ok(())
}

/// An operator keeps a template from the console, typed into, and starts a draft from it:
/// the editor takes its texts, and the saved draft has its placeholders filled in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_keeps_a_template_and_drafts_from_it() -> anyhow::Result<()> {
    let app = TestApp::spawn(shirase_tests::Backend::Sqlite).await?;
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(());
    }
    shirase_tests::flows::operator(&app, "op@example.com").await?;
    let b = Browser::start().await?;
    let result = template_to_draft(&app, &b).await;
    b.finish(result, "templates").await
}

async fn template_to_draft(app: &TestApp, b: &Browser) -> anyhow::Result<()> {
    sign_in(app, b, "op@example.com").await?;
    b.goto(&app.url("/operator")).await?;
    b.click("#open-templates").await?;
    b.wait_for_path("/operator/templates").await?;

    // An unknown placeholder is refused next to its field.
    b.fill("#name", "定期メンテナンス").await?;
    b.fill("#title_ja", "{{product}} {{工事名}}").await?;
    b.fill("#body_ja", "{{starts_at}}から作業します。").await?;
    b.click("#save-template").await?;
    b.wait_for_text("#title_ja-error", "{{product}}").await?;
    b.fill("#title_ja", "{{product}} 定期メンテナンス").await?;
    b.click("#save-template").await?;
    b.wait_for_text("#template-list li", "定期メンテナンス")
        .await?;
    b.screenshot_if_asked("templates").await?;

    b.click("#template-list li a.use-template").await?;
    b.wait_for_path("/operator/notices/new").await?;
    b.wait_for_value("#title_ja", "{{product}} 定期メンテナンス")
        .await?;
    // Checked where one looks: no product is said beside the picker, and by the preview.
    b.click("#save-draft").await?;
    b.wait_for_text("#products-error", "入力してください")
        .await?;
    b.wait_for_text("#preview-blocked", "対象の商品").await?;
    b.click("#products input[value='id-federation']").await?;
    for _ in 0..50 {
        if b.find("#products-error").await?.text().await?.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::ensure!(
        b.find("#products-error").await?.text().await?.is_empty(),
        "the product's error stays after one was ticked"
    );
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M");
    // An end before the start is flagged at once.
    b.type_datetime("#starts_at", at("2030-01-10 01:00")?)
        .await?;
    b.type_datetime("#ends_at", at("2030-01-09 03:00")?).await?;
    b.wait_for_text("#ends_at-error", "終了は開始より後に")
        .await?;
    b.type_datetime("#ends_at", at("2030-01-10 03:00")?).await?;
    // Another zone chosen for typing (by its first letter): the same instants, shown in it,
    // under labels that no longer say JST.
    b.find("#input-zone").await?.send_keys("U").await?;
    b.wait_for_value("#input-zone", "UTC").await?;
    b.wait_for_value("#starts_at", "2030-01-09T16:00").await?;
    b.wait_for_value("#ends_at", "2030-01-09T18:00").await?;
    b.wait_for_text("label[for='starts_at']", "上で選んだタイムゾーン")
        .await?;
    b.click("#save-draft").await?;
    b.wait_for_text("#console-title", "ID Federation 定期メンテナンス")
        .await?;
    // Typed as 01:00 under a label that says JST: 01:00 JST in the notice, whatever the
    // browser's own zone (UTC on the test machines).
    b.wait_for_text(".notice-body", "2030/01/10(木) 01:00 JSTから作業します。")
        .await?;
    Ok(())
}

/// Signs in through the login form, typed into, and waits for My Support.
async fn sign_in(app: &TestApp, b: &Browser, email: &str) -> anyhow::Result<()> {
    b.goto(&app.url("/login")).await?;
    b.fill("#email", email).await?;
    b.fill("#password", shirase_tests::flows::PASSWORD).await?;
    b.click("form button[type=submit]").await?;
    b.wait_for_path("/mysupport").await
}

/// An application with an operator and one draft made through the API: its operator's
/// token and the draft's id. `None` where no browser can run.
async fn app_with_draft(
    draft: serde_json::Value,
) -> anyhow::Result<Option<(TestApp, String, String)>> {
    let app = TestApp::spawn(shirase_tests::Backend::Sqlite).await?;
    if !browser::available(&app.state.settings.web_dir)? {
        return Ok(None);
    }
    let op = shirase_tests::flows::operator(&app, "op@example.com").await?;
    let res = app.post("/api/v1/notices", Some(&op), draft).await?;
    anyhow::ensure!(res.status == 201, "{res:?}");
    let id = res.body["id"].as_str().unwrap_or_default().to_owned();
    Ok(Some((app, op, id)))
}
