//! Settings, read from `SHIRASE_*` environment variables over sensible development defaults.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use rand::RngCore;
use url::Url;

/// A secret that never shows in logs or debug output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn is_production(self) -> bool {
        self == Self::Production
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: Secret,
    pub listen: String,
    pub public_url: Url,
    /// `None`: mails go to the dev mailbox at `/dev/mailbox`.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub jwt_secret: Secret,
    pub environment: Environment,
    pub rate_limits: bool,
    /// The built SPA (`trunk build` output).
    pub web_dir: PathBuf,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// How many delivery addresses one account may keep.
    pub max_recipients: i64,
    /// How often an idle dispatcher looks for due mail written by other processes.
    pub outbox_poll_interval: Duration,
    /// Whether this process drains the outbox (`SHIRASE_DISPATCH=off` makes an HTTP-only
    /// process; some process on the database must dispatch).
    pub dispatch: bool,
    /// Webhooks may go to loopback and private addresses (`SHIRASE_WEBHOOK_ALLOW_PRIVATE=on`,
    /// for development and tests; never in production).
    pub webhook_allow_private: bool,
    /// The bearer token `GET /metrics` asks for (`SHIRASE_METRICS_TOKEN`); without one the
    /// endpoint does not exist.
    pub metrics_token: Option<Secret>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`SHIRASE_TRUSTED_PROXIES`,
    /// addresses separated by commas); from any other peer the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How long the delivery history is kept (`SHIRASE_DELIVERY_RETENTION_DAYS`, default
    /// 400): the dispatcher deletes older deliveries and their attempts, a batch at a time.
    pub delivery_retention: chrono::Duration,
    /// The domain of the return path (`SHIRASE_BOUNCE_DOMAIN`): when set, each mail is sent
    /// with the envelope sender `bounces+<delivery id>@<domain>`, so that a bounce returned
    /// later names the delivery it is about.
    pub bounce_domain: Option<String>,
}

/// A little over a year: last year's notices for the same maintenance stay readable.
pub const DEFAULT_RETENTION_DAYS: i64 = 400;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        let environment = match var("SHIRASE_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => bail!("SHIRASE_ENV must be development or production, not {other:?}"),
        };
        let var_dir = PathBuf::from(var("SHIRASE_VAR_DIR").unwrap_or_else(|| "var".into()));
        let database_url = var("SHIRASE_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/shirase.db", var_dir.display()));
        let smtp_url = var("SHIRASE_SMTP_URL").map(Secret::new);
        let jwt_secret = match (var("SHIRASE_JWT_SECRET"), environment) {
            (Some(s), _) if s.len() >= 32 => Secret::new(s),
            (Some(_), _) => bail!("SHIRASE_JWT_SECRET must be at least 32 characters"),
            (None, Environment::Production) => {
                bail!("SHIRASE_JWT_SECRET is required when SHIRASE_ENV=production")
            }
            (None, Environment::Development) => development_secret(&var_dir)?,
        };
        if environment == Environment::Production && smtp_url.is_none() {
            bail!("SHIRASE_SMTP_URL is required when SHIRASE_ENV=production (no dev mailbox)");
        }
        let public_url =
            var("SHIRASE_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:8080".into());
        let rate_limits = match var("SHIRASE_RATE_LIMITS").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => bail!("SHIRASE_RATE_LIMITS must be on or off, not {other:?}"),
        };
        let dispatch = match var("SHIRASE_DISPATCH").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => bail!("SHIRASE_DISPATCH must be on or off, not {other:?}"),
        };
        let webhook_allow_private = match var("SHIRASE_WEBHOOK_ALLOW_PRIVATE").as_deref() {
            None | Some("off") => false,
            Some("on") if environment == Environment::Production => {
                bail!("SHIRASE_WEBHOOK_ALLOW_PRIVATE=on is refused when SHIRASE_ENV=production")
            }
            Some("on") => true,
            Some(other) => bail!("SHIRASE_WEBHOOK_ALLOW_PRIVATE must be on or off, not {other:?}"),
        };
        Ok(Self {
            dispatch,
            webhook_allow_private,
            database_url: Secret::new(database_url),
            trusted_proxies: var("SHIRASE_TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse().with_context(|| {
                        format!("SHIRASE_TRUSTED_PROXIES: {a:?} is not an IP address")
                    })
                })
                .collect::<anyhow::Result<_>>()?,
            metrics_token: match var("SHIRASE_METRICS_TOKEN") {
                Some(token) if token.len() < 16 => {
                    bail!("SHIRASE_METRICS_TOKEN must be at least 16 characters")
                }
                token => token.map(Secret::new),
            },
            listen: var("SHIRASE_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into()),
            public_url: Url::parse(&public_url).context("SHIRASE_PUBLIC_URL is not a URL")?,
            smtp_url,
            mail_from: var("SHIRASE_MAIL_FROM")
                .unwrap_or_else(|| "Shirase <no-reply@shirase.localhost>".into()),
            jwt_secret,
            environment,
            rate_limits,
            web_dir: PathBuf::from(var("SHIRASE_WEB_DIR").unwrap_or_else(|| "web/dist".into())),
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            outbox_poll_interval: Duration::from_secs(1),
            delivery_retention: match var("SHIRASE_DELIVERY_RETENTION_DAYS") {
                None => chrono::Duration::days(DEFAULT_RETENTION_DAYS),
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| (1..=36_500).contains(n))
                    .map(chrono::Duration::days)
                    .context(
                        "SHIRASE_DELIVERY_RETENTION_DAYS must be a number of days from 1 to 36500",
                    )?,
            },
            bounce_domain: match var("SHIRASE_BOUNCE_DOMAIN") {
                None => None,
                Some(d) => Some(
                    shared::domain::EmailAddress::parse(&format!("bounces@{d}"))
                        .map(|_| d.to_ascii_lowercase())
                        .ok()
                        .context("SHIRASE_BOUNCE_DOMAIN must be a domain name")?,
                ),
            },
            max_recipients: match var("SHIRASE_MAX_RECIPIENTS") {
                None => 10,
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .context("SHIRASE_MAX_RECIPIENTS must be a number from 1 to 1000")?,
            },
        })
    }

    /// The right-hand side of the Message-IDs the service writes: the public host.
    pub fn message_domain(&self) -> String {
        self.public_url
            .host_str()
            .unwrap_or("shirase.localhost")
            .to_owned()
    }

    /// The public base URL without its trailing slash, for links the server writes.
    pub fn base_url(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
    }

    /// A link into the SPA or the API, e.g. `link("/register/activate?token=…")`.
    pub fn link(&self, path_and_query: &str) -> String {
        let base = self.public_url.as_str().trim_end_matches('/');
        format!("{base}{path_and_query}")
    }
}

/// Development keeps a generated signing key under `var/`, so sessions survive restarts
/// without anyone having to invent a secret.
fn development_secret(var_dir: &Path) -> anyhow::Result<Secret> {
    let path = var_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 32
    {
        return Ok(Secret::new(existing.trim()));
    }
    std::fs::create_dir_all(var_dir).with_context(|| format!("creating {}", var_dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    std::fs::write(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    Ok(Secret::new(secret))
}
