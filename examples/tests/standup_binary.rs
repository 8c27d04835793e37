//! The `standup` binary as a newcomer runs it: the demo's planted blockers appear with
//! their evidence, the policy hides what a viewer may not see, the store holds no
//! plaintext, and wrong input fails with a message and a non-zero exit.

use std::process::{Command, Output};

/// Runs the binary with `args` and the given environment, with no inherited credentials.
fn standup(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_standup"));
    command.args(args);
    for variable in [
        "ANTHROPIC_API_KEY",
        "OPENAI_API_KEY",
        "GEMINI_API_KEY",
        "ASYNC_STORE_KEY",
        "GITHUB_TOKEN",
        "SLACK_BOT_TOKEN",
        "JIRA_SITE",
        "JIRA_EMAIL",
        "JIRA_API_TOKEN",
        "ASYNC_GITHUB_REPOS",
        "ASYNC_SLACK_CHANNELS",
        "ASYNC_JIRA_BOARD",
        "ASYNC_IDENTITIES",
    ] {
        command.env_remove(variable);
    }
    command.envs(env.iter().copied());
    command.output().expect("the standup binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The section of the standup after its "Team blockers" heading.
fn team_blockers(markdown: &str) -> &str {
    let start = markdown
        .find("## Team blockers")
        .expect("a team blockers section");
    &markdown[start..]
}

#[test]
fn demo_lists_every_planted_blocker() {
    let output = standup(&[], &[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "stderr: {}", text(&output.stderr));

    let blockers = team_blockers(&stdout);
    let expected = [
        ("Ingrid Solberg", "PAY-141", "flagged as an impediment"),
        ("Ingrid Solberg", "PAY-148", "blocked by PAY-152"),
        ("Tomás Herrera", "PAY-150", "in status Blocked"),
        ("Tomás Herrera", "PAY-139", "3 working days"),
        ("Priya Raghunathan", "acme/payments-api#216", "first review"),
        ("Lee Min-jun", "1795618080.002100", "Blocked on PAY-151"),
    ];
    for (person, evidence, phrase) in expected {
        let line = blockers
            .lines()
            .find(|line| line.contains(evidence) && line.contains(phrase))
            .unwrap_or_else(|| {
                panic!("no blocker line with {evidence} and {phrase:?} in:\n{blockers}")
            });
        assert!(line.contains(person), "{line}");
    }
    assert_eq!(
        blockers
            .lines()
            .filter(|line| line.starts_with("- "))
            .count(),
        6,
        "{blockers}"
    );
}

#[test]
fn demo_names_real_items_and_links() {
    let output = standup(&[], &[]);
    let stdout = text(&output.stdout);

    assert!(stdout.contains("[PAY-134](https://acme-payments.atlassian.example/browse/PAY-134)"));
    assert!(
        stdout
            .contains("[acme/payments-api#212](https://github.example/acme/payments-api/pull/212)")
    );
    assert!(stdout.contains("## Yusuf Demir"));
}

#[test]
fn demo_reports_progress_and_model_on_stderr() {
    let output = standup(&[], &[]);
    let stderr = text(&output.stderr);

    for provider in ["github", "jira", "slack"] {
        assert!(
            stderr.contains(&format!("sync: {provider} stored")),
            "{stderr}"
        );
    }
    assert!(stderr.contains("model: offline renderer"), "{stderr}");
}

#[test]
fn viewer_without_chat_access_gets_no_chat() {
    let output = standup(&["--as", "priya"], &[]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "stderr: {stderr}");

    assert!(!stdout.contains("PAY-151"), "{stdout}");
    assert!(!stdout.contains("1795618080.002100"), "{stdout}");
    assert!(
        stdout.contains("PAY-141"),
        "work blockers stay visible:\n{stdout}"
    );
    assert!(
        stderr.contains("priya may not see the chat of lee"),
        "{stderr}"
    );
}

#[test]
fn slack_format_is_mrkdwn() {
    let output = standup(&["--format", "slack"], &[]);
    let stdout = text(&output.stdout);

    assert!(output.status.success());
    assert!(stdout.starts_with("*Standup*"), "{stdout}");
    assert!(
        stdout.contains("<https://acme-payments.atlassian.example/browse/PAY-141|PAY-141>"),
        "{stdout}"
    );
}

#[test]
fn store_file_holds_no_plaintext() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("demo.sqlite");
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    let output = standup(
        &["--store", path.to_str().expect("utf-8 path")],
        &[("ASYNC_STORE_KEY", key)],
    );
    assert!(output.status.success(), "stderr: {}", text(&output.stderr));

    let mut bytes = std::fs::read(&path).expect("store file");
    if let Ok(wal) = std::fs::read(folder.path().join("demo.sqlite-wal")) {
        bytes.extend(wal);
    }
    // Record keys (such as `work_item/PAY-151`) are stored as they are; values are sealed.
    let contents = [
        "Blocked on",
        "Ledger schema migration",
        "Dana Whitfield",
        "acme.example",
    ];
    for plaintext in contents.into_iter().chain(["demo-token"]) {
        let found = bytes
            .windows(plaintext.len())
            .any(|window| window == plaintext.as_bytes());
        assert!(!found, "{plaintext:?} is stored in plaintext");
    }
}

#[test]
fn store_reopens_with_same_key_only() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("demo.sqlite");
    let path = path.to_str().expect("utf-8 path");
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    assert!(
        standup(&["--store", path], &[("ASYNC_STORE_KEY", key)])
            .status
            .success()
    );
    assert!(
        standup(&["--store", path], &[("ASYNC_STORE_KEY", key)])
            .status
            .success()
    );
}

#[test]
fn unreadable_store_file_names_path() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("damaged.sqlite");
    let garbage = b"not a SQLite database, just bytes".repeat(64);
    std::fs::write(&path, &garbage).expect("write the damaged file");

    let output = standup(&["--store", path.to_str().expect("utf-8 path")], &[]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("could not open the store at {}", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("--store"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(&path).expect("file still there"), garbage);
}

#[test]
fn unknown_viewer_fails_with_known_people() {
    let output = standup(&["--as", "nobody"], &[]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("unknown person `nobody`"), "{stderr}");
    assert!(stderr.contains("dana"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn unknown_flag_fails_with_usage() {
    let output = standup(&["--bogus"], &[]);

    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("unexpected argument '--bogus'"));
}

#[test]
fn help_describes_the_binary() {
    let output = standup(&["--help"], &[]);
    let stdout = text(&output.stdout);

    assert!(output.status.success());
    assert!(stdout.starts_with("Print a team standup"), "{stdout}");
    assert!(stdout.contains("--as <PERSON>"), "{stdout}");
}

#[test]
fn invalid_store_key_names_the_problem() {
    let output = standup(&[], &[("ASYNC_STORE_KEY", "not a key")]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("ASYNC_STORE_KEY is invalid"), "{stderr}");
}

#[test]
fn live_names_each_missing_variable() {
    let output = standup(&["--live"], &[("GITHUB_TOKEN", "ghp_example")]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("ASYNC_GITHUB_REPOS"), "{stderr}");
    assert!(stderr.contains("ASYNC_IDENTITIES"), "{stderr}");
    assert!(!stderr.contains("ghp_example"), "{stderr}");
}

#[test]
fn live_rejects_jira_site_off_atlassian() {
    let env = [
        ("JIRA_SITE", "https://user:hunter2@jira.attacker.example"),
        ("JIRA_EMAIL", "dana@acme.example"),
        ("JIRA_API_TOKEN", "atl-secret"),
        ("ASYNC_JIRA_BOARD", "31"),
        ("ASYNC_IDENTITIES", "demo/identities.toml"),
    ];
    let output = standup(&["--live", "--as", "dana"], &env);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("JIRA_SITE"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!stderr.contains("atl-secret"), "{stderr}");
    assert!(!stderr.contains("sync:"), "{stderr}");
}

#[test]
fn visibility_for_unknown_person_is_rejected() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("visibility.toml");
    let settings = "[[setting]]\nperson = \"leo\"\ncategory = \"chat\"\nvisibility = \"only_me\"\n";
    std::fs::write(&path, settings).expect("settings written");

    let output = standup(&["--visibility", path.to_str().expect("utf-8 path")], &[]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("person `leo` is not in the identity mapping"),
        "{stderr}"
    );
}

#[test]
fn invalid_identity_mapping_names_the_file() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("identities.toml");
    std::fs::write(&path, "[[person]]\nid = \"dana\"\nname = [\n").expect("mapping written");
    let env = [
        ("GITHUB_TOKEN", "ghp_example"),
        ("ASYNC_GITHUB_REPOS", "acme/payments-api"),
        ("ASYNC_IDENTITIES", path.to_str().expect("utf-8 path")),
    ];

    let output = standup(&["--live", "--as", "dana"], &env);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("identities.toml is invalid"), "{stderr}");
    assert!(stderr.contains("ASYNC_IDENTITIES"), "{stderr}");
    assert!(!stderr.contains("sync:"), "{stderr}");
    assert!(!stderr.contains("ghp_example"), "{stderr}");
}

#[test]
fn pseudonyms_flag_still_prints_names() {
    let plain = standup(&[], &[]);
    let hidden = standup(&["--pseudonyms"], &[]);
    let stdout = text(&hidden.stdout);
    assert!(hidden.status.success(), "stderr: {}", text(&hidden.stderr));

    let headings = |markdown: &str| -> Vec<String> {
        markdown
            .lines()
            .filter(|line| line.starts_with("## "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(headings(&stdout), headings(&text(&plain.stdout)));
    assert!(stdout.contains("## Yusuf Demir"), "{stdout}");
    assert!(!stdout.contains("person-"), "{stdout}");
}
