pub mod show;
pub mod update;
