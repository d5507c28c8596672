//! Per table: the read struct, the insertable `New*` struct and the queries on it.

pub mod account;
pub mod api_token;
pub mod catalog;
pub mod email_change;
pub mod feed_key;
pub mod notice;
pub mod notice_template;
pub mod opt_out;
pub mod password_reset;
pub mod recipient;
pub mod registration;
pub mod session;
pub mod subscription;
pub mod terms;
pub mod webhook;

/// A new primary key: UUIDv7 as text, so ids sort by creation and work on both backends.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
