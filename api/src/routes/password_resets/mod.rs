pub mod confirm;
pub mod create;
