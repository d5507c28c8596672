//! Rebuilds the server when a migration is added or changed: `embed_migrations!` reads the
//! migration folders at compile time, which Cargo does not know to watch.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
