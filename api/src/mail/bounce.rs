//! Delivery status notifications (RFC 3464): the `multipart/report` a mail server sends back
//! when it accepted a mail and could not deliver it after all. The MIME structure is read
//! with `mail-parser`; the report's fields are RFC 822-style blocks, one for the message and
//! one per recipient.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

/// What a delivery status notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Where the report itself was addressed (`To`, `Delivered-To`, `X-Original-To`,
    /// `Envelope-To`): the return path of the mail it is about, which names the delivery
    /// when the dispatcher set one.
    pub addressed_to: Vec<String>,
    /// The `Message-ID` of the mail it is about, from the returned message or its headers.
    pub original_message_id: Option<String>,
    pub recipients: Vec<ReportedRecipient>,
}

/// One recipient's block of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedRecipient {
    /// `Original-Recipient` when given (the address as the sender wrote it), else
    /// `Final-Recipient`; lowercased, without its address type.
    pub address: String,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: String,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: String,
    /// `Diagnostic-Code`, without its type: usually the remote server's reply.
    pub diagnostic: Option<String>,
}

impl ReportedRecipient {
    /// The server gave up on this recipient.
    pub fn failed(&self) -> bool {
        self.action == "failed"
    }

    /// The mailbox does not exist or is disabled (X.1.x addressing, X.2.1): the kind of
    /// failure that suspends an address at once.
    pub fn no_such_user(&self) -> bool {
        let mut parts = self.status.split('.');
        let (class, subject, detail) = (parts.next(), parts.next(), parts.next());
        class == Some("5")
            && (subject == Some("1") || (subject == Some("2") && detail == Some("1")))
    }

    /// What is kept as the bounce's reply: the diagnostic, or the status code.
    pub fn reply(&self) -> String {
        match &self.diagnostic {
            Some(d) => format!("{} ({})", d, self.status),
            None => self.status.clone(),
        }
    }
}

/// Why a message is not a report this parser can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotAReport {
    #[error("the input is not a mail message")]
    NotAMessage,
    #[error("the message has no message/delivery-status part (RFC 3464)")]
    NoDeliveryStatus,
    #[error("the delivery-status part names no recipient with an action and a status")]
    NoRecipients,
}

/// Reads a delivery status notification.
pub fn parse(raw: &[u8]) -> Result<Report, NotAReport> {
    let parser = MessageParser::default();
    let message = parser.parse(raw).ok_or(NotAReport::NotAMessage)?;
    if message.parts.is_empty() || message.headers().is_empty() {
        return Err(NotAReport::NotAMessage);
    }
    let status = message
        .parts
        .iter()
        .find(|p| {
            p.content_type().is_some_and(|ct| {
                ct.ctype().eq_ignore_ascii_case("message")
                    && ct.subtype().is_some_and(|s| {
                        s.eq_ignore_ascii_case("delivery-status")
                            || s.eq_ignore_ascii_case("global-delivery-status")
                    })
            })
        })
        .ok_or(NotAReport::NoDeliveryStatus)?;
    let text = String::from_utf8_lossy(status.contents());
    let recipients: Vec<ReportedRecipient> = blocks(&text)
        .into_iter()
        .skip(1)
        .filter_map(|block| recipient(&block))
        .collect();
    if recipients.is_empty() {
        return Err(NotAReport::NoRecipients);
    }
    Ok(Report {
        addressed_to: addressed_to(&message),
        original_message_id: original_message_id(&parser, &message),
        recipients,
    })
}

/// The addresses of the report's own envelope and headers.
fn addressed_to(message: &Message<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(to) = message.to() {
        out.extend(to.iter().filter_map(|a| a.address()).map(str::to_owned));
    }
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        for header in message.headers() {
            if header.name().eq_ignore_ascii_case(name)
                && let Some(value) = header.value().as_text()
            {
                out.push(value.trim().trim_matches(['<', '>']).to_owned());
            }
        }
    }
    out
}

/// The Message-ID of the returned message (`message/rfc822`) or of its returned headers
/// (`text/rfc822-headers`).
fn original_message_id(parser: &MessageParser, message: &Message<'_>) -> Option<String> {
    message.parts.iter().find_map(|p| match &p.body {
        PartType::Message(m) => m.message_id().map(str::to_owned),
        _ if p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
        }) =>
        {
            parser
                .parse_headers(p.contents())
                .and_then(|h| h.message_id().map(str::to_owned))
        }
        _ => None,
    })
}

/// The report's blocks of fields, separated by blank lines, each as (lowercased name,
/// value with its continuation lines unfolded).
fn blocks(text: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks: Vec<Vec<(String, String)>> = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            current.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// A recipient's block: `None` without an address, an action and a status.
fn recipient(block: &[(String, String)]) -> Option<ReportedRecipient> {
    let field = |name: &str| {
        block
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    // `rfc822; user@example.com`: the type, then the address.
    let typed = |v: &str| {
        v.split_once(';')
            .map_or(v, |(_, a)| a)
            .trim()
            .trim_matches(['<', '>'])
            .to_ascii_lowercase()
    };
    let address = field("original-recipient")
        .or_else(|| field("final-recipient"))
        .map(typed)
        .filter(|a| a.contains('@'))?;
    let action = field("action")?.trim().to_ascii_lowercase();
    let status = field("status")?.split_whitespace().next()?.to_owned();
    let well_formed = status.split('.').count() == 3
        && status
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if !well_formed {
        return None;
    }
    let diagnostic = field("diagnostic-code").map(|d| {
        d.split_once(';')
            .map_or(d, |(_, reply)| reply)
            .trim()
            .to_owned()
    });
    Some(ReportedRecipient {
        address,
        action,
        status,
        diagnostic,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3464, appendix "Simple DSN", with a status that says the mailbox is unknown.
    const SIMPLE: &str = "Date: Thu, 7 Jul 1994 17:16:05 -0400\r\n\
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>\r\n\
Message-Id: <199407072116.RAA14128@CS.UTK.EDU>\r\n\
Subject: Returned mail: User unknown\r\n\
To: <bounces+0190a1b2.0000000001@bounce.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status;\r\n\
\x20     boundary=\"RAA14128.773615765/CS.UTK.EDU\"\r\n\
\r\n\
--RAA14128.773615765/CS.UTK.EDU\r\n\
\r\n\
   ----- The following addresses had delivery problems -----\r\n\
<louisl@larry.slip.umd.edu>  (unrecoverable error)\r\n\
\r\n\
--RAA14128.773615765/CS.UTK.EDU\r\n\
content-type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; cs.utk.edu\r\n\
\r\n\
Original-Recipient: rfc822;louisl@larry.slip.umd.edu\r\n\
Final-Recipient: rfc822;louisl@larry.slip.umd.edu\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 <louisl@larry.slip.umd.edu>:\r\n\
\x20 user unknown\r\n\
Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400\r\n\
\r\n\
--RAA14128.773615765/CS.UTK.EDU\r\n\
content-type: message/rfc822\r\n\
\r\n\
Message-ID: <0190a1b2.0000000001@shirase.example>\r\n\
Subject: original\r\n\
\r\n\
body\r\n\
--RAA14128.773615765/CS.UTK.EDU--\r\n";

    #[test]
    fn reads_the_rfc_example() -> Result<(), NotAReport> {
        let report = parse(SIMPLE.as_bytes())?;
        assert_eq!(
            report.addressed_to,
            ["bounces+0190a1b2.0000000001@bounce.example"]
        );
        assert_eq!(
            report.original_message_id.as_deref(),
            Some("0190a1b2.0000000001@shirase.example")
        );
        let r = &report.recipients[0];
        assert_eq!(r.address, "louisl@larry.slip.umd.edu");
        assert!(r.failed() && r.no_such_user());
        assert_eq!(
            r.diagnostic.as_deref(),
            Some("550 5.1.1 <louisl@larry.slip.umd.edu>: user unknown")
        );
        Ok(())
    }

    #[test]
    fn refuses_what_is_not_a_report() {
        assert!(parse(b"").is_err());
        assert!(parse(b"hello").is_err());
        assert_eq!(
            parse(b"Subject: hi\r\nTo: a@b.example\r\n\r\nplain text\r\n"),
            Err(NotAReport::NoDeliveryStatus)
        );
    }

    #[test]
    fn tells_mailbox_failures_apart() {
        let r = |status: &str| ReportedRecipient {
            address: "a@b.example".into(),
            action: "failed".into(),
            status: status.into(),
            diagnostic: None,
        };
        assert!(r("5.1.1").no_such_user());
        assert!(r("5.2.1").no_such_user());
        assert!(!r("5.2.2").no_such_user());
        assert!(!r("4.1.1").no_such_user());
    }
}
