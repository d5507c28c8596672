//! RFC 8058 one-click unsubscribe, the target of notice mails' `List-Unsubscribe`.

pub mod one_click;
