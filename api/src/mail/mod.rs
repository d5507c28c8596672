//! Mail: templates rendered into the outbox inside the caller's transaction, and a
//! dispatcher task that delivers the outbox over SMTP or into the dev mailbox.

pub mod dev_mailbox;
pub mod dispatcher;
pub mod notice_mail;
pub mod outbox;
pub mod smtp;
pub mod spliced;
pub mod templates;
pub mod unsubscribe;

pub use outbox::OutgoingMail;
pub use templates::{MailTemplate, Templates};
