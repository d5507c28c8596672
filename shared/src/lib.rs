//! What the Shirase API and its SPA must agree on: request and response bodies, the problem
//! document, and the parsers that turn raw input into values that cannot be wrong.
//!
//! Both sides call the same parsers, so a form rejects exactly what the API would reject,
//! with the same field codes.

pub mod domain;
pub mod dto;
pub mod i18n;
#[cfg(feature = "markdown")]
pub mod markup;
pub mod placeholders;
pub mod problem;

pub use problem::{FieldCode, FieldError, FieldErrors, Problem, ProblemKind};
