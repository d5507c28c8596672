//! Builds the application: database, mail dispatcher and HTTP server on one listener.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use lettre::message::Mailbox;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::delivery::dispatcher::{CONCURRENCY, Dispatcher};
use crate::delivery::email::{EmailChannel, Transport};
use crate::delivery::health::Health;
use crate::delivery::webhook::HookSender;
use crate::document_cache::{ACCOUNTS_CHANNEL, Document, DocumentCache, PUBLIC_CHANNEL};
use crate::error::ApiError;
use crate::listener::Invalidate;
use crate::mail::Templates;
use crate::mail::notice_mail::NoticeMailer;
use crate::mail::unsubscribe::UnsubscribeKey;
use crate::openapi::api_scope;
use crate::services::scheduler::Scheduler;
use crate::session_cache::SessionCache;
use crate::state::AppState;
use crate::throttle::Throttle;
use crate::{db, routes, spa, telemetry};

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    dispatcher: JoinHandle<()>,
    shutdown: watch::Sender<bool>,
}

impl Application {
    /// Connects, migrates, binds `settings.listen` (port 0 picks a free port) and starts the
    /// dispatcher. The server runs once `run_until_stopped` is awaited.
    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.listen)
            .with_context(|| format!("binding {}", settings.listen))?;
        Self::build_on(listener, settings, clock).await
    }

    /// Like `build`, on a listener the caller bound (and so knows the port of).
    pub async fn build_on(
        listener: TcpListener,
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let url = settings.database_url.expose().to_owned();
        let now = clock.now().naive_utc();
        let (pool, backend) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let (pool, backend) = db::connect(&url)?;
            let added = crate::models::catalog::seed(&mut *pool.get()?, now)?;
            if added > 0 {
                tracing::info!(added, "sample catalog entries added");
            }
            Ok((pool, backend))
        })
        .await??;
        let transport = match &settings.smtp_url {
            Some(url) => Some(Transport::smtp(url.expose(), CONCURRENCY)?),
            None => None,
        };
        let _: Mailbox = settings.mail_from.parse().context("SHIRASE_MAIL_FROM")?;
        if settings.metrics_token.is_some() {
            crate::metrics::handle();
        }
        let wakeup = Arc::new(Notify::new());
        let public = Arc::new(DocumentCache::public());
        let accounts = Arc::new(DocumentCache::accounts());
        let sessions = Arc::new(SessionCache::default());
        if backend == db::Backend::Postgres {
            let public_changes: Arc<dyn Invalidate> = public.clone();
            let account_changes: Arc<dyn Invalidate> = accounts.clone();
            let session_changes: Arc<dyn Invalidate> = sessions.clone();
            crate::listener::listen(
                settings.database_url.expose().to_owned(),
                vec![
                    (PUBLIC_CHANNEL, Arc::downgrade(&public_changes)),
                    // Accounts' lists name catalog entries and hold account data.
                    (ACCOUNTS_CHANNEL, Arc::downgrade(&account_changes)),
                    (PUBLIC_CHANNEL, Arc::downgrade(&account_changes)),
                    (
                        crate::session_cache::CHANNEL,
                        Arc::downgrade(&account_changes),
                    ),
                    (
                        crate::session_cache::CHANNEL,
                        Arc::downgrade(&session_changes),
                    ),
                ],
            );
        }
        let state = web::Data::new(AppState {
            public,
            accounts,
            sessions,
            db_slots: Arc::new(tokio::sync::Semaphore::new(pool.max_size() as usize + 3)),
            db_waiting: Default::default(),
            pool: pool.clone(),
            throttle: Throttle::for_database(
                settings.rate_limits,
                clock.clone(),
                pool.clone(),
                backend,
            ),
            jwt: JwtKeys::new(settings.jwt_secret.expose()),
            unsubscribe: UnsubscribeKey::derive(settings.jwt_secret.expose()),
            templates: Arc::new(Templates::load()?),
            outbox_wakeup: wakeup.clone(),
            dispatcher_running: Default::default(),
            hooks: Arc::new(HookSender::new(
                settings.webhook_allow_private,
                settings.environment.is_production(),
            )?),
            clock: clock.clone(),
            settings,
        });

        let (shutdown, shutdown_rx) = watch::channel(false);
        let scheduler = Scheduler {
            pool: state.pool.clone(),
            clock: clock.clone(),
            message_domain: state.message_domain(),
            public: state.public.clone(),
            accounts: state.accounts.clone(),
            wakeup: wakeup.clone(),
            poll_interval: state.settings.outbox_poll_interval,
        };
        let dispatcher = dispatcher_for(&state, clock, transport, wakeup)?;
        let dispatcher = if state.settings.dispatch {
            let running = Running::mark(state.dispatcher_running.clone());
            let scheduler_rx = shutdown_rx.clone();
            tokio::spawn(async move {
                let _running = running;
                tokio::join!(dispatcher.run(shutdown_rx), scheduler.run(scheduler_rx));
            })
        } else {
            tracing::info!(
                "SHIRASE_DISPATCH=off: this process sends no mail and publishes no scheduled notice"
            );
            tokio::spawn(async {})
        };

        let port = listener.local_addr()?.port();
        let server = server(listener, state.clone())?;
        tracing::info!(port, ?backend, "shirase listening");
        Ok(Self {
            port,
            server,
            state,
            dispatcher,
            shutdown,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGTERM or SIGINT. Then, at once: no new connections are accepted and
    /// requests in progress get `SHUTDOWN_GRACE` to finish; the dispatcher claims nothing
    /// more, lets the attempts in flight end and be recorded, and releases the deliveries it
    /// claimed but did not attempt, so that another process takes them without waiting for
    /// their lease to run out.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Self {
            server,
            dispatcher,
            shutdown,
            ..
        } = self;
        let handle = server.handle();
        let mut server = std::pin::pin!(server);
        let served = tokio::select! {
            served = &mut server => served,
            () = stop_signal() => {
                tracing::info!("stopping: finishing requests and deliveries in progress");
                let _ = shutdown.send(true);
                // The server future carries out the stop: poll it while waiting.
                let ((), served) = tokio::join!(handle.stop(true), server);
                served
            }
        };
        let _ = shutdown.send(true);
        dispatcher.await?;
        tracing::info!("stopped");
        Ok(served?)
    }
}

/// How long requests in progress may take to finish once the process is told to stop.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Resolves on SIGTERM (orchestrators, systemd) or SIGINT (Ctrl-C); never where neither
/// can be listened for.
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIGTERM cannot be listened for");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Marks the dispatcher as running for as long as it lives: its task's end, a panic
/// included, drops this and clears the mark.
struct Running(Arc<AtomicBool>);

impl Running {
    fn mark(flag: Arc<AtomicBool>) -> Self {
        flag.store(true, Ordering::Release);
        Self(flag)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

fn server(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let spa = spa::Spa::locate(&state.settings.web_dir);
    // The document is the same for every worker: made once, shared. (Each worker's utoipa
    // app describes its routes again as they are registered; that description is dropped.)
    let published =
        serde_json::to_vec(&crate::openapi::published()).context("writing the OpenAPI document")?;
    let document = web::Data::new(routes::openapi_document::PublishedDocument(Document::new(
        published,
        "application/json",
    )));
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .app_data(state.clone())
            .app_data(json_config())
            .app_data(path_config())
            .app_data(query_config())
            .service(api_scope())
            .split_for_parts();
        app.app_data(document.clone())
            .service(routes::openapi_document::openapi_document)
            .service(routes::docs_redirect::docs_redirect)
            .service(
                SwaggerUi::new("/api/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/api/openapi.json")),
            )
            .service(web::scope("/api").default_service(web::to(crate::error::api_not_found)))
            .service(routes::health::live::healthz)
            .service(routes::health::ready::readyz)
            .service(routes::health::metrics::metrics)
            // Scopes, so that a path outside them (the SPA's) is turned away by one prefix
            // instead of each route's pattern.
            .service(
                web::scope("/dev")
                    .service(routes::dev_mailbox::list)
                    .service(routes::dev_mailbox::show),
            )
            .service(
                web::scope("/feeds")
                    .configure(routes::configure_feeds)
                    // Every other path under /feeds is no feed: a 404, not the SPA's shell.
                    .default_service(web::to(crate::error::api_not_found)),
            )
            .configure(|cfg| spa.configure(cfg))
            .wrap(from_fn(routes::cache::invalidate_after_writes))
            .wrap(from_fn(crate::compress::compress))
            .wrap(
                DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    // Links carry tokens in their query: never leak them to other sites.
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    .add((header::X_FRAME_OPTIONS, "SAMEORIGIN")),
            )
            .wrap(from_fn(telemetry::log_request))
    })
    // Stopping is ours (`run_until_stopped`): the dispatcher is told at the same moment.
    .disable_signals()
    .shutdown_timeout(SHUTDOWN_GRACE.as_secs())
    .listen(listener)?
    .run();
    Ok(server)
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|err, _req| ApiError::malformed(err.to_string()).into())
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _req| ApiError::malformed(err.to_string()).into())
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| ApiError::not_found("Not found.").into())
}

/// A dispatcher for the application's database, clock and settings, mailing over
/// `email` (`None`: the dev mailbox).
pub fn dispatcher_for(
    state: &AppState,
    clock: Arc<dyn Clock>,
    email: Option<Transport>,
    wakeup: Arc<Notify>,
) -> anyhow::Result<Dispatcher> {
    let settings = &state.settings;
    let notices = Arc::new(NoticeMailer::new(
        state.templates.clone(),
        state.unsubscribe.clone(),
        settings.public_url.as_str(),
    ));
    let from: Mailbox = settings.mail_from.parse()?;
    Ok(Dispatcher {
        pool: state.pool.clone(),
        clock,
        email: Arc::new(EmailChannel {
            transport: email.unwrap_or_else(|| Transport::DevMailbox(state.pool.clone())),
            from,
            notices: notices.clone(),
            bounce_domain: settings.bounce_domain.clone(),
            list_id: crate::delivery::email::list_id(&settings.message_domain()),
        }),
        hooks: Arc::new(HookSender::new(
            settings.webhook_allow_private,
            settings.environment.is_production(),
        )?),
        notices,
        health: Arc::new(Health::new(state.templates.clone(), settings)),
        public_url: settings.base_url(),
        wakeup,
        poll_interval: settings.outbox_poll_interval,
        retention: settings.delivery_retention,
        destinations_changed: Some(state.accounts.clone()),
    })
}
