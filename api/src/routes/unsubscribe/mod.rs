//! RFC 8058 one-click unsubscribe, the target of notice mails' `List-Unsubscribe`, and what
//! the page that asks first shows.

pub mod one_click;
pub mod show;
