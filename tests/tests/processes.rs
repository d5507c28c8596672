//! What only separate `shirase` processes show: stopping one (SIGTERM) in the middle of a
//! fan-out, and rate limits and logouts that hold across several on one PostgreSQL database.

use std::time::Duration;

use serde_json::json;
use shirase_tests::flows::{customer, publish};
use shirase_tests::hooks::Answer;
use shirase_tests::process::Process;
use shirase_tests::{Backend, HookSink, Mode, TestApp, fixtures};

const PRODUCT: &str = "id-federation";
const DESTINATIONS: usize = 600;

/// A process stopped mid fan-out exits cleanly, what it had in flight is delivered once, and
/// what it had claimed but not attempted is handed back at once, so another process delivers
/// the rest without waiting for a lease to expire.
async fn sigterm_hands_the_fan_out_over(backend: Backend) -> anyhow::Result<()> {
    // A slow endpoint (50 ms an answer, 8 in flight): the fan-out takes seconds.
    let sink = HookSink::start().await?;
    sink.otherwise(Some(Answer::Slow(Duration::from_millis(50))));
    // The other process: the test runs its dispatcher, on a clock that stands still, so
    // only deliveries handed back (not ones whose lease ran out) are there for it to take.
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(backend, mode).await? else {
        return Ok(());
    };
    let op = shirase_tests::flows::operator_meanwhile(&app, "op@example.com").await?;
    let url = sink.url("/hook");
    app.db(move |conn| fixtures::bulk_hooks(conn, PRODUCT, DESTINATIONS as u32, &url))
        .await?;

    let database_url = app.state.settings.database_url.expose().to_owned();
    let mut stopped = Process::start(&database_url, &[]).await?;
    let (_, receipt) = publish(
        &app,
        &op,
        json!({
            "kind": "outage", "products": [PRODUCT], "title_ja": "認証エラー",
            "body_ja": "現在、認証エラーが発生しています。", "starts_at": "2026-12-02T01:00:00Z",
        }),
    )
    .await?;
    assert_eq!(receipt.audience, DESTINATIONS as i64);
    // The process is delivering (it wakes on its poll interval): stop it mid-way.
    sink.wait_for("/hook", 40).await?;
    stopped.terminate()?;
    let status = stopped.wait().await?;
    let log = stopped.log();
    assert!(status.success(), "exit status {status}; log:\n{log}");
    assert!(
        log.contains("claimed deliveries released"),
        "it released what it had claimed; log:\n{log}"
    );
    let by_stopped = sink.at("/hook").len();
    assert!(
        by_stopped < DESTINATIONS,
        "the process was stopped before it finished ({by_stopped})"
    );

    let taken = app.dispatcher(&app.smtp)?.drain().await?;
    assert!(taken > 0, "the rest was free to take at once");
    let received = sink.at("/hook");
    let mut ids: Vec<String> = received
        .iter()
        .filter_map(|r| r.header("webhook-id").map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), DESTINATIONS, "one request a destination");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), DESTINATIONS, "no delivery twice");
    let unsent = app
        .db(|conn| {
            use api::schema::deliveries::dsl::*;
            use diesel::prelude::*;
            Ok(deliveries
                .filter(status.ne("sent"))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await?;
    assert_eq!(unsent, 0, "every delivery is recorded as sent");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sigterm_hands_the_fan_out_over() -> anyhow::Result<()> {
    sigterm_hands_the_fan_out_over(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sigterm_hands_the_fan_out_over() -> anyhow::Result<()> {
    sigterm_hands_the_fan_out_over(Backend::Postgres).await
}

/// Three processes on one database, no balancer: failed logins for one address spread over
/// them are counted together, and the sixth is refused whichever process gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_login_limits_hold_across_processes() -> anyhow::Result<()> {
    let Some(app) = TestApp::spawn_postgres().await? else {
        return Ok(());
    };
    let database_url = app.state.settings.database_url.expose().to_owned();
    let mut processes = Vec::new();
    for _ in 0..3 {
        processes.push(Process::start(&database_url, &[("SHIRASE_DISPATCH", "off")]).await?);
    }
    let client = reqwest::Client::new();
    let login = |process: &Process, password: &str| {
        client
            .post(format!("{}/api/v1/sessions", process.base))
            .json(&json!({"email": "victim@example.com", "password": password}))
            .send()
    };
    for attempt in 0..5 {
        let res = login(
            &processes[attempt % 3],
            &format!("wrong-password-{attempt}"),
        )
        .await?;
        assert_eq!(res.status(), 401, "failure {} is answered", attempt + 1);
    }
    // The third process has seen one failure itself; the database has seen five.
    let refused = login(&processes[2], "wrong-password-5").await?;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    assert!(
        (1..=15 * 60).contains(&retry_after),
        "Retry-After within the 15-minute window: {retry_after}"
    );
    // The other two refuse it too, and another address is not affected.
    for process in &processes[..2] {
        assert_eq!(login(process, "wrong-password-6").await?.status(), 429);
    }
    let other = client
        .post(format!("{}/api/v1/sessions", processes[0].base))
        .json(&json!({"email": "someone-else@example.com", "password": "wrong-password"}))
        .send()
        .await?;
    assert_eq!(other.status(), 401);
    // The windows hold no address in clear.
    let keys = app
        .db(|conn| {
            use api::schema::rate_limits::dsl::*;
            use diesel::prelude::*;
            Ok(rate_limits.select(key_hash).load::<String>(conn)?)
        })
        .await?;
    assert!(!keys.is_empty());
    assert!(
        keys.iter()
            .all(|k| !k.contains('@') && !k.contains("127.0.0.1"))
    );
    Ok(())
}

/// Two processes on one PostgreSQL database, each keeping the sessions it authenticated in
/// memory: a logout through one ends the session in the other, which does not wait for its
/// copy to age out (5 s) but hears of the change from the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_logout_through_one_process_ends_the_session_in_another() -> anyhow::Result<()> {
    let Some(app) = TestApp::spawn_postgres().await? else {
        return Ok(());
    };
    let database_url = app.state.settings.database_url.expose().to_owned();
    // One signing key, as processes behind one balancer share.
    let secret = app.state.settings.jwt_secret.expose().to_owned();
    let other = Process::start(
        &database_url,
        &[("SHIRASE_DISPATCH", "off"), ("SHIRASE_JWT_SECRET", &secret)],
    )
    .await?;
    let tokens = customer(&app, "two-places@example.com").await?;
    let client = reqwest::Client::new();
    let me = || {
        client
            .get(format!("{}/api/v1/me", other.base))
            .bearer_auth(&tokens.access_token)
            .send()
    };
    // Kept in the other process's memory from the first answer on.
    for _ in 0..3 {
        assert_eq!(me().await?.status(), 200);
    }
    let res = app
        .call(
            reqwest::Method::DELETE,
            "/api/v1/sessions/current",
            Some(&tokens.access_token),
            None,
        )
        .await?;
    assert_eq!(res.status, 204);
    // The notification reaches the other process's listener within its poll (2 ms); the
    // loop only bounds how long a broken listener would keep the test waiting.
    let mut ended = None;
    for attempt in 0..200 {
        if me().await?.status() == 401 {
            ended = Some(attempt);
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        ended.is_some(),
        "the other process still accepts the session 1 s after the logout; its log:\n{}",
        other.log()
    );
    Ok(())
}

/// Published `notice`s: how many publications the notice has, and how many deliveries its
/// first one queued.
async fn publications_of(app: &TestApp, notice: &str) -> anyhow::Result<(i64, i64)> {
    let notice = notice.to_owned();
    app.db(move |conn| {
        use api::schema::{deliveries, publications};
        use diesel::prelude::*;
        let ids: Vec<String> = publications::table
            .filter(publications::notice_id.eq(&notice))
            .select(publications::id)
            .load(conn)?;
        let queued = deliveries::table
            .filter(deliveries::publication_id.eq_any(&ids))
            .count()
            .get_result::<i64>(conn)?;
        Ok((ids.len() as i64, queued))
    })
    .await
}

/// Waits (15 s at most) until the notice has a publication.
async fn until_published(app: &TestApp, notice: &str) -> anyhow::Result<(i64, i64)> {
    for _ in 0..150 {
        let seen = publications_of(app, notice).await?;
        if seen.0 > 0 {
            return Ok(seen);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{notice} was not published")
}

/// A scheduled draft is published by one of two processes on one PostgreSQL database, once;
/// one whose time passed while no process ran is published by the next to start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_scheduled_notice_is_published_once_across_processes_and_restarts()
-> anyhow::Result<()> {
    let mode = Mode {
        no_dispatcher: true,
        ..Mode::default()
    };
    let Some(app) = TestApp::spawn_with(Backend::Postgres, mode).await? else {
        return Ok(());
    };
    // The processes keep real time; the test's application checks `publish_at` against it.
    app.clock.set(chrono::Utc::now());
    // The sign-up's mail, through a dispatcher of the test's own while it lasts.
    let op = shirase_tests::flows::operator_meanwhile(&app, "op@example.com").await?;
    app.db(|conn| {
        let account = fixtures::account(conn, "acc@example.com")?;
        fixtures::subscribe(conn, &account, PRODUCT, false, true)?;
        for email in ["a@example.com", "b@example.com", "c@example.com"] {
            fixtures::address(conn, &account, fixtures::Address::new(email))?;
        }
        Ok(())
    })
    .await?;
    let scheduled = |title: &'static str, after: chrono::Duration| {
        let (app, op) = (&app, op.clone());
        async move {
            let res = app
                .post(
                    "/api/v1/notices",
                    Some(&op),
                    json!({
                        "kind": "outage", "products": [PRODUCT], "title_ja": title,
                        "body_ja": "調査中です。", "starts_at": "2026-12-02T01:00:00Z",
                    }),
                )
                .await?;
            let id = res.body["id"].as_str().unwrap_or_default().to_owned();
            let at = (chrono::Utc::now() + after).to_rfc3339();
            let res = app
                .call(
                    reqwest::Method::PUT,
                    &format!("/api/v1/notices/{id}/schedule"),
                    Some(&op),
                    Some(json!({ "publish_at": at })),
                )
                .await?;
            anyhow::ensure!(res.status == 200, "{res:?}");
            anyhow::Ok(id)
        }
    };

    let database_url = app.state.settings.database_url.expose().to_owned();
    let mut first = Process::start(&database_url, &[]).await?;
    let mut second = Process::start(&database_url, &[]).await?;
    let both = scheduled("二つのプロセス", chrono::Duration::seconds(2)).await?;
    assert_eq!(until_published(&app, &both).await?, (1, 3));
    // Both schedulers have looked again since (each looks every second).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        publications_of(&app, &both).await?,
        (1, 3),
        "published once"
    );
    let logs = [first.log(), second.log()];
    let publishers = logs
        .iter()
        .filter(|l| l.contains("scheduled notice published"))
        .count();
    assert_eq!(publishers, 1, "{logs:?}");

    // Due while nothing runs: published when a process starts.
    let late = scheduled("再起動", chrono::Duration::seconds(2)).await?;
    for p in [&first, &second] {
        p.terminate()?;
    }
    assert!(first.wait().await?.success(), "{}", first.log());
    assert!(second.wait().await?.success(), "{}", second.log());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(publications_of(&app, &late).await?, (0, 0));
    let mut third = Process::start(&database_url, &[]).await?;
    assert_eq!(until_published(&app, &late).await?, (1, 3));
    third.terminate()?;
    assert!(third.wait().await?.success(), "{}", third.log());
    Ok(())
}
