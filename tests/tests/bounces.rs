//! Addresses whose mail bounces, on SQLite and PostgreSQL, with a real SMTP server that
//! refuses some recipients: a missing mailbox (5.1.1) suspends its address at once, three
//! permanent refusals in a row suspend it too, a temporary one (4xx) is retried and counts
//! for nothing; the owner is told once, later publications leave the address out, and
//! resuming it sends a new verification link.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use shared::dto::{RecipientStatus, RecipientView, StoppedDestinations, SuspensionReason};
use shirase_tests::fixtures::{self, Address};
use shirase_tests::flows::{customer, operator, publish};
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
