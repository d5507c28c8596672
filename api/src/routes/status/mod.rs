//! The public status overview: each product's state and its last 90 days.

pub mod show;
