//! The `shirase` command line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use shared::domain::EmailAddress;
use shared::dto::{NoticeDraftRequest, NoticeUpdateRequest};

use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::error::ApiError;
use crate::models::account::{Account, ROLE_CUSTOMER, ROLE_OPERATOR};
use crate::startup::Application;
use crate::{db, openapi, services, telemetry};

#[derive(Parser)]
#[command(
    name = "shirase",
    version,
    about = "Maintenance and outage notices by email"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Grant or revoke the operator role.
    Operator {
        #[command(subcommand)]
        action: OperatorAction,
    },
    /// Draft, publish and update notices (the same rules as the API's operator endpoints).
    Notice {
        #[command(subcommand)]
        action: NoticeAction,
    },
    /// Read one bounce report (an RFC 3464 delivery status notification) on standard input
    /// and apply it, as `POST /api/v1/bounces` does: for a mail server to pipe its bounce
    /// mailbox to. Exits 0 when the report was understood, 65 (EX_DATAERR) when it is not
    /// a report or names no delivery of ours (nothing is changed), 75 (EX_TEMPFAIL) when the
    /// database could not be reached, so that the mail server tries again later.
    Bounce,
    /// Print the OpenAPI document (YAML).
    Openapi,
}

#[derive(Subcommand)]
enum NoticeAction {
    /// Create a draft from JSON shaped like `POST /api/v1/notices` (`-` reads stdin);
    /// prints the notice.
    Create {
        file: PathBuf,
        /// The operator the draft is recorded as created by.
        #[arg(long)]
        by: String,
    },
    /// Publish a draft: its audience's mails are queued; prints the receipt.
    Publish { id: String },
    /// Publish a follow-up from JSON shaped like `POST /api/v1/notices/{id}/updates`.
    Update { id: String, file: PathBuf },
}

#[derive(Subcommand)]
enum OperatorAction {
    Grant { email: String },
    Revoke { email: String },
}

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            telemetry::init();
            let settings = Settings::from_env()?;
            let app = Application::build(settings, Arc::new(SystemClock)).await?;
            app.run_until_stopped().await
        }
        Command::Operator { action } => {
            let settings = Settings::from_env()?;
            let (email, role) = match &action {
                OperatorAction::Grant { email } => (email, ROLE_OPERATOR),
                OperatorAction::Revoke { email } => (email, ROLE_CUSTOMER),
            };
            let email = EmailAddress::parse(email)
                .map_err(|code| anyhow::anyhow!("not an email address ({code})"))?;
            let url = settings.database_url.expose().to_owned();
            let (pool, _) = db::connect(&url)?;
            let mut conn = pool.get().context("connecting to the database")?;
            if Account::set_role(&mut conn, email.as_str(), role)? == 0 {
                bail!("no account has the address {}", email.masked());
            }
            eprintln!("{}: role is now {role}", email.masked());
            Ok(())
        }
        Command::Notice { action } => notice(action),
        Command::Bounce => {
            let code = bounce();
            std::process::exit(code);
        }
        Command::Openapi => {
            let yaml = openapi::yaml()?;
            std::io::Write::write_all(&mut std::io::stdout(), yaml.as_bytes())?;
            Ok(())
        }
    }
}

/// Runs against the database the server uses; a running server's dispatcher picks the
/// queued mails up at its next poll.
fn notice(action: NoticeAction) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let (pool, _) = db::connect(settings.database_url.expose())?;
    let mut conn = pool.get().context("connecting to the database")?;
    let now = SystemClock.now().naive_utc();
    let domain = settings.message_domain();
    let domain = domain.as_str();
    let output = match action {
        NoticeAction::Create { file, by } => {
            let request: NoticeDraftRequest = read_json(&file)?;
            let email = EmailAddress::parse(&by)
                .map_err(|code| anyhow::anyhow!("--by is not an email address ({code})"))?;
            let operator = Account::find_by_email(&mut conn, email.as_str())?
                .filter(Account::is_operator)
                .ok_or_else(|| anyhow::anyhow!("{} is not an operator", email.masked()))?;
            let view = services::notices::create_draft(&mut conn, &request, &operator.id, now)
                .map_err(explain)?;
            serde_json::to_string_pretty(&view)?
        }
        NoticeAction::Publish { id } => {
            let receipt =
                services::notices::publish_draft(&mut conn, &id, domain, now).map_err(explain)?;
            serde_json::to_string_pretty(&receipt)?
        }
        NoticeAction::Update { id, file } => {
            let request: NoticeUpdateRequest = read_json(&file)?;
            let receipt = services::notices::publish_update(&mut conn, &id, &request, domain, now)
                .map_err(explain)?;
            serde_json::to_string_pretty(&receipt)?
        }
    };
    let mut stdout = std::io::stdout();
    std::io::Write::write_all(&mut stdout, output.as_bytes())?;
    std::io::Write::write_all(&mut stdout, b"\n")?;
    Ok(())
}

/// `shirase bounce`: the exit status is what the mail server piping to it acts on.
fn bounce() -> i32 {
    const EX_DATAERR: i32 = 65;
    const EX_TEMPFAIL: i32 = 75;
    const EX_CONFIG: i32 = 78;
    let mut raw = Vec::new();
    let limit = services::bounces::MAX_REPORT as u64;
    if let Err(e) = std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin(), limit + 1),
        &mut raw,
    ) {
        eprintln!("shirase bounce: reading standard input: {e}");
        return EX_TEMPFAIL;
    }
    if raw.len() as u64 > limit {
        eprintln!("shirase bounce: a report may be at most 4 MiB");
        return EX_DATAERR;
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("shirase bounce: {e:#}");
            return EX_CONFIG;
        }
    };
    let templates = match crate::mail::templates::Templates::load() {
        Ok(t) => Arc::new(t),
        Err(e) => {
            eprintln!("shirase bounce: {e:#}");
            return EX_CONFIG;
        }
    };
    let health = crate::delivery::health::Health::new(templates, &settings);
    let matching = services::bounces::Matching {
        bounce_domain: settings.bounce_domain.as_deref(),
        message_domain: &health.message_domain,
    };
    let conn = db::connect(settings.database_url.expose())
        .and_then(|(pool, _)| pool.get().context("connecting to the database"));
    let mut conn = match conn {
        Ok(c) => c,
        Err(e) => {
            eprintln!("shirase bounce: {e:#}");
            return EX_TEMPFAIL;
        }
    };
    let now = SystemClock.now().naive_utc();
    match services::bounces::apply(&mut conn, &raw, &matching, &health, now) {
        Ok(receipt) => {
            let json = serde_json::to_string_pretty(&receipt).unwrap_or_default();
            let _ =
                std::io::Write::write_all(&mut std::io::stdout(), format!("{json}\n").as_bytes());
            0
        }
        Err(services::bounces::Refused::Database(e)) => {
            eprintln!("shirase bounce: {e}");
            EX_TEMPFAIL
        }
        Err(refused) => {
            eprintln!("shirase bounce: not applied: {refused}");
            EX_DATAERR
        }
    }
}

fn read_json<T: serde::de::DeserializeOwned>(file: &Path) -> anyhow::Result<T> {
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?
    };
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not the expected JSON", file.display()))
}

/// The API's problem as a command-line error: validation lists each `field: code`.
fn explain(e: ApiError) -> anyhow::Error {
    match e {
        ApiError::Validation(errors) => {
            let fields: Vec<String> = errors
                .0
                .iter()
                .map(|f| format!("{}: {}", f.field, f.code))
                .collect();
            anyhow::anyhow!("invalid: {}", fields.join(", "))
        }
        other => anyhow::Error::new(other),
    }
}
