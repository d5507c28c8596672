//! Webhook destinations end to end: a real HTTP server in the test process receives the
//! deliveries; signatures are checked with the Standard Webhooks reference library; Slack
//! and Teams bodies against their documented shapes; retries, quarantine, address refusals
//! and bad input; and the ledger's guarantees with several dispatchers.

use chrono::Timelike;
use serde_json::{Value, json};
use shared::dto::{DestinationCreated, DestinationView, PublicationReceipt};
use shirase_tests::flows::{customer, meanwhile, operator, publish};
use shirase_tests::hooks::{Answer, Received};
use shirase_tests::{Backend, HookSink, Mode, TestApp, backend_tests, fixtures};

const A: &str = "id-federation";

fn outage(title: &str) -> Value {
    json!({
        "kind": "outage", "products": [A], "title_ja": title, "title_en": format!("{title} (en)"),
        "body_ja": "現在、認証エラーが発生しています。", "body_en": "Sign-in fails.",
        "starts_at": "2026-12-02T01:00:00Z",
    })
}

fn maintenance(title: &str) -> Value {
    json!({
        "kind": "maintenance", "products": [A], "title_ja": title, "title_en": format!("{title} (en)"),
        "body_ja": "作業します。", "body_en": "Planned work.",
        "starts_at": "2026-12-10T16:00:00Z", "ends_at": "2026-12-10T18:00:00Z",
    })
}

/// A customer subscribed to `A` with both kinds on; returns their access token.
async fn subscriber(app: &TestApp, email: &str) -> anyhow::Result<String> {
    let token = customer(app, email).await?.access_token;
    let email = email.to_owned();
    app.db(move |conn| {
        let account = fixtures::account_id(conn, &email)?;
        fixtures::subscribe(conn, &account, A, true, true)
    })
    .await?;
    Ok(token)
}

async fn add(app: &TestApp, token: &str, body: Value) -> anyhow::Result<DestinationCreated> {
    let res = app
        .post("/api/v1/me/destinations", Some(token), body)
        .await?;
    anyhow::ensure!(res.status == 201, "{res:?}");
    res.json()
}

/// The code a test event carried, whatever its surface.
fn code_of(received: &Received) -> anyhow::Result<String> {
    let body = received.json()?;
    if let Some(code) = body["data"]["code"].as_str() {
        return Ok(code.to_owned());
    }
    // Slack: a field "*確認コード*\nCODE"; Teams: a fact.
    let slack = body["blocks"][1]["fields"][0]["text"].as_str();
    let teams = body["attachments"][0]["content"]["body"][1]["facts"][0]["value"].as_str();
    let code = slack
        .and_then(|t| t.split('\n').nth(1))
        .or(teams)
        .ok_or_else(|| anyhow::anyhow!("no code in {body}"))?;
    Ok(code.to_owned())
}

async fn verify(
    app: &TestApp,
    token: &str,
    id: &str,
    code: &str,
) -> anyhow::Result<DestinationView> {
    let res = app
        .post(
            &format!("/api/v1/me/destinations/{id}/verification"),
            Some(token),
            json!({"code": code}),
        )
        .await?;
    anyhow::ensure!(res.status == 200, "{res:?}");
    res.json()
}

/// Checks a generic delivery with the Standard Webhooks reference implementation.
fn check_signature(secret: &str, r: &Received) -> anyhow::Result<()> {
    let verifier =
        standardwebhooks::Webhook::new(secret).map_err(|e| anyhow::anyhow!("secret: {e:?}"))?;
    let mut headers = reqwest::header::HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let value = r.header(name).ok_or_else(|| anyhow::anyhow!("no {name}"))?;
        headers.insert(name, value.parse()?);
    }
    verifier
        .verify(r.body.as_bytes(), &headers)
        .map_err(|e| anyhow::anyhow!("signature refused: {e:?}"))
}

fn events<'a>(received: &'a [Received], kind: &str) -> Vec<&'a Received> {
    received
        .iter()
        .filter(|r| r.json().is_ok_and(|b| b["type"] == kind))
        .collect()
}

backend_tests! {
    async fn webhooks_are_verified_signed_and_sent_once_per_publication(app: TestApp) -> anyhow::Result<()> {
        let sink = HookSink::start().await?;
        let op = operator(&app, "op@example.com").await?;
        let owner = subscriber(&app, "owner@example.com").await?;

        // A generic webhook: a secret shown once, a test event with a code, pending.
        let created = add(&app, &owner, json!({
            "channel": "webhook", "name": "運用チーム", "url": sink.url("/generic"),
        })).await?;
        assert!(created.test.delivered, "{:?}", created.test);
        assert_eq!(created.test.status, Some(204));
        let secret = created.secret.clone().unwrap_or_default();
        assert!(secret.starts_with("whsec_"), "{secret}");
        assert_eq!(created.destination.status, shared::dto::DestinationStatus::Pending);
        assert!(!created.destination.url_masked.contains("/generic"));
        let got = sink.at("/generic");
        assert_eq!(got.len(), 1);
        check_signature(&secret, &got[0])?;
        let test = got[0].json()?;
        assert_eq!(test["type"], "test");
        assert_eq!(test["data"]["idempotency_key"].as_str(), got[0].header("webhook-id"));
        let code = code_of(&got[0])?;
        assert_eq!(code.len(), 8);

        // Pending: a publication does not reach it.
        let (_, receipt) = publish(&app, &op, outage("先行障害")).await?;
        assert_eq!(receipt.audience, 1, "the owner's own address only");
        let generic = created.destination.id.clone();
        let res = app.post(&format!("/api/v1/me/destinations/{generic}/verification"), Some(&owner), json!({"code": "WRONG234"})).await?;
        assert_eq!(res.status, 400);
        assert_eq!(res.field_errors()?, vec![("code".to_owned(), "wrong_code".to_owned())]);
        let view = verify(&app, &owner, &generic, &code.to_lowercase()).await?;
        assert_eq!(view.status, shared::dto::DestinationStatus::Active);
        let got = sink.wait_for("/generic", 2).await?;
        assert_eq!(events(&got, "destination.verified").len(), 1);
        // A code works once.
        let res = app.post(&format!("/api/v1/me/destinations/{generic}/verification"), Some(&owner), json!({"code": code})).await?;
        assert_eq!(res.status, 400);

        // Slack takes both kinds; Teams, in English, maintenance only.
        let slack = add(&app, &owner, json!({"channel": "slack", "name": "Slack", "url": sink.url("/slack")})).await?;
        assert_eq!(slack.secret, None, "chat webhooks are not signed");
        let slack_code = code_of(&sink.at("/slack")[0])?;
        verify(&app, &owner, &slack.destination.id, &slack_code).await?;
        let teams = add(&app, &owner, json!({
            "channel": "teams", "name": "Teams", "url": sink.url("/teams"),
            "language": "en", "outage": false,
        })).await?;
        let teams_code = code_of(&sink.at("/teams")[0])?;
        verify(&app, &owner, &teams.destination.id, &teams_code).await?;
        sink.wait_for("/slack", 2).await?;
        sink.wait_for("/teams", 2).await?;

        // An outage: the address, the generic webhook and Slack; not Teams.
        let (notice, receipt) = publish(&app, &op, outage("認証エラー")).await?;
        assert_eq!((receipt.audience, receipt.skipped), (3, 0));
        let got = sink.wait_for("/generic", 3).await?;
        let published = events(&got, "notice.published");
        assert_eq!(published.len(), 1);
        check_signature(&secret, published[0])?;
        let event = published[0].json()?;
        assert_eq!(event["data"]["idempotency_key"].as_str(), published[0].header("webhook-id"));
        assert_eq!(event["data"]["destination_id"], generic.as_str());
        assert_eq!(event["data"]["publication_id"], receipt.publication_id.as_str());
        let n = &event["data"]["notice"];
        assert_eq!((n["id"].as_str(), n["kind"].as_str(), n["status"].as_str()), (Some(notice.as_str()), Some("outage"), Some("investigating")));
        assert_eq!(n["title_ja"], "認証エラー");
        assert_eq!(n["products"][0]["slug"], A);
        assert!(n["url"].as_str().is_some_and(|u| u.ends_with(&format!("/notices/{notice}"))));

        let got = sink.wait_for("/slack", 3).await?;
        let message = got[2].json()?;
        assert!(message["text"].as_str().is_some_and(|t| t.contains("認証エラー")), "{message}");
        let blocks = message["blocks"].as_array().cloned().unwrap_or_default();
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[0]["text"]["type"], "plain_text");
        assert!(blocks.iter().all(|b| ["header", "section", "actions"].contains(&b["type"].as_str().unwrap_or(""))));
        let button = &blocks.last().cloned().unwrap_or_default()["elements"][0];
        assert_eq!(button["type"], "button");
        assert!(button["url"].as_str().is_some_and(|u| u.ends_with(&format!("/notices/{notice}"))));

        // A maintenance reaches Teams, as an Adaptive Card in English.
        publish(&app, &op, maintenance("定期メンテナンス")).await?;
        let got = sink.wait_for("/teams", 3).await?;
        let card = got[2].json()?;
        assert_eq!(card["type"], "message");
        let attachment = &card["attachments"][0];
        assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
        let content = &attachment["content"];
        assert_eq!((content["type"].as_str(), content["version"].as_str()), (Some("AdaptiveCard"), Some("1.4")));
        assert_eq!(content["body"][0]["type"], "TextBlock");
        assert!(content["body"][0]["text"].as_str().is_some_and(|t| t.contains("定期メンテナンス (en)")), "{content}");
        assert_eq!(content["actions"][0]["type"], "Action.OpenUrl");

        // A follow-up is `notice.updated`; every delivery has its own webhook-id.
        let res = app.post(&format!("/api/v1/notices/{notice}/updates"), Some(&op), json!({"body_ja": "復旧しました。", "status": "resolved"})).await?;
        assert_eq!(res.status, 202, "{res:?}");
        let got = sink.wait_for("/generic", 5).await?;
        assert_eq!(events(&got, "notice.updated").len(), 1);
        let mut ids: Vec<&str> = got.iter().filter_map(|r| r.header("webhook-id")).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), got.len(), "one delivery per destination per publication");

        // A window that excludes the issue hour: skipped, and said so.
        let hour = api::clock::Clock::now(&app.clock)
            .with_timezone(&shared::domain::TimeZoneName::DEFAULT.tz())
            .hour();
        let hours: Vec<u32> = (0..24).filter(|h| *h != hour).collect();
        let res = app.call(reqwest::Method::PATCH, &format!("/api/v1/me/destinations/{generic}"), Some(&owner), Some(json!({"hours": hours}))).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let before = sink.at("/generic").len();
        let (_, receipt): (String, PublicationReceipt) = publish(&app, &op, outage("再発")).await?;
        assert_eq!((receipt.audience, receipt.skipped), (2, 1));
        sink.wait_for("/slack", 5).await?;
        assert_eq!(sink.at("/generic").len(), before);

        // Another customer sees none of it and can touch none of it.
        let other = subscriber(&app, "other@example.com").await?;
        let theirs: Vec<DestinationView> = app.get("/api/v1/me/destinations", Some(&other)).await?.json()?;
        assert!(theirs.is_empty());
        let res = app.call(reqwest::Method::DELETE, &format!("/api/v1/me/destinations/{generic}"), Some(&other), None).await?;
        assert_eq!(res.status, 404);
        let mine: Vec<DestinationView> = app.get("/api/v1/me/destinations", Some(&owner)).await?.json()?;
        assert_eq!(mine.len(), 3);

        // Every hour again, but not on public holidays: skipped on 成人の日 (10:30 in Tokyo).
        let all: Vec<u32> = (0..24).collect();
        let res = app.call(reqwest::Method::PATCH, &format!("/api/v1/me/destinations/{generic}"), Some(&owner), Some(json!({"hours": all, "holidays": "skip"}))).await?;
        assert_eq!(res.json::<DestinationView>()?.holidays, shared::domain::HolidayRule::Skip);
        let res = app.call(reqwest::Method::PATCH, &format!("/api/v1/me/destinations/{generic}"), Some(&owner), Some(json!({"holidays": "weekends"}))).await?;
        assert_eq!(res.field_errors()?, vec![("holidays".to_owned(), "invalid_value".to_owned())]);
        app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 1, 11, 1, 30, 0).single().unwrap_or_default());
        let op = shirase_tests::flows::login(&app, "op@example.com", shirase_tests::flows::PASSWORD).await?.body["access_token"].as_str().unwrap_or_default().to_owned();
        let before = sink.at("/generic").len();
        let (_, receipt): (String, PublicationReceipt) = publish(&app, &op, outage("祝日の障害")).await?;
        assert_eq!((receipt.audience, receipt.skipped), (3, 1), "both addresses and Slack, not the webhook");
        sink.wait_for("/slack", 6).await?;
        assert_eq!(sink.at("/generic").len(), before);
        Ok(())
    }

    async fn held_notices_come_as_one_digest_event_and_reminders_as_their_own(app: TestApp) -> anyhow::Result<()> {
        let jst = |d: u32, h: u32| shirase_tests::jst(2027, 3, d, h, 0);
        // Friday 5 March 2027, 20:00 in Tokyo.
        app.clock.set(jst(5, 20));
        let sink = HookSink::start().await?;
        let op = operator(&app, "op@example.com").await?;
        let owner = subscriber(&app, "owner@example.com").await?;
        let created = add(&app, &owner, json!({
            "channel": "webhook", "name": "平日の運用", "url": sink.url("/office"),
            "weekdays": ["mon", "tue", "wed", "thu", "fri"], "hours": (9..18).collect::<Vec<i64>>(),
            "reminders": ["1h"], "hold": true,
        })).await?;
        assert_eq!((created.destination.reminders.len(), created.destination.hold), (1, true));
        let code = code_of(&sink.at("/office")[0])?;
        verify(&app, &owner, &created.destination.id, &code).await?;
        sink.wait_for("/office", 2).await?;

        // Two notices out of hours: held. The maintenance starts Monday 12:00.
        publish(&app, &op, outage("夜間の障害")).await?;
        let mut work = maintenance("月曜の作業");
        work["starts_at"] = json!(jst(8, 12).to_rfc3339());
        work["ends_at"] = json!(jst(8, 14).to_rfc3339());
        publish(&app, &op, work).await?;
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(sink.at("/office").len(), 2, "nothing before the window opens");

        // Monday 09:00: one digest event with both, each with its issue time.
        app.clock.set(jst(8, 9));
        let got = sink.wait_for("/office", 3).await?;
        // (Signed like every delivery, but stamped with the moved clock, which the reference
        // library would refuse as being in the future: signatures are checked above.)
        let digest = &got[2];
        assert!(digest.header("webhook-signature").is_some_and(|s| s.starts_with("v1,")));
        let body = digest.json()?;
        assert_eq!(body["type"], "notice.digest", "{body}");
        let titles: Vec<&str> = body["data"]["notices"].as_array().map(|a| a.iter().filter_map(|n| n["title_ja"].as_str()).collect()).unwrap_or_default();
        assert_eq!(titles, ["夜間の障害", "月曜の作業"]);
        assert_eq!(body["data"]["notices"][0]["issued_at"], json!(jst(5, 20)));
        // The open outage gives its product a partial outage (no impact was set); the
        // maintenance ahead gives no state yet.
        assert_eq!(body["data"]["notices"][0]["state"], "partial_outage");
        assert!(body["data"]["notices"][1].get("state").is_none(), "{body}");

        // 11:00, an hour before the start: the reminder.
        app.clock.set(jst(8, 11));
        let got = sink.wait_for("/office", 4).await?;
        let reminder = got[3].json()?;
        assert_eq!(reminder["type"], "notice.reminder", "{reminder}");
        assert_eq!(reminder["data"]["reminder"], "1h");
        assert_eq!(reminder["data"]["notice"]["title_ja"], "月曜の作業");
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(sink.at("/office").len(), 4, "each once");
        Ok(())
    }

    async fn rotation_signs_with_both_secrets_for_a_day(app: TestApp) -> anyhow::Result<()> {
        let sink = HookSink::start().await?;
        let owner = subscriber(&app, "owner@example.com").await?;
        let created = add(&app, &owner, json!({"channel": "webhook", "name": "n", "url": sink.url("/h")})).await?;
        let old = created.secret.clone().unwrap_or_default();
        let id = created.destination.id;
        let res = app.post(&format!("/api/v1/me/destinations/{id}/secret"), Some(&owner), json!({})).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let new = res.body["secret"].as_str().unwrap_or_default().to_owned();
        assert_ne!(new, old);
        let res = app.post(&format!("/api/v1/me/destinations/{id}/tests"), Some(&owner), json!({})).await?;
        assert_eq!(res.status, 200, "{res:?}");
        assert_eq!(res.body["delivered"], true);
        let got = sink.at("/h");
        let last = got.last().ok_or_else(|| anyhow::anyhow!("nothing arrived"))?;
        check_signature(&new, last)?;
        check_signature(&old, last)?;
        assert_eq!(last.header("webhook-signature").map(|s| s.split(' ').count()), Some(2));
        Ok(())
    }
}

/// An app whose test drives the dispatcher itself, and an active generic webhook at `path`.
async fn with_active_hook(
    backend: Backend,
    sink: &HookSink,
    path: &str,
) -> anyhow::Result<Option<(TestApp, String, String, String)>> {
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(None);
    };
    let (op, owner, id) = meanwhile(&app, async {
        let op = operator(&app, "op@example.com").await?;
        let owner = subscriber(&app, "owner@example.com").await?;
        let created = add(
            &app,
            &owner,
            json!({"channel": "webhook", "name": "運用", "url": sink.url(path)}),
        )
        .await?;
        let code = code_of(&sink.at(path)[0])?;
        verify(&app, &owner, &created.destination.id, &code).await?;
        sink.wait_for(path, 2).await?;
        Ok((op, owner, created.destination.id))
    })
    .await?;
    Ok(Some((app, op, owner, id)))
}

/// A publication's webhook attempts in order: the failed ones from the history table, the
/// success, if any, from the delivery row that keeps it.
async fn attempts_of(
    app: &TestApp,
    publication: &str,
) -> anyhow::Result<Vec<(i32, String, Option<String>)>> {
    let publication = publication.to_owned();
    app.db(move |conn| {
        use api::schema::{deliveries, delivery_attempts};
        use diesel::prelude::*;
        let mut history: Vec<(i32, String, Option<String>)> = delivery_attempts::table
            .inner_join(deliveries::table.on(deliveries::id.eq(delivery_attempts::delivery_id)))
            .filter(deliveries::publication_id.eq(&publication))
            .filter(deliveries::channel.eq("webhook"))
            .select((
                delivery_attempts::attempt,
                delivery_attempts::outcome,
                delivery_attempts::reply,
            ))
            .load(conn)?;
        let successes: Vec<(i32, Option<String>)> = deliveries::table
            .filter(deliveries::publication_id.eq(&publication))
            .filter(deliveries::channel.eq("webhook"))
            .filter(deliveries::latency_ms.is_not_null())
            .select((deliveries::attempts, deliveries::reply))
            .load(conn)?;
        history.extend(
            successes
                .into_iter()
                .map(|(n, reply)| (n, "sent".to_owned(), reply)),
        );
        history.sort_by_key(|(n, _, _)| *n);
        Ok(history)
    })
    .await
}

async fn retries_then_quarantine(backend: Backend) -> anyhow::Result<()> {
    let sink = HookSink::start().await?;
    let Some((app, op, _, id)) = with_active_hook(backend, &sink, "/h").await? else {
        return Ok(());
    };
    let dispatcher = app.dispatcher(&app.smtp)?;
    let base = sink.at("/h").len();

    // 500, then 429 asking for two minutes, then accepted.
    sink.script([Answer::Status(500), Answer::TooMany(120)]);
    let (_, receipt) = publish(&app, &op, outage("認証エラー")).await?;
    dispatcher.drain().await?;
    assert_eq!(sink.at("/h").len(), base + 1);
    app.clock.advance(chrono::Duration::minutes(2));
    dispatcher.drain().await?;
    assert_eq!(sink.at("/h").len(), base + 2, "retried after the 500");
    app.clock.advance(chrono::Duration::seconds(60));
    dispatcher.drain().await?;
    assert_eq!(sink.at("/h").len(), base + 2, "Retry-After is honoured");
    app.clock.advance(chrono::Duration::seconds(70));
    dispatcher.drain().await?;
    let got = sink.at("/h");
    assert_eq!(got.len(), base + 3);
    let ids: Vec<Option<&str>> = got[base..].iter().map(|r| r.header("webhook-id")).collect();
    assert!(
        ids.iter().all(|i| *i == ids[0] && i.is_some()),
        "one webhook-id across retries: {ids:?}"
    );
    let history = attempts_of(&app, &receipt.publication_id).await?;
    let outcomes: Vec<(i32, &str)> = history.iter().map(|(n, o, _)| (*n, o.as_str())).collect();
    assert_eq!(outcomes, vec![(1, "retry"), (2, "retry"), (3, "sent")]);
    assert!(
        history[0]
            .2
            .as_deref()
            .is_some_and(|r| r.contains("HTTP 500"))
    );
    assert!(
        history[1]
            .2
            .as_deref()
            .is_some_and(|r| r.contains("HTTP 429"))
    );

    // Failing for good: the tenth consecutive failure, over an hour after the first,
    // quarantines it and mails its owner.
    sink.otherwise(Some(Answer::Status(503)));
    publish(&app, &op, outage("再発")).await?;
    let mut rounds = 0;
    loop {
        dispatcher.drain().await?;
        let hook = id.clone();
        let status = app
            .db(move |conn| {
                use api::schema::webhooks::dsl::*;
                use diesel::prelude::*;
                Ok(webhooks.find(hook).select(status).first::<String>(conn)?)
            })
            .await?;
        if status == "quarantined" {
            break;
        }
        rounds += 1;
        anyhow::ensure!(rounds < 12, "not quarantined after {rounds} rounds");
        app.clock.advance(chrono::Duration::hours(1));
    }
    // Hours went by: sign in again.
    let owner = shirase_tests::flows::token(&app, "owner@example.com").await?;
    let mine: Vec<DestinationView> = app
        .get("/api/v1/me/destinations", Some(&owner))
        .await?
        .json()?;
    assert_eq!(mine[0].status, shared::dto::DestinationStatus::Quarantined);
    // Operators see it among the stopped destinations, without its URL.
    let op = shirase_tests::flows::token(&app, "op@example.com").await?;
    let stopped = app.get("/api/v1/stopped-destinations", Some(&op)).await?;
    assert_eq!(stopped.status, 200, "{stopped:?}");
    assert_eq!(stopped.body["quarantined_webhooks"], 1);
    assert_eq!(stopped.body["webhooks"][0]["name"], mine[0].name.as_str());
    assert!(!stopped.body.to_string().contains(&sink.url("/h")));
    assert!(
        mine[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("HTTP 503")),
        "{mine:?}"
    );
    assert_eq!(
        sink.at("/h").len(),
        base + 3 + 10,
        "ten failed attempts, then no more"
    );
    dispatcher.drain().await?;
    // The delivery still due is refused without a request, and that refusal does not
    // replace the endpoint's own error, which its owner needs.
    app.clock.advance(chrono::Duration::hours(2));
    dispatcher.drain().await?;
    assert_eq!(sink.at("/h").len(), base + 3 + 10);
    let hook = id.clone();
    let last_error = app
        .db(move |conn| {
            use api::schema::webhooks::dsl::*;
            use diesel::prelude::*;
            Ok(webhooks
                .find(hook)
                .select(last_error)
                .first::<Option<String>>(conn)?)
        })
        .await?;
    assert!(
        last_error
            .as_deref()
            .is_some_and(|e| e.contains("HTTP 503")),
        "{last_error:?}"
    );
    let owner = shirase_tests::flows::token(&app, "owner@example.com").await?;
    let op = shirase_tests::flows::token(&app, "op@example.com").await?;
    let mails = app.smtp.to("owner@example.com");
    let notice = mails
        .iter()
        .find(|m| m.subject.contains("配信を停止"))
        .ok_or_else(|| anyhow::anyhow!("no quarantine mail"))?;
    assert!(notice.text.contains("運用"), "{}", notice.text);

    // Quarantined: out of the audience. Resumed: back in it.
    let (_, receipt) = publish(&app, &op, outage("三度目")).await?;
    assert_eq!(receipt.audience, 1, "the owner's address only");
    sink.otherwise(None);
    let res = app
        .post(
            &format!("/api/v1/me/destinations/{id}/resumption"),
            Some(&owner),
            json!({}),
        )
        .await?;
    assert_eq!(res.status, 200, "{res:?}");
    let (_, receipt) = publish(&app, &op, outage("四度目")).await?;
    assert_eq!(receipt.audience, 2);
    dispatcher.drain().await?;
    assert_eq!(
        sink.at("/h")
            .last()
            .and_then(|r| r.json().ok())
            .map(|b| b["type"].clone()),
        Some(json!("notice.published"))
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_retries_then_quarantine() -> anyhow::Result<()> {
    retries_then_quarantine(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_retries_then_quarantine() -> anyhow::Result<()> {
    retries_then_quarantine(Backend::Postgres).await
}

/// With private addresses refused (production's default), a webhook cannot be pointed at
/// loopback, a private network, the metadata service, or a name resolving to loopback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused() -> anyhow::Result<()> {
    let sink = HookSink::start().await?;
    let mode = Mode {
        webhook_guard: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, mode).await? else {
        return Ok(());
    };
    let owner = subscriber(&app, "owner@example.com").await?;
    let port = sink.port();
    for url in [
        format!("http://127.0.0.1:{port}/x"),
        "http://10.1.2.3/x".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        format!("http://localhost:{port}/x"),
        format!("http://[::1]:{port}/x"),
    ] {
        let created = add(
            &app,
            &owner,
            json!({"channel": "webhook", "name": "n", "url": url}),
        )
        .await?;
        assert!(!created.test.delivered, "{url}: {:?}", created.test);
        assert!(
            created
                .test
                .reply
                .as_deref()
                .is_some_and(|r| r.contains("may not")),
            "{url}: {:?}",
            created.test
        );
        let id = created.destination.id;
        app.call(
            reqwest::Method::DELETE,
            &format!("/api/v1/me/destinations/{id}"),
            Some(&owner),
            None,
        )
        .await?;
    }
    assert!(sink.at("/x").is_empty(), "nothing reached the sink");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_field_codes_and_nothing_written() -> anyhow::Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let owner = subscriber(&app, "owner@example.com").await?;
    let deliveries = shirase_tests::flows::count(&app, "deliveries").await?;
    let res = app
        .post(
            "/api/v1/me/destinations",
            Some(&owner),
            json!({
                "channel": "fax", "name": "x".repeat(81), "url": "not a url", "hours": [25],
                "maintenance": false, "outage": false,
            }),
        )
        .await?;
    assert_eq!(res.status, 400);
    let mut codes = res.field_errors()?;
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("channel".to_owned(), "unknown_channel".to_owned()),
            ("hours".to_owned(), "invalid_hour".to_owned()),
            ("maintenance".to_owned(), "no_kind".to_owned()),
            ("name".to_owned(), "too_long".to_owned()),
            ("url".to_owned(), "invalid_url".to_owned()),
        ]
    );
    let res = app
        .post("/api/v1/me/destinations", Some(&owner), json!({}))
        .await?;
    let mut codes = res.field_errors()?;
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("channel".to_owned(), "required".to_owned()),
            ("name".to_owned(), "required".to_owned()),
            ("url".to_owned(), "required".to_owned()),
        ]
    );
    assert_eq!(shirase_tests::flows::count(&app, "webhooks").await?, 0);
    assert_eq!(
        shirase_tests::flows::count(&app, "deliveries").await?,
        deliveries
    );

    // Production takes https only.
    let mode = Mode {
        production: true,
        ..Mode::default()
    };
    let Some(prod) = TestApp::spawn_with(Backend::Sqlite, mode).await? else {
        return Ok(());
    };
    let owner = subscriber(&prod, "owner@example.com").await?;
    let res = prod
        .post(
            "/api/v1/me/destinations",
            Some(&owner),
            json!({
                "channel": "slack", "name": "n", "url": "http://hooks.example.com/x",
            }),
        )
        .await?;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.field_errors()?,
        vec![("url".to_owned(), "https_required".to_owned())]
    );
    assert_eq!(shirase_tests::flows::count(&prod, "webhooks").await?, 0);
    Ok(())
}

/// How many deliveries `path` received, and for how many distinct destinations.
fn reached(sink: &HookSink, path: &str) -> (usize, usize) {
    let mut destinations: Vec<String> = sink
        .at(path)
        .iter()
        .filter_map(|r| r.json().ok())
        .map(|b| {
            b["data"]["destination_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let all = destinations.len();
    destinations.sort();
    destinations.dedup();
    (all, destinations.len())
}

/// Two dispatchers (two processes' worth) work one PostgreSQL ledger of 500 webhook
/// deliveries at once: each destination receives its delivery exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_dispatchers_deliver_each_webhook_once() -> anyhow::Result<()> {
    let sink = HookSink::start().await?;
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(Backend::Postgres, mode).await? else {
        return Ok(());
    };
    let op = meanwhile(&app, operator(&app, "op@example.com")).await?;
    let url = sink.url("/bulk");
    app.db(move |conn| fixtures::bulk_hooks(conn, A, 500, &url))
        .await?;
    let (_, receipt) = publish(&app, &op, outage("認証エラー")).await?;
    assert_eq!(receipt.audience, 500, "{receipt:?}");
    let drain = |d: api::delivery::dispatcher::Dispatcher| async move { d.drain().await };
    let one = tokio::spawn(drain(app.dispatcher(&app.smtp)?));
    let two = tokio::spawn(drain(app.dispatcher(&app.smtp)?));
    let (one, two) = (one.await??, two.await??);
    assert!(one + two >= 500, "{one} + {two}");
    assert_eq!(reached(&sink, "/bulk"), (500, 500));
    Ok(())
}

/// A dispatcher that dies in the middle of a webhook fan-out (its task dropped, leases and
/// all) loses nothing: once its leases run out another delivers every remaining one.
async fn a_killed_dispatcher_loses_no_webhook(backend: Backend) -> anyhow::Result<()> {
    let sink = HookSink::start().await?;
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(());
    };
    let op = meanwhile(&app, operator(&app, "op@example.com")).await?;
    let url = sink.url("/bulk");
    app.db(move |conn| fixtures::bulk_hooks(conn, A, 300, &url))
        .await?;
    let (_, receipt) = publish(&app, &op, outage("認証エラー")).await?;
    assert_eq!(receipt.audience, 300);
    let doomed = app.dispatcher(&app.smtp)?;
    let run = tokio::spawn(async move { doomed.drain().await });
    sink.wait_for("/bulk", 20).await?;
    run.abort();
    let _ = run.await;
    let before = sink.at("/bulk").len();
    assert!(
        before < 300,
        "the dispatcher died before finishing ({before})"
    );
    app.clock
        .advance(api::delivery::dispatcher::LEASE + chrono::Duration::seconds(1));
    app.dispatcher(&app.smtp)?.drain().await?;
    assert_eq!(
        reached(&sink, "/bulk").1,
        300,
        "every destination received its delivery"
    );
    let pending = app
        .db(|conn| {
            use api::schema::deliveries::dsl::*;
            use diesel::prelude::*;
            Ok(deliveries
                .filter(status.ne("sent"))
                .filter(channel.eq("webhook"))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await?;
    assert_eq!(pending, 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_killed_dispatcher_loses_no_webhook() -> anyhow::Result<()> {
    a_killed_dispatcher_loses_no_webhook(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_killed_dispatcher_loses_no_webhook() -> anyhow::Result<()> {
    a_killed_dispatcher_loses_no_webhook(Backend::Postgres).await
}
