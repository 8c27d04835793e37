//! Standup.
fn main() {}
