//! What deliveries' outcomes say of their destinations: a webhook that keeps failing is
//! quarantined, an address that bounces is suspended, and their owners are told by mail.

use std::sync::Arc;

use chrono::NaiveDateTime;
use shared::dto::HookChannel;

use super::ledger::{self, AddressOutcome, Outcome, Settlement};
use crate::db::DbConnection;
use crate::mail::MailTemplate;
use crate::mail::templates::Templates;
use crate::models::account::Account;
use crate::models::recipient::Recipient;
use crate::models::webhook::Webhook;

/// Destinations' health, kept in the transaction that records their attempts (or a bounce
/// report): runs of failures, quarantine and suspension, and the mails that tell owners.
pub struct Health {
    pub templates: Arc<Templates>,
    /// The site's base URL, without a trailing slash.
    pub public_url: String,
    pub message_domain: String,
}

impl Health {
    pub fn new(templates: Arc<Templates>, settings: &crate::config::Settings) -> Self {
        Self {
            templates,
            public_url: settings.base_url(),
            message_domain: settings.message_domain(),
        }
    }

    /// Ends or extends each destination's run of failures; quarantines webhooks and
    /// suspends addresses whose run is long enough (or whose server said the mailbox does
    /// not exist) and mails their owners. Returns how many owners were mailed.
    pub fn update(
        &self,
        conn: &mut DbConnection,
        recorded: &[&Settlement],
        now: NaiveDateTime,
    ) -> diesel::QueryResult<usize> {
        let delivered: Vec<&str> = recorded
            .iter()
            .filter(|s| s.outcome == Outcome::Sent)
            .filter_map(|s| s.hook.as_deref())
            .collect();
        if !delivered.is_empty() {
            Webhook::record_success(conn, &delivered)?;
        }
        let mut told = 0;
        let reached: Vec<&str> = recorded
            .iter()
            .filter_map(|s| match &s.address {
                Some(AddressOutcome::Delivered(id)) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        if !reached.is_empty() {
            Recipient::record_deliveries(conn, &reached)?;
        }
        for s in recorded {
            if let Some(AddressOutcome::Bounced(bounce)) = &s.address
                && let Some(suspended) = Recipient::record_bounce(conn, bounce, now)?
            {
                tracing::warn!(address = %suspended.id, "delivery address suspended after bounces");
                self.tell_suspended(conn, &suspended, now)?;
                told += 1;
            }
        }
        let mut quarantined = 0;
        for s in recorded {
            let (Some(hook), Outcome::Retry { error, .. } | Outcome::Failed { error }) =
                (&s.hook, &s.outcome)
            else {
                continue;
            };
            if let Some(w) = Webhook::record_failure(conn, hook, error, now)? {
                quarantined += 1;
                tracing::warn!(destination = %w.id, "webhook destination quarantined");
                self.tell_owner(conn, &w, now)?;
            }
        }
        Ok(quarantined + told)
    }

    /// Mails the owner of a suspended address.
    pub fn tell_suspended(
        &self,
        conn: &mut DbConnection,
        r: &Recipient,
        now: NaiveDateTime,
    ) -> diesel::QueryResult<()> {
        self.mail_owner(
            conn,
            &r.account_id,
            MailTemplate::AddressSuspended,
            now,
            |_| {
                minijinja::context! {
                    address => r.email,
                    no_such_user => r.suspension.as_deref() == Some("no_such_user"),
                    reply => r.last_bounce.clone().unwrap_or_default(),
                    url => format!("{}/mysupport/recipients", self.public_url),
                }
            },
        )
    }

    /// Mails the owner of a quarantined webhook destination.
    fn tell_owner(
        &self,
        conn: &mut DbConnection,
        w: &Webhook,
        now: NaiveDateTime,
    ) -> diesel::QueryResult<()> {
        let channel = match w.channel() {
            HookChannel::Webhook => "Webhook",
            HookChannel::Slack => "Slack",
            HookChannel::Teams => "Microsoft Teams",
        };
        self.mail_owner(
            conn,
            &w.account_id,
            MailTemplate::WebhookQuarantined,
            now,
            |account| {
                let since = w
                    .failing_since
                    .map(|t| {
                        crate::mail::notice_mail::format_local(
                            crate::models::notice::utc(t),
                            account.zone(),
                            account.language(),
                        )
                    })
                    .unwrap_or_default();
                minijinja::context! {
                    name => w.name,
                    channel,
                    since,
                    last_error => w.last_error.clone().unwrap_or_default(),
                    url => format!("{}/mysupport/destinations", self.public_url),
                }
            },
        )
    }

    /// Queues `template` to the login address of `account_id`, in the account's language,
    /// with the account's names and what `context` adds. A template that fails to render is
    /// logged, not raised: the outcomes being recorded must not be lost over a mail.
    fn mail_owner(
        &self,
        conn: &mut DbConnection,
        account_id: &str,
        template: MailTemplate,
        now: NaiveDateTime,
        context: impl FnOnce(&Account) -> minijinja::Value,
    ) -> diesel::QueryResult<()> {
        let Some(account) = Account::find(conn, account_id)? else {
            return Ok(());
        };
        let context = minijinja::context! {
            family_name => account.family_name,
            given_name => account.given_name,
            ..context(&account)
        };
        match self.templates.render(template, account.language(), context) {
            Ok(mail) => {
                ledger::enqueue_mail(conn, &account.email, mail, &self.message_domain, now)?;
            }
            Err(e) => tracing::error!(error = ?e, ?template, "rendering an owner's mail failed"),
        }
        Ok(())
    }
}
