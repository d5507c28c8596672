//! Request and response bodies of the REST API (`snake_case` on the wire).
//!
//! Request bodies keep raw strings with `#[serde(default)]`: a missing field must reach the
//! parser and come back as a `required` field error, not as an opaque deserialisation failure.

mod accounts;
mod catalog;
mod destinations;
mod notices;
mod recipients;
mod terms;
mod tokens;

pub use accounts::*;
pub use catalog::*;
pub use destinations::*;
pub use notices::*;
pub use recipients::*;
pub use terms::*;
pub use tokens::*;
