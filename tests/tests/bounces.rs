//! Addresses whose mail bounces, on SQLite and PostgreSQL, with a real SMTP server that
//! refuses some recipients: a missing mailbox (5.1.1) suspends its address at once, three
//! permanent refusals in a row suspend it too, a temporary one (4xx) is retried and counts
//! for nothing; the owner is told once, later publications leave the address out, and
//! resuming it sends a new verification link. Bounce reports that come later (RFC 3464) are
//! taken over HTTP and by `shirase bounce` on standard input, matched by the return path or
//! the Message-ID only.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use shared::dto::{
    BounceReceipt, CreatedToken, DeliveryLogPage, DeliveryState, RecipientStatus, RecipientView,
    StoppedDestinations, SuspensionReason,
};
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::{customer, field_code, operator, publish};
use shirase_tests::process;
use shirase_tests::{Backend, Mode, Reply, TestApp};

const A: &str = "id-federation";
const OWNER: &str = "owner@example.com";

fn outage(title: &str) -> Value {
    json!({
        "kind": "outage", "products": [A], "title_ja": title,
        "body_ja": "現在、認証エラーが発生しています。", "starts_at": "2026-12-02T01:00:00Z",
    })
}

/// An app whose SMTP server answers `script`, an operator, and the owner: subscribed to
/// outages of A, with `extra` as a second verified address.
async fn setup(
    backend: Backend,
    script: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
    extra: &'static str,
) -> anyhow::Result<Option<(TestApp, String, String, String)>> {
    let mode = Mode {
        smtp_script: Some(Arc::new(script)),
        ..Mode::default()
    };
    setup_with(backend, mode, extra).await
}

async fn setup_with(
    backend: Backend,
    mode: Mode,
    extra: &'static str,
) -> anyhow::Result<Option<(TestApp, String, String, String)>> {
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(None);
    };
    let op = operator(&app, "op@example.com").await?;
    let owner = customer(&app, OWNER).await?.access_token;
    let address = app
        .db(move |conn| {
            let account = fixtures::account_id(conn, OWNER)?;
            fixtures::subscribe(conn, &account, A, false, true)?;
            fixtures::address(conn, &account, Address::new(extra))
        })
        .await?;
    Ok(Some((app, op, owner, address)))
}

/// Publishes and waits until none of its deliveries is pending; returns the audience.
async fn publish_and_settle(app: &TestApp, op: &str, title: &str) -> anyhow::Result<i64> {
    let (id, receipt) = publish(app, op, outage(title)).await?;
    for _ in 0..100 {
        let progress = app
            .get(&format!("/api/v1/notices/{id}/deliveries"), Some(op))
            .await?;
        if progress.body["pending"] == 0 {
            return Ok(receipt.audience);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the deliveries of {title} did not settle")
}

async fn address(app: &TestApp, token: &str, id: &str) -> anyhow::Result<RecipientView> {
    let res = app
        .get(&format!("/api/v1/me/recipients/{id}"), Some(token))
        .await?;
    anyhow::ensure!(res.status == 200, "{res:?}");
    res.json()
}

/// The status My Support's list of addresses gives the address `id`.
async fn listed_status(
    app: &TestApp,
    token: &str,
    id: &str,
) -> anyhow::Result<Option<RecipientStatus>> {
    let list: Vec<RecipientView> = app
        .get("/api/v1/me/recipients", Some(token))
        .await?
        .json()?;
    Ok(list.into_iter().find(|r| r.id == id).map(|r| r.status))
}

/// The suspension mails the owner received.
fn suspension_mails(app: &TestApp) -> usize {
    app.smtp
        .to(OWNER)
        .iter()
        .filter(|m| m.subject.contains("配信を停止しました"))
        .count()
}

async fn a_missing_mailbox_is_suspended_at_once(backend: Backend) -> anyhow::Result<()> {
    // The mailbox is gone for the first notice; it works again by the time it is resumed.
    let script = |rcpt: &str, nth: usize| {
        if rcpt == "gone@example.com" && nth == 1 {
            Reply::Refuse("550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown")
        } else {
            Reply::Accept
        }
    };
    let Some((app, op, owner, gone)) = setup(backend, script, "gone@example.com").await? else {
        return Ok(());
    };
    assert_eq!(publish_and_settle(&app, &op, "認証エラー").await?, 2);
    let view = address(&app, &owner, &gone).await?;
    assert_eq!(view.status, RecipientStatus::Suspended);
    let suspension = view
        .suspension
        .ok_or_else(|| anyhow::anyhow!("no suspension"))?;
    assert_eq!(suspension.reason, SuspensionReason::NoSuchUser);
    assert!(suspension.reply.unwrap_or_default().contains("5.1.1"));
    let told = app
        .smtp
        .wait_for_count(1, 10, |m| {
            m.envelope_to.iter().any(|t| t == OWNER) && m.subject.contains("配信を停止しました")
        })
        .await?;
    assert!(
        told[0].text.contains("gone@example.com"),
        "{}",
        told[0].text
    );

    // Operators see it among the stopped destinations, masked; customers may not look.
    let stopped = app.get("/api/v1/stopped-destinations", Some(&op)).await?;
    assert_eq!(stopped.status, 200, "{stopped:?}");
    let stopped: StoppedDestinations = stopped.json()?;
    assert_eq!(stopped.suspended_addresses, 1);
    assert_eq!(stopped.quarantined_webhooks, 0);
    assert_eq!(stopped.addresses[0].email_masked, "g***@example.com");
    assert_eq!(
        stopped.addresses[0].suspension.reason,
        SuspensionReason::NoSuchUser
    );
    assert_eq!(
        app.get("/api/v1/stopped-destinations", Some(&owner))
            .await?
            .status,
        403
    );

    // The next publication leaves it out: no second attempt, no second mail to the owner.
    assert_eq!(
        publish_and_settle(&app, &op, "認証エラー（続報）").await?,
        1
    );
    assert_eq!(app.smtp.attempts_for("gone@example.com"), 1);
    assert_eq!(suspension_mails(&app), 1, "the owner is told once");

    // The owner's log says why: bounced with the server's code, then left out as suspended.
    let log = log_of(&app, &owner, &format!("?destination={gone}")).await?;
    let states: Vec<DeliveryState> = log.entries.iter().map(|e| e.state).collect();
    assert_eq!(
        states,
        [DeliveryState::SkippedSuspended, DeliveryState::Bounced]
    );
    assert_eq!(log.entries[1].reply_code.as_deref(), Some("550"));

    // Nobody else can resume it; a verified address cannot be resumed.
    let stranger = customer(&app, "stranger@example.com").await?.access_token;
    let path = format!("/api/v1/me/recipients/{gone}/resumption");
    assert_eq!(
        app.post(&path, Some(&stranger), json!({})).await?.status,
        404
    );
    let login_address = app
        .get("/api/v1/me/recipients", Some(&owner))
        .await?
        .json::<Vec<RecipientView>>()?
        .into_iter()
        .find(|r| r.email == OWNER)
        .ok_or_else(|| anyhow::anyhow!("no login address"))?;
    let res = app
        .post(
            &format!("/api/v1/me/recipients/{}/resumption", login_address.id),
            Some(&owner),
            json!({}),
        )
        .await?;
    assert_eq!(res.status, 409);
    res.problem()?;

    // Resuming asks for the address to be confirmed again; once it is, notices resume.
    let res = app.post(&path, Some(&owner), json!({})).await?;
    assert_eq!(res.status, 200, "{res:?}");
    assert_eq!(
        res.json::<RecipientView>()?.status,
        RecipientStatus::Pending
    );
    let link = app.smtp.wait_for("gone@example.com").await?;
    let token = link
        .token_in("/recipients/verify?token=")
        .ok_or_else(|| anyhow::anyhow!("no link in {}", link.text))?;
    let res = app
        .post(
            &format!("/api/v1/recipient-verifications/{token}"),
            None,
            json!({}),
        )
        .await?;
    assert_eq!(res.status, 204, "{res:?}");
    assert_eq!(
        address(&app, &owner, &gone).await?.status,
        RecipientStatus::Verified
    );
    assert_eq!(
        publish_and_settle(&app, &op, "認証エラー（復旧）").await?,
        2
    );
    Ok(())
}

async fn three_refusals_in_a_row_suspend(backend: Backend) -> anyhow::Result<()> {
    // A policy refusal says nothing of the mailbox: only a run of them suspends. The third
    // notice gets through and ends the first run.
    let script = |rcpt: &str, nth: usize| {
        if rcpt == "strict@example.com" && nth != 3 {
            Reply::Refuse("550 5.7.1 Message rejected by policy")
        } else {
            Reply::Accept
        }
    };
    let Some((app, op, owner, strict)) = setup(backend, script, "strict@example.com").await? else {
        return Ok(());
    };
    for n in 1..=5 {
        publish_and_settle(&app, &op, &format!("障害 {n}")).await?;
        assert_eq!(
            address(&app, &owner, &strict).await?.status,
            RecipientStatus::Verified,
            "still verified after notice {n}"
        );
    }
    assert_eq!(app.smtp.attempts_for("strict@example.com"), 5);
    publish_and_settle(&app, &op, "障害 6").await?;
    let view = address(&app, &owner, &strict).await?;
    assert_eq!(view.status, RecipientStatus::Suspended);
    assert_eq!(
        view.suspension.map(|s| s.reason),
        Some(SuspensionReason::RepeatedFailures)
    );
    app.smtp
        .wait_for_count(1, 10, |m| {
            m.envelope_to.iter().any(|t| t == OWNER) && m.subject.contains("配信を停止しました")
        })
        .await?;
    assert_eq!(suspension_mails(&app), 1);
    Ok(())
}

async fn temporary_refusals_are_retried_and_not_counted(backend: Backend) -> anyhow::Result<()> {
    let script = |rcpt: &str, nth: usize| {
        if rcpt == "busy@example.com" && nth == 1 {
            Reply::Refuse("451 4.3.0 Try again later")
        } else {
            Reply::Accept
        }
    };
    let Some((app, op, owner, busy)) = setup(backend, script, "busy@example.com").await? else {
        return Ok(());
    };
    publish(&app, &op, outage("認証エラー")).await?;
    // The first attempt is refused for now; the retry comes after the back-off.
    for _ in 0..100 {
        if app.smtp.attempts_for("busy@example.com") == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.smtp.attempts_for("busy@example.com"), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::minutes(2));
    app.smtp.wait_for("busy@example.com").await?;
    let view = address(&app, &owner, &busy).await?;
    assert_eq!(view.status, RecipientStatus::Verified);
    assert!(view.suspension.is_none());
    let bounces = app
        .db(move |conn| {
            use api::schema::recipients::dsl::*;
            use diesel::prelude::*;
            Ok(recipients.find(busy).select(bounces).first::<i32>(conn)?)
        })
        .await?;
    assert_eq!(bounces, 0, "a temporary refusal is no bounce");
    assert_eq!(suspension_mails(&app), 0);
    Ok(())
}

async fn log_of(app: &TestApp, token: &str, query: &str) -> anyhow::Result<DeliveryLogPage> {
    let res = app
        .get(&format!("/api/v1/me/deliveries{query}"), Some(token))
        .await?;
    anyhow::ensure!(res.status == 200, "{res:?}");
    res.json()
}

/// Posts a raw bounce report; the status and the body.
async fn report(app: &TestApp, token: &str, raw: &str) -> anyhow::Result<(u16, Value)> {
    let res = app
        .http
        .post(app.url("/api/v1/bounces"))
        .bearer_auth(token)
        .header("content-type", "message/rfc822")
        .body(raw.to_owned())
        .send()
        .await?;
    let status = res.status().as_u16();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, body))
}

/// The state of `address`'s delivery of the last notice, as its owner's log shows it.
async fn last_state(app: &TestApp, owner: &str, address: &str) -> anyhow::Result<DeliveryState> {
    let log = log_of(app, owner, &format!("?destination={address}")).await?;
    log.entries
        .first()
        .map(|e| e.state)
        .ok_or_else(|| anyhow::anyhow!("no delivery to {address}"))
}

const BOUNCE_DOMAIN: &str = "bounce.shirase.test";

async fn bounce_reports_suspend_the_address_they_name(backend: Backend) -> anyhow::Result<()> {
    let mode = Mode {
        bounce_domain: Some(BOUNCE_DOMAIN),
        ..Mode::default()
    };
    let Some((app, op, owner, later)) = setup_with(backend, mode, "later@example.com").await?
    else {
        return Ok(());
    };
    let piped = app
        .db(|conn| {
            let account = fixtures::account_id(conn, OWNER)?;
            fixtures::address(conn, &account, Address::new("piped@example.com"))
        })
        .await?;
    assert_eq!(publish_and_settle(&app, &op, "認証エラー").await?, 3);
    // Every mail's return path names its delivery.
    let mail = app.smtp.wait_for("later@example.com").await?;
    let delivery = mail
        .envelope_from
        .strip_prefix("bounces+")
        .and_then(|rest| rest.strip_suffix(&format!("@{BOUNCE_DOMAIN}")))
        .ok_or_else(|| anyhow::anyhow!("return path {:?}", mail.envelope_from))?
        .to_owned();
    let dsn = fixtures::dsn(
        &mail.envelope_from,
        "later@example.com",
        "someone-else@mx.example.net",
        "5.1.1",
    );

    // Who may hand in reports: operators, and operators' tokens with the `bounces` scope.
    assert_eq!(report(&app, &owner, &dsn).await?.0, 403);
    let res = app
        .post(
            "/api/v1/me/tokens",
            Some(&owner),
            json!({"name": "mx", "scopes": ["bounces"]}),
        )
        .await?;
    assert_eq!(res.status, 400, "{res:?}");
    let res = app
        .post(
            "/api/v1/me/tokens",
            Some(&op),
            json!({"name": "mx", "scopes": ["bounces"]}),
        )
        .await?;
    assert_eq!(res.status, 201, "{res:?}");
    let mx = res.json::<CreatedToken>()?.secret;

    // Garbage, and a report about no delivery of ours, change nothing.
    let (status, body) = report(&app, &mx, "this is not a bounce report").await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        field_code(&body, "message").as_deref(),
        Some("not_a_delivery_report")
    );
    let stranger = fixtures::dsn(
        &format!("bounces+0190a1b2-0000-7000-8000-000000000000.0000000001@{BOUNCE_DOMAIN}"),
        "later@example.com",
        "0190a1b2@elsewhere.example",
        "5.1.1",
    );
    let (status, body) = report(&app, &mx, &stranger).await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        field_code(&body, "message").as_deref(),
        Some("unknown_delivery")
    );
    assert_eq!(
        address(&app, &owner, &later).await?.status,
        RecipientStatus::Verified
    );
    assert_eq!(last_state(&app, &owner, &later).await?, DeliveryState::Sent);

    // The report names the delivery by its return path: the address is suspended at once.
    let (status, body) = report(&app, &mx, &dsn).await?;
    assert_eq!(status, 200, "{body}");
    let receipt: BounceReceipt = serde_json::from_value(body)?;
    assert_eq!(receipt.delivery_id, delivery);
    assert_eq!(receipt.recipients.len(), 1);
    assert_eq!(receipt.recipients[0].email_masked, "l***@example.com");
    assert!(receipt.recipients[0].bounced && receipt.recipients[0].suspended);
    let view = address(&app, &owner, &later).await?;
    assert_eq!(view.status, RecipientStatus::Suspended);
    assert_eq!(
        view.suspension.map(|s| s.reason),
        Some(SuspensionReason::NoSuchUser)
    );
    assert_eq!(
        last_state(&app, &owner, &later).await?,
        DeliveryState::Bounced
    );
    app.smtp
        .wait_for_count(1, 10, |m| {
            m.envelope_to.iter().any(|t| t == OWNER) && m.subject.contains("配信を停止しました")
        })
        .await?;
    // The same report again changes nothing more.
    let (status, body) = report(&app, &mx, &dsn).await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["recipients"][0]["bounced"], false);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(suspension_mails(&app), 1);

    // `shirase bounce`, as a mail server pipes its bounce mailbox: this report goes to the
    // postmaster, so only the returned Message-ID names the delivery.
    let url = app.state.settings.database_url.expose().to_owned();
    let piped_mail = app.smtp.wait_for("piped@example.com").await?;
    let run = |input: String| {
        let (url, base) = (url.clone(), app.base.clone());
        tokio::task::spawn_blocking(move || {
            process::run(&["bounce"], &url, &base, &[], input.as_bytes())
        })
    };
    let ran = run("Subject: hello

not a report
"
    .into())
    .await??;
    assert_eq!(ran.code, Some(65), "{}", ran.stderr);
    assert_eq!(
        address(&app, &owner, &piped).await?.status,
        RecipientStatus::Verified
    );
    let by_id = fixtures::dsn(
        "postmaster@example.net",
        "piped@example.com",
        &piped_mail.message_id,
        "5.2.1",
    );
    let ran = run(by_id).await??;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let receipt: BounceReceipt = serde_json::from_str(&ran.stdout)?;
    assert!(receipt.recipients[0].suspended, "{}", ran.stdout);
    assert_eq!(
        address(&app, &owner, &piped).await?.status,
        RecipientStatus::Suspended
    );
    assert_eq!(
        last_state(&app, &owner, &piped).await?,
        DeliveryState::Bounced
    );
    // Another account cannot read these deliveries.
    let stranger = customer(&app, "stranger@example.com").await?.access_token;
    assert_eq!(
        app.get(
            &format!("/api/v1/me/deliveries?destination={piped}"),
            Some(&stranger)
        )
        .await?
        .status,
        404
    );
    Ok(())
}

/// My Support's list of addresses is kept in memory: a suspension the dispatcher records
/// with no request behind it (the start of a maintenance, mailed by itself) shows in the
/// list as soon as it is recorded, not when the kept copy ages out.
async fn a_suspension_nobody_asked_for_shows_in_the_list_at_once(
    backend: Backend,
) -> anyhow::Result<()> {
    // The mailbox is gone by the time the maintenance starts.
    let script = |rcpt: &str, nth: usize| {
        if rcpt == "gone@example.com" && nth == 2 {
            Reply::Refuse("550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown")
        } else {
            Reply::Accept
        }
    };
    let mode = Mode {
        smtp_script: Some(Arc::new(script)),
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(());
    };
    // Ten minutes before the start: the owner's access token outlives the wait.
    let t0 = shirase_tests::jst(2026, 12, 2, 9, 50);
    app.clock.set(t0);
    let op = operator(&app, "op@example.com").await?;
    let owner = customer(&app, OWNER).await?.access_token;
    let gone = app
        .db(move |conn| {
            let account = fixtures::account_id(conn, OWNER)?;
            fixtures::subscribe(conn, &account, A, true, false)?;
            fixtures::address(conn, &account, Address::new("gone@example.com"))
        })
        .await?;
    publish(
        &app,
        &op,
        json!({
            "kind": "maintenance", "products": [A], "title_ja": "定期メンテナンス",
            "body_ja": "作業します。", "starts_at": "2026-12-02T01:00:00Z",
            "ends_at": "2026-12-02T03:00:00Z", "announce_lifecycle": true,
        }),
    )
    .await?;
    app.smtp.wait_for("gone@example.com").await?;
    // Read, and kept, before the start.
    assert_eq!(
        listed_status(&app, &owner, &gone).await?,
        Some(RecipientStatus::Verified)
    );
    app.clock.set(t0 + chrono::Duration::minutes(10));
    let mut suspended = false;
    for _ in 0..100 {
        if address(&app, &owner, &gone).await?.status == RecipientStatus::Suspended {
            suspended = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(suspended, "the start's mail did not suspend the address");
    // Allowing for the moment between the dispatcher's commit and its telling the cache.
    let mut shown = false;
    for _ in 0..10 {
        if listed_status(&app, &owner, &gone).await? == Some(RecipientStatus::Suspended) {
            shown = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        shown,
        "the list still shows the suspended address as verified"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_suspension_nobody_asked_for_shows_in_the_list_at_once() -> anyhow::Result<()> {
    a_suspension_nobody_asked_for_shows_in_the_list_at_once(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_suspension_nobody_asked_for_shows_in_the_list_at_once() -> anyhow::Result<()> {
    a_suspension_nobody_asked_for_shows_in_the_list_at_once(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_bounce_reports_suspend_the_address_they_name() -> anyhow::Result<()> {
    bounce_reports_suspend_the_address_they_name(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_bounce_reports_suspend_the_address_they_name() -> anyhow::Result<()> {
    bounce_reports_suspend_the_address_they_name(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_missing_mailbox_is_suspended_at_once() -> anyhow::Result<()> {
    a_missing_mailbox_is_suspended_at_once(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_missing_mailbox_is_suspended_at_once() -> anyhow::Result<()> {
    a_missing_mailbox_is_suspended_at_once(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_three_refusals_in_a_row_suspend() -> anyhow::Result<()> {
    three_refusals_in_a_row_suspend(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_three_refusals_in_a_row_suspend() -> anyhow::Result<()> {
    three_refusals_in_a_row_suspend(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_temporary_refusals_are_retried_and_not_counted() -> anyhow::Result<()> {
    temporary_refusals_are_retried_and_not_counted(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_temporary_refusals_are_retried_and_not_counted() -> anyhow::Result<()> {
    temporary_refusals_are_retried_and_not_counted(Backend::Postgres).await
}
