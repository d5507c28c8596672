//! The Shirase SPA: one route per wizard step, Japanese by default, English on request.

pub mod api;
mod app;
pub mod components;
pub mod erased;
pub mod i18n;
mod lazy;
pub mod pages;
pub mod session;

pub use app::App;
