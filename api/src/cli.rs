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
    let domain = settings
        .public_url
        .host_str()
        .unwrap_or("shirase.localhost");
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
