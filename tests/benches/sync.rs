//! Sync benchmark (placeholder).
fn main() {}
