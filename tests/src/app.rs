//! One running application per test.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use api::clock::ManualClock;
use api::config::{Environment, Secret, Settings};
use api::delivery::dispatcher::{CONCURRENCY, Dispatcher};
use api::delivery::email::Transport;
use api::startup::Application;
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::Problem;

use crate::smtp::SmtpSink;

pub type AppStateHandle = actix_web::web::Data<api::state::AppState>;

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("SHIRASE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where a test's database lives, removed when the test ends.
enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Drop for Database {
    fn drop(&mut self) {
        match self {
            Self::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Self::Postgres(name) => {
                let name = name.clone();
                // Not on the runtime: diesel's connection blocks.
                let _ = std::thread::spawn(move || {
                    if let Ok(mut admin) =
                        PgConnection::establish(&format!("{}/postgres", postgres_admin_url()))
                    {
                        let _ = diesel::sql_query(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        ))
                        .execute(&mut admin);
                    }
                })
                .join();
            }
        }
    }
}

/// How a test's application differs from the default (SMTP that accepts everything, a
/// dispatcher running in the process).
#[derive(Default)]
pub struct Mode {
    /// Mail goes to the dev mailbox instead of the SMTP sink.
    pub dev_mailbox: bool,
    /// The process sends nothing; the test runs dispatchers itself.
    pub no_dispatcher: bool,
    /// How the SMTP sink answers.
    pub smtp_script: Option<crate::smtp::Script>,
    /// Webhooks may not reach private addresses, as in production (tests otherwise point
    /// webhooks at servers on loopback).
    pub webhook_guard: bool,
    /// `SHIRASE_ENV=production`.
    pub production: bool,
    /// `GET /metrics` open to the bearer of [`METRICS_TOKEN`].
    pub metrics: bool,
    /// The test client (loopback) is a trusted proxy: its `X-Forwarded-For` names clients.
    pub behind_proxy: bool,
    /// `SHIRASE_BOUNCE_DOMAIN`: mails carry a return path that names their delivery.
    pub bounce_domain: Option<&'static str>,
}

/// The metrics token of an app started with `Mode { metrics: true, .. }`.
pub const METRICS_TOKEN: &str = "metrics-token-for-tests";

pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    pub clock: ManualClock,
    pub smtp: SmtpSink,
    pub http: reqwest::Client,
    pub state: AppStateHandle,
    _database: Database,
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn json<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_json::from_value(self.body.clone()).with_context(|| format!("body: {}", self.body))
    }

    pub fn problem(&self) -> anyhow::Result<Problem> {
        let ct = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        anyhow::ensure!(
            ct == "application/problem+json",
            "content type {ct:?} for {}",
            self.body
        );
        self.json()
    }

    /// The field codes of a validation problem, as `(field, code)` pairs, read from the
    /// body as sent (a code the client does not know still shows as itself).
    pub fn field_errors(&self) -> anyhow::Result<Vec<(String, String)>> {
        self.problem()?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        Ok(self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| (text(&e["field"]), text(&e["code"])))
                    .collect()
            })
            .unwrap_or_default())
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> anyhow::Result<Self> {
        Self::spawn_with(backend, Mode::default())
            .await?
            .context("PostgreSQL is not reachable")
    }

    /// `None` when PostgreSQL is unreachable outside CI (after saying so loudly).
    pub async fn spawn_postgres() -> anyhow::Result<Option<Self>> {
        Self::spawn_with(Backend::Postgres, Mode::default()).await
    }

    /// `None` for PostgreSQL when it is unreachable outside CI.
    pub async fn spawn_with(backend: Backend, mode: Mode) -> anyhow::Result<Option<Self>> {
        match backend {
            Backend::Sqlite => {
                let path =
                    std::env::temp_dir().join(format!("shirase-test-{}.db", uuid::Uuid::new_v4()));
                let url = format!("sqlite://{}", path.display());
                Self::start(Backend::Sqlite, url, Database::Sqlite(path), mode)
                    .await
                    .map(Some)
            }
            Backend::Postgres => Self::spawn_postgres_with(mode).await,
        }
    }

    async fn spawn_postgres_with(mode: Mode) -> anyhow::Result<Option<Self>> {
        let name = format!("shirase_test_{}", uuid::Uuid::new_v4().simple());
        let admin = format!("{}/postgres", postgres_admin_url());
        let created = {
            let name = name.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = PgConnection::establish(&admin)?;
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn)?;
                Ok(())
            })
            .await?
        };
        if let Err(e) = created {
            if std::env::var_os("CI").is_some() {
                return Err(e.context("PostgreSQL is required under CI"));
            }
            eprintln!(
                "\n!!!!!!!! SKIPPED: PostgreSQL at {} is not reachable ({e}). \
                 These tests did NOT run on PostgreSQL. !!!!!!!!\n",
                postgres_admin_url()
            );
            return Ok(None);
        }
        let url = format!("{}/{name}", postgres_admin_url());
        Self::start(Backend::Postgres, url, Database::Postgres(name), mode)
            .await
            .map(Some)
    }

    /// On SQLite, with mail going to the dev mailbox as on a newcomer's machine.
    pub async fn spawn_with_dev_mailbox() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("shirase-test-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}", path.display());
        let mode = Mode {
            dev_mailbox: true,
            ..Mode::default()
        };
        Self::start(Backend::Sqlite, url, Database::Sqlite(path), mode).await
    }

    async fn start(
        backend: Backend,
        database_url: String,
        database: Database,
        mode: Mode,
    ) -> anyhow::Result<Self> {
        api::telemetry::init_for_tests();
        let smtp = match mode.smtp_script {
            Some(script) => SmtpSink::start_with(script).await?,
            None => SmtpSink::start().await?,
        };
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let base = format!("http://127.0.0.1:{port}");
        let mut settings =
            test_settings(&base, database_url, (!mode.dev_mailbox).then(|| smtp.url()))?;
        settings.dispatch = !mode.no_dispatcher;
        settings.webhook_allow_private = !mode.webhook_guard;
        if mode.metrics {
            settings.metrics_token = Some(api::config::Secret::new(METRICS_TOKEN.to_owned()));
        }
        if mode.behind_proxy {
            settings.trusted_proxies = vec![std::net::Ipv4Addr::LOCALHOST.into()];
        }
        settings.bounce_domain = mode.bounce_domain.map(str::to_owned);
        if mode.production {
            settings.environment = api::config::Environment::Production;
        }
        let clock = ManualClock::new(chrono::Utc::now());
        let app = Application::build_on(listener, settings, Arc::new(clock.clone())).await?;
        let state = app.state();
        tokio::spawn(app.run_until_stopped());
        Ok(Self {
            base,
            backend,
            clock,
            smtp,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            state,
            _database: database,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends `body` (if any) as JSON with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<Answer> {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await?;
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<Answer> {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> anyhow::Result<Answer> {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// A dispatcher of its own on the application's database and clock, sending to `smtp`:
    /// what another `shirase` process would run.
    pub fn dispatcher(&self, smtp: &SmtpSink) -> anyhow::Result<Dispatcher> {
        api::startup::dispatcher_for(
            &self.state,
            Arc::new(self.clock.clone()),
            Some(Transport::smtp(&smtp.url(), CONCURRENCY)?),
            Arc::new(tokio::sync::Notify::new()),
        )
    }

    /// Kills a dispatcher (its task, stuck with deliveries in flight, is aborted: what dies
    /// with a process) and starts another on a healthy SMTP server: it takes none of the
    /// dead one's leased rows before their lease runs out, then, the clock moved past it,
    /// sends the rest. Returns the new server and how many it sent.
    pub async fn take_over<T>(
        &self,
        dead: tokio::task::JoinHandle<T>,
    ) -> anyhow::Result<(SmtpSink, usize)> {
        dead.abort();
        let _ = dead.await;
        let healthy = SmtpSink::start().await?;
        let successor = self.dispatcher(&healthy)?;
        anyhow::ensure!(
            successor.drain_once().await? == 0,
            "leased rows were taken before their lease ran out"
        );
        self.clock
            .advance(api::delivery::dispatcher::LEASE + chrono::Duration::seconds(1));
        let sent = successor.drain().await?;
        Ok((healthy, sent))
    }

    /// Runs `f` on a connection of the application's own pool.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut api::db::DbConnection) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.state.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut *pool.get()?)).await?
    }
}

/// Settings for a test instance: its own port, database and mail server, no throttling
/// surprises from other tests (each app has its own counters).
pub fn test_settings(
    base: &str,
    database_url: String,
    smtp_url: Option<String>,
) -> anyhow::Result<Settings> {
    Ok(Settings {
        database_url: Secret::new(database_url),
        listen: "127.0.0.1:0".into(),
        public_url: base.parse()?,
        smtp_url: smtp_url.map(Secret::new),
        mail_from: "Shirase <no-reply@shirase.test>".into(),
        jwt_secret: Secret::new(uuid::Uuid::new_v4().simple().to_string().repeat(2)),
        environment: Environment::Development,
        rate_limits: true,
        web_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")),
        access_token_ttl: Duration::from_secs(15 * 60),
        refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
        outbox_poll_interval: Duration::from_millis(200),
        max_recipients: 10,
        dispatch: true,
        webhook_allow_private: true,
        metrics_token: None,
        trusted_proxies: Vec::new(),
        delivery_retention: chrono::Duration::days(api::config::DEFAULT_RETENTION_DAYS),
        bounce_domain: None,
    })
}
