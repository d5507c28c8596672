//! Mail templates are files under `api/templates/mail/` (`NAME.LANG.txt` and `.html`),
//! compiled into the binary. The text template's first line is `Subject: …`.

use anyhow::{Context, anyhow};
use lettre::message::Body;
use minijinja::{Environment, Value};
use shared::domain::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTemplate {
    Activation,
    AccountExists,
    PasswordReset,
    RecipientVerification,
    /// A webhook destination failed too often and was quarantined.
    WebhookQuarantined,
    /// A delivery address bounced and was suspended.
    AddressSuspended,
    /// A notice publication; rendered by the dispatcher, see `notice_mail`.
    Notice,
    /// To a new login address: the link that confirms the change.
    EmailChange,
    /// To the current login address: a change was asked for.
    EmailChangeNotice,
    /// Notices held until an address's window opened, as one mail.
    Digest,
}

impl MailTemplate {
    fn name(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::AccountExists => "account_exists",
            Self::PasswordReset => "password_reset",
            Self::RecipientVerification => "recipient_verification",
            Self::WebhookQuarantined => "webhook_quarantined",
            Self::AddressSuspended => "address_suspended",
            Self::Notice => "notice",
            Self::EmailChange => "email_change",
            Self::EmailChangeNotice => "email_change_notice",
            Self::Digest => "digest",
        }
    }
}

macro_rules! templates {
    ($($file:literal),* $(,)?) => {
        [$(($file, include_str!(concat!("../../templates/mail/", $file)))),*]
    };
}

const SOURCES: [(&str, &str); 41] = templates![
    "layout.html",
    "activation.ja.txt",
    "activation.en.txt",
    "activation.ja.html",
    "activation.en.html",
    "account_exists.ja.txt",
    "account_exists.en.txt",
    "account_exists.ja.html",
    "account_exists.en.html",
    "password_reset.ja.txt",
    "password_reset.en.txt",
    "password_reset.ja.html",
    "password_reset.en.html",
    "recipient_verification.ja.txt",
    "recipient_verification.en.txt",
    "recipient_verification.ja.html",
    "recipient_verification.en.html",
    "webhook_quarantined.ja.txt",
    "webhook_quarantined.en.txt",
    "webhook_quarantined.ja.html",
    "webhook_quarantined.en.html",
    "address_suspended.ja.txt",
    "address_suspended.en.txt",
    "address_suspended.ja.html",
    "address_suspended.en.html",
    "notice.ja.txt",
    "notice.en.txt",
    "notice.ja.html",
    "notice.en.html",
    "email_change.ja.txt",
    "email_change.en.txt",
    "email_change.ja.html",
    "email_change.en.html",
    "email_change_notice.ja.txt",
    "email_change_notice.en.txt",
    "email_change_notice.ja.html",
    "email_change_notice.en.html",
    "digest.ja.txt",
    "digest.en.txt",
    "digest.ja.html",
    "digest.en.html",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A mail with its bodies in their transfer encoding, ready for SMTP.
pub struct EncodedMail {
    pub subject: String,
    pub text: Body,
    pub html: Body,
}

impl From<RenderedMail> for EncodedMail {
    fn from(mail: RenderedMail) -> Self {
        Self {
            subject: mail.subject,
            text: Body::new(mail.text),
            html: Body::new(mail.html),
        }
    }
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn load() -> anyhow::Result<Self> {
        let mut env = Environment::new();
        // `.html` templates escape every value (minijinja's default by file extension);
        // `.txt` ones are plain text.
        for (name, source) in SOURCES {
            env.add_template(name, source)
                .with_context(|| format!("mail template {name}"))?;
        }
        Ok(Self { env })
    }

    pub fn render(
        &self,
        template: MailTemplate,
        language: Language,
        context: Value,
    ) -> anyhow::Result<RenderedMail> {
        let base = format!("{}.{}", template.name(), language.code());
        let lang_ctx = minijinja::context! { lang => language.code(), ..context };
        let text = self
            .env
            .get_template(&format!("{base}.txt"))?
            .render(&lang_ctx)?;
        let html = self
            .env
            .get_template(&format!("{base}.html"))?
            .render(&lang_ctx)?;
        let (first, body) = text.split_once('\n').unwrap_or((&text, ""));
        let subject = first
            .strip_prefix("Subject: ")
            .ok_or_else(|| anyhow!("{base}.txt must start with a Subject: line"))?;
        // A subject is one line whatever a value contained: no header can be smuggled in.
        let subject: String = subject.chars().filter(|c| !c.is_control()).collect();
        Ok(RenderedMail {
            subject,
            text: body.trim_start().to_owned(),
            html,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_in_both_languages() -> anyhow::Result<()> {
        let templates = Templates::load()?;
        for t in [
            MailTemplate::Activation,
            MailTemplate::AccountExists,
            MailTemplate::PasswordReset,
            MailTemplate::WebhookQuarantined,
            MailTemplate::AddressSuspended,
        ] {
            for lang in [Language::Ja, Language::En] {
                let ctx = minijinja::context! {
                    family_name => "<b>山田</b>", given_name => "太郎",
                    url => "https://x.test/a?token=1&b=2", login_url => "u", reset_url => "r", company => "C",
                    expires_at => "2026-11-25 10:00 JST",
                    name => "n", channel => "Slack", since => "s", last_error => "e",
                    address => "a@example.com", no_such_user => true, reply => "550 5.1.1",
                };
                let mail = templates.render(t, lang, ctx)?;
                assert!(!mail.subject.is_empty());
                assert!(!mail.text.starts_with("Subject"));
                assert!(!mail.html.contains("<b>山田</b>"), "HTML escapes values");
                assert!(
                    mail.text.contains("<b>山田</b>"),
                    "text keeps values as they are"
                );
            }
        }
        Ok(())
    }
}
