//! Delivery: one ledger for every channel. A change that causes deliveries (an account
//! mail, a notice publication, a webhook event) writes them into the ledger in its own
//! transaction; every process's dispatcher claims due deliveries under a lease, attempts
//! each over its channel (e-mail by SMTP or into the dev mailbox; generic, Slack and Teams
//! webhooks by HTTPS) and records each attempt's outcome, kept as history.

pub mod audience;
pub mod dispatcher;
pub mod email;
pub mod health;
pub mod ledger;
mod statement;
pub mod timing;
pub mod webhook;

/// How many deliveries one process has in flight at once.
pub const CONCURRENCY: usize = 8;

/// An attempt that did not deliver, as a channel reports it.
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: String,
    /// Trying again will not help (a 5xx SMTP reply, a refused address, a 4xx answer).
    pub permanent: bool,
    /// The remote asked to wait this long before the next attempt.
    pub retry_after: Option<std::time::Duration>,
    /// The recipient's mail server refused the mail for good (an SMTP 5xx): counted against
    /// the address, which may be suspended for it.
    pub bounced: bool,
}

impl Failure {
    pub fn permanent(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            permanent: true,
            retry_after: None,
            bounced: false,
        }
    }

    pub fn transient(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            permanent: false,
            retry_after: None,
            bounced: false,
        }
    }
}
