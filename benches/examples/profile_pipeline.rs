//! Runs the standup pipeline, or the JSON parse it is compared with, on a synthetic
//! workspace, for an instruction count under `valgrind --tool=callgrind`.
//!
//! Criterion measures time, which moves with the machine's load. An instruction count
//! does not, so it shows where the pipeline's cost goes even on a busy machine:
//!
//! ```sh
//! cargo build --release -p async-benches --example profile_pipeline
//! valgrind --tool=callgrind target/release/examples/profile_pipeline pipeline 800
//! valgrind --tool=callgrind target/release/examples/profile_pipeline parse 800
//! ```

use std::process::ExitCode;

use async_core::model::ActivityBatch;

const USAGE: &str = "usage: profile_pipeline <pipeline|parse> [PEOPLE] [RUNS]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(mode) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let (Ok(people), Ok(runs)) = (number(args.get(1), 800), number(args.get(2), 1)) else {
        eprintln!("invalid number: PEOPLE and RUNS must be positive integers\n{USAGE}");
        return ExitCode::FAILURE;
    };

    let workspace = async_benches::synthetic(people);
    let work = match mode.as_str() {
        "pipeline" => (0..runs)
            .map(|_| async_benches::run_pipeline(&workspace).prompt_chars)
            .sum::<usize>(),
        "parse" => parse(&workspace.batch, runs),
        other => {
            eprintln!("unknown mode {other:?}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    println!("{} records, {work} units of work", workspace.batch.len());
    ExitCode::SUCCESS
}

/// Parses `value` as a positive count, or returns `default` when it is absent.
fn number(value: Option<&String>, default: usize) -> Result<usize, ()> {
    match value {
        None => Ok(default),
        Some(text) => text.parse().ok().filter(|n| *n > 0).ok_or(()),
    }
}

/// Parses the batch's JSON `runs` times and returns the records read.
fn parse(batch: &ActivityBatch, runs: usize) -> usize {
    let json = serde_json::to_vec(batch).expect("records serialize");
    (0..runs)
        .map(|_| {
            let parsed: ActivityBatch = serde_json::from_slice(&json).expect("records parse");
            parsed.len()
        })
        .sum()
}
