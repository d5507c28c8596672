pub mod accept;
pub mod publish;
pub mod show;
