//! The `tasks` binary with the offline model: every task writes its result, each result
//! cites its facts, and the speaker whose chat is private never appears.

use std::process::{Command, Output};

/// Runs the binary with no provider key, so the offline model writes every result.
fn tasks() -> Output {
    tasks_with(&[])
}

/// Runs the binary with `args` and no provider key.
fn tasks_with(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tasks"));
    command.args(args);
    for variable in ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY"] {
        command.env_remove(variable);
    }
    command.output().expect("the tasks binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn offline_run_writes_every_task() {
    let output = tasks();
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "stderr: {stderr}");

    assert!(stderr.contains("model: offline"), "{stderr}");
    assert!(
        stdout.contains("# Retrospective: PAY Sprint 23"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 item was carried over: PAY-13."),
        "{stdout}"
    );
    assert!(
        stdout.contains("# Refund audit sync (2026-12-03)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "**Lee Okafor**: Lee Okafor, can you draft the schema by Friday (due 2026-12-04, cue 5)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("`item:PAY-13`"), "{stdout}");
    assert!(!stdout.contains("person-"), "{stdout}");
}

#[test]
fn private_speaker_stays_out() {
    let output = tasks();
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);

    assert!(stderr.contains("sam shares chat with nobody"), "{stderr}");
    assert!(!stdout.contains("pair with Lee"), "{stdout}");
    assert!(!stdout.contains("cue 6"), "{stdout}");
}

#[test]
fn unknown_flag_fails_with_usage() {
    let output = tasks_with(&["--bogus"]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("--bogus"), "{stderr}");
    assert!(stderr.contains("Usage"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn help_describes_the_binary() {
    let output = tasks_with(&["--help"]);
    let stdout = text(&output.stdout);

    assert!(output.status.success());
    assert!(stdout.starts_with("Run the copilot"), "{stdout}");
    assert!(stdout.contains("OPENAI_API_KEY"), "{stdout}");
}
