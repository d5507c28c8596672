//! SMTP connections kept open and reused, with Nagle's algorithm off.
//!
//! lettre writes a message's data and its terminating `.` as two writes and leaves Nagle on,
//! so every message waits for the server's delayed ACK (40 ms on Linux) before its last
//! five bytes leave: one connection then sends about 22 mails a second whatever the server's
//! speed. Here lettre's SMTP client runs on sockets we open ourselves with `TCP_NODELAY`.
//!
//! Where the server offers PIPELINING (RFC 2920), MAIL, RCPT and DATA go out in one write
//! and their replies are read together: two round trips per message instead of four.
//!
//! URLs: `smtp://[user:password@]host[:port]` (port 25), with `?tls=required` or
//! `?tls=opportunistic` for STARTTLS. Implicit TLS (`smtps://`) goes through lettre's own
//! pooled transport instead, as lettre opens those sockets itself.

use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, bail};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, Message};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartTls {
    Never,
    Opportunistic,
    Required,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("connecting to the mail server: {0}")]
    Connect(std::io::Error),
    #[error("the mail server did not answer within {0:?}")]
    Timeout(Duration),
}

impl SendError {
    /// A 5xx reply: trying again will not help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Smtp(e) if e.is_permanent())
    }
}

/// Whether a permanent failure's reply says the mailbox does not exist or cannot take mail
/// (RFC 3463 enhanced status codes 5.1.x, "bad destination address", and 5.2.1, "mailbox
/// disabled"), which suspends an address at once. A bare 550 says too little: policy
/// refusals use it as well.
pub fn no_such_user(reply: &str) -> bool {
    reply
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ';' | '(' | ')'))
        .find_map(|word| {
            let mut parts = word.split('.');
            let (class, subject, detail) = (parts.next()?, parts.next()?, parts.next()?);
            let number =
                |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
            (parts.next().is_none() && class == "5" && number(subject) && number(detail))
                .then(|| subject == "1" || (subject == "2" && detail == "1"))
        })
        .unwrap_or(false)
}

pub struct SmtpPool {
    host: String,
    port: u16,
    starttls: StartTls,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    /// At most this many connections, each carrying one message at a time.
    slots: Semaphore,
}

struct Connection {
    smtp: AsyncSmtpConnection,
    /// The server offered PIPELINING.
    pipelining: bool,
}

impl Connection {
    /// Sends one message; returns the server's reply to it.
    async fn send(&mut self, envelope: &Envelope, email: &[u8]) -> Result<String, SendError> {
        // Non-ASCII addresses or 8-bit data need MAIL parameters that lettre checks against
        // the server's extensions: its own sequence handles them.
        let ascii = |a: &Address| AsRef::<str>::as_ref(a).is_ascii();
        let ascii_addresses = envelope.from().is_none_or(ascii) && envelope.to().iter().all(ascii);
        if !self.pipelining || !ascii_addresses || !email.is_ascii() {
            return Ok(reply_line(&self.smtp.send(envelope, email).await?));
        }
        let mut commands = Mail::new(envelope.from().cloned(), vec![]).to_string();
        for to in envelope.to() {
            commands.push_str(&Rcpt::new(to.clone(), vec![]).to_string());
        }
        commands.push_str(&Data.to_string());
        // One reply per command, in order; the first refusal ends the attempt (and the
        // caller drops the connection, so unread replies cannot be mistaken for later ones).
        self.smtp.command(commands).await?;
        for _ in envelope.to() {
            self.smtp.read_response().await?;
        }
        self.smtp.read_response().await?;
        Ok(reply_line(&self.smtp.message(email).await?))
    }
}

/// A reply as one line: `250 2.0.0 queued as …`.
pub fn reply_line(response: &lettre::transport::smtp::response::Response) -> String {
    let text = response.first_line().unwrap_or("");
    format!("{} {text}", response.code()).trim_end().to_owned()
}

/// Whether a reply to EHLO lists PIPELINING (lettre keeps only the extensions it uses).
async fn offers_pipelining(
    conn: &mut AsyncSmtpConnection,
    hello: &ClientId,
) -> Result<bool, SendError> {
    let reply = conn.command(Ehlo::new(hello.clone())).await?;
    Ok(reply
        .message()
        .skip(1)
        .any(|line| line.trim().eq_ignore_ascii_case("PIPELINING")))
}

impl SmtpPool {
    pub fn from_url(raw: &str, connections: usize, timeout: Duration) -> anyhow::Result<Self> {
        let url = url::Url::parse(raw).context("not a URL")?;
        if url.scheme() != "smtp" {
            bail!("the scheme must be smtp (or smtps)");
        }
        let host = url.host_str().context("no host")?.to_owned();
        let starttls = match url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned())
            .as_deref()
        {
            None | Some("none") => StartTls::Never,
            Some("opportunistic") => StartTls::Opportunistic,
            Some("required") => StartTls::Required,
            Some(other) => bail!("tls={other}: use required, opportunistic or none"),
        };
        let decode = |s: &str| -> anyhow::Result<String> {
            Ok(percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .context("the credentials are not valid percent-encoded UTF-8")?
                .into_owned())
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (user, password) => Some(Credentials::new(
                decode(user)?,
                decode(password.unwrap_or_default())?,
            )),
        };
        Ok(Self {
            port: url.port().unwrap_or(25),
            host,
            starttls,
            credentials,
            hello: ClientId::default(),
            timeout,
            idle: Mutex::default(),
            slots: Semaphore::new(connections),
        })
    }

    /// Sends one message on an idle connection, or a new one. A connection that saw any
    /// error is closed rather than reused: its state is unknown.
    pub async fn send(&self, message: &Message) -> Result<String, SendError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .unwrap_or_else(|_| unreachable!("the semaphore is never closed"));
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut conn = match idle {
            Some(c) if !c.smtp.has_broken() => c,
            _ => self.within(self.connect()).await?,
        };
        let sent = self
            .within(conn.send(message.envelope(), &message.formatted()))
            .await;
        match sent {
            Ok(reply) => {
                self.idle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(conn);
                Ok(reply)
            }
            Err(e) => {
                conn.smtp.abort().await;
                Err(e)
            }
        }
    }

    async fn within<T>(
        &self,
        f: impl Future<Output = Result<T, SendError>>,
    ) -> Result<T, SendError> {
        tokio::time::timeout(self.timeout, f)
            .await
            .unwrap_or(Err(SendError::Timeout(self.timeout)))
    }

    async fn connect(&self) -> Result<Connection, SendError> {
        let stream = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(SendError::Connect)?;
        stream.set_nodelay(true).map_err(SendError::Connect)?;
        let mut conn =
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello).await?;
        let offered = conn.can_starttls();
        if self.starttls == StartTls::Required
            || (self.starttls == StartTls::Opportunistic && offered)
        {
            conn.starttls(TlsParameters::new(self.host.clone())?, &self.hello)
                .await?;
        }
        // Asked before AUTH: a later EHLO could reset the authenticated state.
        let pipelining = offers_pipelining(&mut conn, &self.hello).await?;
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(Connection {
            smtp: conn,
            pipelining,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_missing_mailboxes_from_other_refusals() {
        for reply in [
            "permanent error (550): 5.1.1 <bad@example.com>: Recipient address rejected: User unknown",
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound",
            "550 5.2.1 Mailbox disabled",
            "permanent error (553): 5.1.3 Bad address syntax",
        ] {
            assert!(no_such_user(reply), "{reply}");
        }
        for reply in [
            "permanent error (550): 5.7.1 Message rejected as spam",
            "550 Requested action not taken: mailbox unavailable",
            "552 5.2.2 Mailbox full",
            "554 5.4.1 Relay access denied",
            "permanent error (550): version 5.1",
        ] {
            assert!(!no_such_user(reply), "{reply}");
        }
    }

    #[test]
    fn urls() -> anyhow::Result<()> {
        let pool = SmtpPool::from_url(
            "smtp://mailer%40example.com:p%40ss@relay.example.com:2525?tls=required",
            4,
            Duration::from_secs(5),
        )?;
        assert_eq!((pool.host.as_str(), pool.port), ("relay.example.com", 2525));
        assert_eq!(pool.starttls, StartTls::Required);
        assert_eq!(
            pool.credentials,
            Some(Credentials::new("mailer@example.com".into(), "p@ss".into()))
        );
        let plain = SmtpPool::from_url("smtp://127.0.0.1", 4, Duration::from_secs(5))?;
        assert_eq!(
            (plain.port, plain.starttls, plain.credentials),
            (25, StartTls::Never, None)
        );
        assert!(SmtpPool::from_url("smtp://h?tls=maybe", 4, Duration::from_secs(5)).is_err());
        assert!(SmtpPool::from_url("http://h", 4, Duration::from_secs(5)).is_err());
        Ok(())
    }
}
