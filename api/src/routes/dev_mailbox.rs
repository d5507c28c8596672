//! `/dev/mailbox`: the mails of a development instance without SMTP, as plain pages with
//! clickable links. Not part of the API and refused in production.

use actix_web::{HttpResponse, get, web};

use crate::config::Environment;
use crate::error::{ApiError, ApiResult};
use crate::mail::dev_mailbox::{self, DevMail};
use crate::state::AppState;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escapes plain text and turns its http(s) URLs into links.
fn linkify(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let words: Vec<String> = line
            .split(' ')
            .map(|w| {
                if w.starts_with("http://") || w.starts_with("https://") {
                    let w = escape(w);
                    format!("<a href=\"{w}\">{w}</a>")
                } else {
                    escape(w)
                }
            })
            .collect();
        out.push_str(&words.join(" "));
    }
    out
}

fn page(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>\
         body{{font-family:system-ui,sans-serif;margin:0;background:#f4f6f9;color:#1f2933}}\
         header{{background:#0b5cad;color:#fff;padding:14px 24px;font-weight:600}}\
         main{{max-width:900px;margin:24px auto;padding:0 16px}}\
         table{{width:100%;border-collapse:collapse;background:#fff}}\
         td,th{{text-align:left;padding:10px;border-bottom:1px solid #e1e6ed}}\
         pre{{white-space:pre-wrap;background:#fff;padding:16px;border:1px solid #e1e6ed}}\
         iframe{{width:100%;height:520px;border:1px solid #e1e6ed;background:#fff}}\
         a{{color:#0b5cad}}</style></head><body><header>Shirase dev mailbox</header>\
         <main>{}</main></body></html>",
            escape(title),
            body
        ))
}

fn refuse_in_production(state: &AppState) -> ApiResult<()> {
    if state.settings.environment == Environment::Production {
        return Err(ApiError::not_found(
            "There is no dev mailbox in production.",
        ));
    }
    Ok(())
}

#[get("/mailbox")]
pub async fn list(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    refuse_in_production(&state)?;
    let mails = state.db(|conn| Ok(dev_mailbox::list(conn, 200)?)).await?;
    let note = if state.settings.smtp_url.is_some() {
        "<p>An SMTP server is configured: new mail goes there, not here.</p>"
    } else {
        ""
    };
    let rows: String = mails
        .iter()
        .map(|m: &DevMail| {
            format!(
                "<tr><td>{}</td><td class=\"to\">{}</td><td><a class=\"mail\" href=\"/dev/mailbox/{}\">{}</a></td></tr>",
                m.received_at.format("%Y-%m-%d %H:%M:%S"),
                escape(&m.recipient),
                escape(&m.id),
                escape(&m.subject)
            )
        })
        .collect();
    Ok(page(
        "Dev mailbox",
        &format!(
            "{note}<table><thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th></tr></thead>\
             <tbody>{rows}</tbody></table>"
        ),
    ))
}

/// Every header of a whole message as sent (unfolded, encoded words left as they are: what
/// a receiving server sees), and its attachments, both as HTML tables.
fn anatomy(raw: &str) -> (String, String) {
    let Some(message) = mail_parser::MessageParser::default().parse(raw.as_bytes()) else {
        return ("<p>(not a readable message)</p>".into(), String::new());
    };
    let headers: String = message
        .headers()
        .iter()
        .map(|h| {
            let value = raw
                .get(h.offset_start as usize..h.offset_end as usize)
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!(
                "<tr><th scope=\"row\">{}</th><td><code>{}</code></td></tr>",
                escape(h.name()),
                escape(&value)
            )
        })
        .collect();
    let attachments: Vec<String> = message
        .attachments()
        .map(|part| {
            let kind = mail_parser::MimeHeaders::content_type(part)
                .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
                .unwrap_or_default();
            format!(
                "<tr><td>{}</td><td>{}</td><td>{} B</td></tr>",
                escape(mail_parser::MimeHeaders::attachment_name(part).unwrap_or("(unnamed)")),
                escape(&kind),
                part.contents().len()
            )
        })
        .collect();
    let attachments = if attachments.is_empty() {
        "<p class=\"muted\">None.</p>".to_owned()
    } else {
        format!(
            "<table class=\"attachments\"><thead><tr><th>Name</th><th>Type</th><th>Size</th></tr></thead><tbody>{}</tbody></table>",
            attachments.concat()
        )
    };
    (
        format!("<table class=\"headers\"><tbody>{headers}</tbody></table>"),
        attachments,
    )
}

#[get("/mailbox/{id}")]
pub async fn show(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    refuse_in_production(&state)?;
    let id = path.into_inner();
    let mail = state
        .db(move |conn| {
            dev_mailbox::find(conn, &id)?.ok_or_else(|| ApiError::not_found("No such mail."))
        })
        .await?;
    let (headers, attachments) = mail.raw.as_deref().map(anatomy).unwrap_or_default();
    Ok(page(
        &mail.subject,
        &format!(
            "<p><a href=\"/dev/mailbox\">← All mail</a></p><h2>{}</h2><p>To: {}<br>Message-ID: {}</p>\
             <h3>Text</h3><pre class=\"text\">{}</pre>\
             <h3>HTML</h3><iframe sandbox=\"allow-popups allow-top-navigation-by-user-activation\" srcdoc=\"{}\"></iframe>\
             <h3>Attachments</h3>{}<h3>Headers</h3>{}",
            escape(&mail.subject),
            escape(&mail.recipient),
            escape(&mail.message_id),
            linkify(&mail.body_text),
            escape(&mail.body_html),
            attachments,
            headers,
        ),
    ))
}
