//! The e-mail channel: SMTP (our pipelined pool for `smtp://`, lettre's transport for
//! `smtps://`) or, with no server configured, the dev mailbox. Notice mails are rendered
//! here from their publication; account mails come rendered in the ledger.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::NaiveDateTime;
use lettre::address::{Address, Envelope};
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Failure;
use super::ledger::{Carries, Delivery};
use crate::db::Pool;
use crate::mail::dev_mailbox;
use crate::mail::notice_mail::NoticeMailer;
use crate::mail::smtp::{SendError, SmtpPool, reply_line};
use crate::mail::templates::{EncodedMail, RenderedMail};

/// The longest one SMTP exchange may take.
pub const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(30);

#[derive(Clone)]
pub enum Transport {
    /// `smtp://`: our pool of lettre connections with Nagle off (see `mail::smtp`).
    Smtp(Arc<SmtpPool>),
    /// `smtps://`: lettre's own pooled transport.
    SmtpTls(AsyncSmtpTransport<Tokio1Executor>),
    /// No server: mail goes to the table `/dev/mailbox` shows.
    DevMailbox(Pool),
}

impl Transport {
    pub fn smtp(url: &str, connections: usize) -> anyhow::Result<Self> {
        let context = "SHIRASE_SMTP_URL is not a valid SMTP URL";
        if url.starts_with("smtps:") {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .context(context)?
                .pool_config(PoolConfig::new().max_size(connections as u32))
                .timeout(Some(SMTP_TIMEOUT))
                .build();
            return Ok(Self::SmtpTls(transport));
        }
        Ok(Self::Smtp(Arc::new(
            SmtpPool::from_url(url, connections, SMTP_TIMEOUT).context(context)?,
        )))
    }
}

/// A mail ready for the transport.
struct Prepared {
    mail: EncodedMail,
    /// Notice mails only: the RFC 8058 one-click unsubscribe target.
    one_click: Option<String>,
    /// Maintenance notice mails only: the window as an `.ics` attachment.
    calendar: Option<Arc<str>>,
}

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_ID: HeaderName = HeaderName::new_from_ascii_str("List-Id");
const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

pub struct EmailChannel {
    pub transport: Transport,
    pub from: Mailbox,
    pub notices: Arc<NoticeMailer>,
    /// The domain of a return path that names the delivery (VERP), if any.
    pub bounce_domain: Option<String>,
    /// The `List-Id` of notice mails (RFC 2919), e.g. `Shirase notices <notices.example.com>`,
    /// by which mail clients file and filter them.
    pub list_id: String,
}

/// The `List-Id` of the notice mails of a site whose public host is `domain`.
pub fn list_id(domain: &str) -> String {
    format!("Shirase notices <notices.{domain}>")
}

/// The envelope sender of a delivery's mail with a bounce domain: a bounce returned to it
/// later names the delivery it is about, whatever the reporting server writes in it.
pub fn return_path(delivery_id: &str, domain: &str) -> String {
    format!("bounces+{delivery_id}@{domain}")
}

/// The delivery a return path of [`return_path`]'s names, if it is one for `domain`.
pub fn delivery_of_return_path<'a>(address: &'a str, domain: &str) -> Option<&'a str> {
    let (local, host) = address.trim().rsplit_once('@')?;
    let id = local.strip_prefix("bounces+")?;
    (host.eq_ignore_ascii_case(domain) && !id.is_empty()).then_some(id)
}

impl EmailChannel {
    /// One attempt: the server's reply, or why not.
    pub async fn attempt(
        &self,
        d: &Delivery,
        now: NaiveDateTime,
    ) -> Result<Option<String>, Failure> {
        let permanent = |e: anyhow::Error| Failure::permanent(format!("{e:#}"));
        match &self.transport {
            Transport::DevMailbox(pool) => {
                let mail = self.render(d).map_err(permanent)?;
                // The very message SMTP would carry, headers and attachments included.
                let raw = self
                    .prepare(d)
                    .and_then(|p| self.build(d, p))
                    .map_err(permanent)?
                    .formatted();
                let raw = String::from_utf8_lossy(&raw).into_owned();
                let pool = pool.clone();
                let (id, to, message_id) =
                    (d.id.clone(), d.destination.clone(), d.message_id.clone());
                tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                    let mut conn = pool.get()?;
                    dev_mailbox::deliver(&mut conn, &id, &to, &message_id, &mail, &raw, now)?;
                    Ok(())
                })
                .await
                .map_err(|e| Failure::transient(e.to_string()))?
                .map_err(|e| Failure::transient(format!("{e:#}")))?;
                Ok(Some("dev mailbox".to_owned()))
            }
            transport => {
                let message = self
                    .prepare(d)
                    .and_then(|p| self.build(d, p))
                    .map_err(permanent)?;
                let sent = match transport {
                    Transport::Smtp(pool) => pool.send(&message).await,
                    Transport::SmtpTls(t) => t
                        .send(message)
                        .await
                        .map(|r| reply_line(&r))
                        .map_err(SendError::from),
                    Transport::DevMailbox(_) => unreachable!("handled above"),
                };
                sent.map(Some).map_err(|e| Failure {
                    error: e.to_string(),
                    permanent: e.is_permanent(),
                    retry_after: None,
                    bounced: e.is_permanent(),
                })
            }
        }
    }

    /// The delivery's mail as text, for the dev mailbox.
    fn render(&self, d: &Delivery) -> anyhow::Result<RenderedMail> {
        match &d.carries {
            Carries::AccountMail(mail) => Ok(mail.clone()),
            Carries::Notice {
                publication_id,
                language,
                time_zone,
                reminder,
                ..
            } => Ok(self
                .notices
                .compose(
                    publication_id,
                    recipient_id(d)?,
                    *language,
                    *time_zone,
                    *reminder,
                )?
                .mail),
            // A digest of one notice is that notice's own mail.
            Carries::Digest {
                publications,
                language,
                time_zone,
            } => match publications.as_slice() {
                [one] => Ok(self
                    .notices
                    .compose(one, recipient_id(d)?, *language, *time_zone, None)?
                    .mail),
                _ => self
                    .notices
                    .compose_digest(publications, *language, *time_zone),
            },
            Carries::Event(_) => anyhow::bail!("an event is not a mail"),
        }
    }

    /// The delivery's mail with its bodies encoded, for SMTP.
    fn prepare(&self, d: &Delivery) -> anyhow::Result<Prepared> {
        let single = match &d.carries {
            Carries::Notice {
                publication_id,
                language,
                time_zone,
                reminder,
                ..
            } => Some((publication_id, *language, *time_zone, *reminder)),
            Carries::Digest {
                publications,
                language,
                time_zone,
            } => match publications.as_slice() {
                [one] => Some((one, *language, *time_zone, None)),
                _ => None,
            },
            _ => None,
        };
        if let Some((publication_id, language, time_zone, reminder)) = single {
            let notice = self.notices.compose_encoded(
                publication_id,
                recipient_id(d)?,
                language,
                time_zone,
                reminder,
            )?;
            return Ok(Prepared {
                mail: notice.mail,
                one_click: Some(notice.one_click_url),
                calendar: notice.calendar,
            });
        }
        Ok(Prepared {
            mail: self.render(d)?.into(),
            one_click: None,
            calendar: None,
        })
    }

    fn build(&self, d: &Delivery, prepared: Prepared) -> anyhow::Result<Message> {
        let to: Mailbox = d.destination.parse().context("recipient address")?;
        let mut builder = Message::builder();
        if let Some(domain) = &self.bounce_domain {
            let sender: Address = return_path(&d.id, domain).parse().context("return path")?;
            builder = builder
                .envelope(Envelope::new(Some(sender), vec![to.email.clone()]).context("envelope")?);
        }
        let mut builder = builder
            .from(self.from.clone())
            .to(to)
            .subject(prepared.mail.subject)
            .message_id(Some(d.message_id.clone()));
        if let Carries::Notice {
            in_reply_to: Some(first),
            ..
        } = &d.carries
        {
            builder = builder.in_reply_to(first.clone()).references(first.clone());
        }
        if let Carries::Notice { .. } | Carries::Digest { .. } = &d.carries {
            // RFC 3834: no auto-responder answers it; RFC 2919: one list, however many
            // notices, for filing and filtering.
            builder = builder
                .raw_header(HeaderValue::new(
                    AUTO_SUBMITTED,
                    "auto-generated".to_owned(),
                ))
                .raw_header(HeaderValue::new(LIST_ID, self.list_id.clone()));
        }
        if let Some(url) = prepared.one_click {
            // lettre encodes and folds header values: no field can add a header line.
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let body = MultiPart::alternative_plain_html(prepared.mail.text, prepared.mail.html);
        let body = match prepared.calendar {
            None => body,
            Some(ics) => {
                // `method=PUBLISH`: the event is for information, not an invitation to answer.
                let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .context("calendar content type")?;
                MultiPart::mixed().multipart(body).singlepart(
                    Attachment::new("maintenance.ics".to_owned()).body(ics.to_string(), kind),
                )
            }
        };
        builder.multipart(body).context("building the message")
    }
}

/// A notice mail's delivery address id, which its unsubscribe link names.
fn recipient_id(d: &Delivery) -> anyhow::Result<&str> {
    d.destination_id
        .as_deref()
        .context("a notice mail without its delivery address")
}
