//! A real SMTP server on a random loopback port, kept in process so that tests can read
//! what the application sent: it speaks enough ESMTP for lettre (EHLO, MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT) and parses each message with `mail-parser`. A script can make it
//! answer like a troubled server: refuse a recipient for a while or for good, or accept a
//! message's data and never answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_parser::MessageParser;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// `MAIL FROM`: the return path a bounce would go to.
    pub envelope_from: String,
    pub envelope_to: Vec<String>,
    pub raw: Vec<u8>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl ReceivedMail {
    fn parse(envelope_from: String, envelope_to: Vec<String>, raw: Vec<u8>) -> Self {
        let parsed = MessageParser::default().parse(&raw);
        let get = |f: &dyn Fn(&mail_parser::Message) -> Option<String>| {
            parsed.as_ref().and_then(f).unwrap_or_default()
        };
        Self {
            subject: get(&|m| m.subject().map(str::to_owned)),
            text: get(&|m| m.body_text(0).map(|b| b.into_owned())),
            html: get(&|m| m.body_html(0).map(|b| b.into_owned())),
            message_id: get(&|m| m.message_id().map(str::to_owned)),
            envelope_from,
            envelope_to,
            raw,
        }
    }

    /// A header's value as sent (unfolded), e.g. `header("List-Unsubscribe")`.
    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = MessageParser::default().parse(&self.raw)?;
        let raw = parsed.header_raw(name)?;
        Some(raw.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// The first attachment whose MIME type is `mime` (e.g. `text/calendar`): its full
    /// `Content-Type` parameters and its decoded content.
    pub fn attachment(&self, mime: &str) -> Option<(HashMap<String, String>, Vec<u8>)> {
        let parsed = MessageParser::default().parse(&self.raw)?;
        parsed.attachments().find_map(|part| {
            let ct = mail_parser::MimeHeaders::content_type(part)?;
            let full = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default());
            (full.eq_ignore_ascii_case(mime)).then(|| {
                let params = ct
                    .attributes()
                    .unwrap_or_default()
                    .iter()
                    .map(|a| (a.name.to_ascii_lowercase(), a.value.to_string()))
                    .collect();
                (params, part.contents().to_vec())
            })
        })
    }

    /// The first link in the text body that starts with `prefix`'s path, e.g.
    /// `link_with("/register/activate?token=")`.
    pub fn link_with(&self, needle: &str) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(needle))
            .map(str::to_owned)
    }

    /// The value of the `token` query parameter of the first link containing `needle`.
    pub fn token_in(&self, needle: &str) -> Option<String> {
        let link = self.link_with(needle)?;
        let (_, query) = link.split_once("token=")?;
        Some(query.split('&').next().unwrap_or(query).to_owned())
    }
}

/// How the server answers one attempt to deliver to a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Accept,
    /// Refuse at `RCPT TO` with this reply line, e.g. `451 4.3.0 Try again later`.
    Refuse(&'static str),
    /// Take the data and never answer, like a server that hangs.
    Hang,
}

/// Decides the reply from the recipient and which attempt for it this is (1 for the first).
pub type Script = Arc<dyn Fn(&str, usize) -> Reply + Send + Sync>;

struct Inbox {
    /// Whether to parse and keep each message; benchmarks only count them.
    keep: bool,
    accepted: std::sync::atomic::AtomicUsize,
    mails: Mutex<Vec<ReceivedMail>>,
    arrived: Notify,
    script: Script,
    attempts: Mutex<HashMap<String, usize>>,
}

impl Inbox {
    fn reply_for(&self, rcpt: &str) -> Reply {
        let nth = {
            let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
            let n = attempts.entry(rcpt.to_ascii_lowercase()).or_default();
            *n += 1;
            *n
        };
        (self.script)(rcpt, nth)
    }
}

#[derive(Clone)]
pub struct SmtpSink {
    port: u16,
    inbox: Arc<Inbox>,
}

impl SmtpSink {
    /// A server that accepts everything.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(Arc::new(|_, _| Reply::Accept)).await
    }

    pub async fn start_with(script: Script) -> anyhow::Result<Self> {
        Self::listen(script, true).await
    }

    /// A server that accepts the first `n` mails, then takes each one's data and never
    /// answers: a dispatcher sending to it is stuck with the rest in flight.
    pub async fn accepting_then_hanging(n: usize) -> anyhow::Result<Self> {
        let accepted = std::sync::atomic::AtomicUsize::new(0);
        Self::start_with(Arc::new(move |_, _| {
            if accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < n {
                Reply::Accept
            } else {
                Reply::Hang
            }
        }))
        .await
    }

    /// A server that accepts everything and only counts it: as fast as a sink gets.
    pub async fn start_counting() -> anyhow::Result<Self> {
        Self::listen(Arc::new(|_, _| Reply::Accept), false).await
    }

    /// How many times delivery to `rcpt` was attempted, refused or not.
    pub fn attempts_for(&self, rcpt: &str) -> usize {
        self.inbox
            .attempts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&rcpt.to_ascii_lowercase())
            .copied()
            .unwrap_or(0)
    }

    /// How many messages were accepted.
    pub fn accepted(&self) -> usize {
        self.inbox
            .accepted
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn listen(script: Script, keep: bool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let inbox = Arc::new(Inbox {
            keep,
            accepted: Default::default(),
            mails: Mutex::default(),
            arrived: Notify::new(),
            script,
            attempts: Mutex::default(),
        });
        let accepted = inbox.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let inbox = accepted.clone();
                tokio::spawn(async move {
                    let _ = session(stream, inbox).await;
                });
            }
        });
        Ok(Self { port, inbox })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.inbox
            .mails
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    pub fn to(&self, address: &str) -> Vec<ReceivedMail> {
        self.all()
            .into_iter()
            .filter(|m| {
                m.envelope_to
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(address))
            })
            .collect()
    }

    /// Waits until `address` has received `count` mails (10 s at most) and returns the last.
    pub async fn wait_for_nth(&self, address: &str, count: usize) -> anyhow::Result<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.inbox.arrived.notified();
            let mails = self.to(address);
            if mails.len() >= count {
                return Ok(mails[count - 1].clone());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                anyhow::bail!(
                    "{address} received {} mail(s), expected {count}",
                    mails.len()
                );
            }
        }
    }

    pub async fn wait_for(&self, address: &str) -> anyhow::Result<ReceivedMail> {
        self.wait_for_nth(address, 1).await
    }

    /// Waits until `count` mails matching `filter` arrived (`secs` seconds at most).
    pub async fn wait_for_count(
        &self,
        count: usize,
        secs: u64,
        filter: impl Fn(&ReceivedMail) -> bool,
    ) -> anyhow::Result<Vec<ReceivedMail>> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let notified = self.inbox.arrived.notified();
            let mails: Vec<ReceivedMail> = self.all().into_iter().filter(&filter).collect();
            if mails.len() >= count {
                return Ok(mails);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                anyhow::bail!("{} mail(s) arrived, expected {count}", mails.len());
            }
        }
    }
}

/// Replies go out when the client has nothing more buffered for us, so the answers to a
/// pipelined group leave as one segment (RFC 2920 §3.2): a reply per write would let the
/// second wait on the client's delayed ACK.
async fn reply(
    write: &mut BufWriter<OwnedWriteHalf>,
    lines: &BufReader<OwnedReadHalf>,
    bytes: &[u8],
) -> std::io::Result<()> {
    write.write_all(bytes).await?;
    if lines.buffer().is_empty() {
        write.flush().await?;
    }
    Ok(())
}

async fn session(stream: TcpStream, inbox: Arc<Inbox>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut write = BufWriter::new(write);
    reply(&mut write, &lines, b"220 sink.test ESMTP\r\n").await?;
    let mut rcpt = Vec::new();
    let mut from = String::new();
    let mut hang = false;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let upper = line.trim_end().to_ascii_uppercase();
        let answer: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM") || upper.starts_with("RSET") {
            rcpt.clear();
            from = line
                .trim_end()
                .get(10..)
                .unwrap_or_default()
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or_default()
                .to_owned();
            hang = false;
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO") {
            let addr = line.trim_end()[8..].trim().trim_start_matches('<');
            let addr = addr.split('>').next().unwrap_or(addr).to_owned();
            match inbox.reply_for(&addr) {
                Reply::Accept => {
                    rcpt.push(addr);
                    b"250 OK\r\n"
                }
                Reply::Hang => {
                    rcpt.push(addr);
                    hang = true;
                    b"250 OK\r\n"
                }
                Reply::Refuse(refusal) => {
                    reply(&mut write, &lines, format!("{refusal}\r\n").as_bytes()).await?;
                    continue;
                }
            }
        } else if upper == "DATA" && rcpt.is_empty() {
            // RFC 2920: a pipelining client sends DATA before it knows its RCPTs failed.
            b"554 No valid recipients\r\n"
        } else if upper == "DATA" {
            reply(
                &mut write,
                &lines,
                b"354 End data with <CR><LF>.<CR><LF>\r\n",
            )
            .await?;
            let mut raw = Vec::new();
            let mut data_line = Vec::new();
            loop {
                data_line.clear();
                if lines.read_until(b'\n', &mut data_line).await? == 0 {
                    return Ok(());
                }
                if data_line == b".\r\n" || data_line == b".\n" {
                    break;
                }
                // Undo dot-stuffing (RFC 5321 §4.5.2).
                let content = data_line.strip_prefix(b".").unwrap_or(&data_line);
                raw.extend_from_slice(content);
            }
            if hang {
                // Never answer; the client gives up or is killed.
                std::future::pending::<()>().await;
            }
            inbox
                .accepted
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if inbox.keep {
                let mail = ReceivedMail::parse(from.clone(), std::mem::take(&mut rcpt), raw);
                if let Ok(mut mails) = inbox.mails.lock() {
                    mails.push(mail);
                }
                inbox.arrived.notify_waiters();
            }
            rcpt.clear();
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            write.flush().await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        reply(&mut write, &lines, answer).await?;
    }
}
