//! The `shirase` command line.

use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use shared::domain::EmailAddress;

use crate::clock::SystemClock;
use crate::config::Settings;
use crate::models::account::{Account, ROLE_CUSTOMER, ROLE_OPERATOR};
use crate::startup::Application;
use crate::{db, openapi, telemetry};

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
    /// Print the OpenAPI document (YAML).
    Openapi,
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
        Command::Openapi => {
            let yaml = openapi::yaml()?;
            std::io::Write::write_all(&mut std::io::stdout(), yaml.as_bytes())?;
            Ok(())
        }
    }
}
