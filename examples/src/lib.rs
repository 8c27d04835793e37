//! Runnable examples and the bundled demo workspace of the ASYNC SDK.
//!
//! - [`demo`]: the bundled demo workspace, a fictional team with fixed dates, people and
//!   data paths.
//! - [`sandbox`]: a local HTTP server that replays the demo's recorded provider responses,
//!   so that the examples run offline through the real connectors.
//! - [`pipeline`]: the standup job step by step, shared by the `standup` binary, its tests
//!   and the benchmarks.

pub mod demo;
pub mod pipeline;
pub mod sandbox;
