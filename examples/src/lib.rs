//! Examples.

/// The bundled demo workspace: a fictional team with fixed dates, people and data paths.
pub mod demo;
/// A local HTTP server that replays the demo's recorded provider responses offline.
pub mod sandbox;
