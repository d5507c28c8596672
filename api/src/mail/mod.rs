//! Mail: templates, notice mails, the SMTP client and the dev mailbox. The delivery ledger
//! (`crate::delivery`) queues and sends them.

pub mod bounce;
pub mod dev_mailbox;
pub mod notice_mail;
pub mod smtp;
pub mod spliced;
pub mod templates;
pub mod unsubscribe;

pub use templates::{MailTemplate, Templates};
