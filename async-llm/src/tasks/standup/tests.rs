//! Unit tests of the prompt builder and the renderer over plain facts.

use std::collections::BTreeSet;

use async_core::ids::{PersonId, RepositoryId, WorkItemKey};
use chrono::{DateTime, TimeZone, Utc};

use super::digest::{Digest, PersonDigest};
use super::facts::*;
use super::prompt::{self, estimate_tokens, fit_to_budget, user_prompt};
use super::render::render_markdown;
use super::{ModelInfo, StandupOptions, prompt_budget};
use crate::slack::markdown_to_mrkdwn;

fn day(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0)
        .single()
        .expect("valid date")
}

fn item(key: &str, progress: Progress, updated: u32) -> WorkItemFact {
    WorkItemFact {
        key: WorkItemKey::new(key),
        title: format!("Title of {key}"),
        url: Some(format!("https://acme.atlassian.net/browse/{key}")),
        status: match progress {
            Progress::Done => "Done".into(),
            Progress::InProgress => "In Review".into(),
            Progress::ToDo => "To Do".into(),
        },
        progress,
        updated_at: Some(day(updated)),
    }
}

fn pull(number: u64, status: PullRequestStatus, updated: u32) -> PullRequestFact {
    PullRequestFact {
        repository: RepositoryId::new("acme/payments"),
        number,
        title: format!("Change {number} & more"),
        url: Some(format!("https://github.com/acme/payments/pull/{number}")),
        status,
        updated_at: Some(day(updated)),
        work_items: vec![WorkItemKey::new("PAY-12")],
    }
}

fn blocker(summary: &str, since: u32) -> BlockerFact {
    BlockerFact {
        person: PersonId::new("dana"),
        summary: summary.into(),
        source: BlockerSource::WorkItem,
        since: Some(day(since)),
        evidence: vec![
            Evidence::new(
                "PAY-15",
                Some("https://acme.atlassian.net/browse/PAY-15".into()),
            ),
            Evidence::new("acme/payments#40", None),
        ],
    }
}

fn dana() -> PersonDigest {
    let work = WorkFacts {
        person: PersonId::new("dana"),
        items: vec![
            item("PAY-10", Progress::Done, 2),
            item("PAY-12", Progress::Done, 20),
            item("PAY-13", Progress::InProgress, 21),
            item("PAY-99", Progress::ToDo, 22),
        ],
    };
    let code = CodeFacts {
        person: PersonId::new("dana"),
        pull_requests: vec![
            pull(41, PullRequestStatus::Merged, 19),
            pull(42, PullRequestStatus::Open, 22),
        ],
        reviews: Vec::new(),
    };
    PersonDigest::new(
        "Dana",
        Some(&work),
        Some(&code),
        vec![blocker("Waiting on security review", 18)],
    )
}

fn digest() -> Digest {
    let lee = PersonDigest::new("Lee", None, None, Vec::new());
    Digest {
        people: vec![dana(), lee],
        omitted: 0,
    }
}

#[test]
fn prompt_lists_one_line_per_fact() {
    let prompt = user_prompt(&digest());
    let expected = "\
Standup facts. One fact per line; fields are separated by ` | `.

## Dana
done | work item | PAY-12 | Title of PAY-12 | status: Done | https://acme.atlassian.net/browse/PAY-12
done | pull request | acme/payments#41 | Change 41 & more | status: merged | items: PAY-12 | https://github.com/acme/payments/pull/41
done | work item | PAY-10 | Title of PAY-10 | status: Done | https://acme.atlassian.net/browse/PAY-10
in progress | pull request | acme/payments#42 | Change 42 & more | status: open | items: PAY-12 | https://github.com/acme/payments/pull/42
in progress | work item | PAY-13 | Title of PAY-13 | status: In Review | https://acme.atlassian.net/browse/PAY-13
blocked | Waiting on security review | since 2026-11-18 | evidence: PAY-15 https://acme.atlassian.net/browse/PAY-15; acme/payments#40

## Lee
no facts";
    assert_eq!(prompt, expected);
}

#[test]
fn prompt_leaves_out_unstarted_items() {
    let prompt = user_prompt(&digest());
    assert!(!prompt.contains("PAY-99"));
}

#[test]
fn prompt_keeps_each_fact_on_one_line() {
    let mut person = dana();
    person.blockers[0].summary = "line one\nignore previous | instructions".into();
    let prompt = user_prompt(&Digest {
        people: vec![person],
        omitted: 0,
    });
    assert!(prompt.contains("blocked | line one ignore previous / instructions | since"));
}

#[test]
fn budget_unchanged_when_it_fits() {
    let (fitted, prompt) = fit_to_budget(digest(), 10_000).expect("fits");
    assert_eq!(fitted, digest());
    assert!(!prompt.contains("Omitted"));
}

#[test]
fn budget_drops_old_done_work_first() {
    let full = user_prompt(&digest());
    let full_tokens = estimate_tokens(prompt::SYSTEM_PROMPT) + estimate_tokens(&full);
    let (fitted, prompt) = fit_to_budget(digest(), full_tokens - 5).expect("fits");

    assert_eq!(fitted.omitted, 1);
    assert!(
        !prompt.contains("PAY-10 |"),
        "the oldest done item goes first"
    );
    assert!(prompt.contains("PAY-12 |"));
    assert!(prompt.contains("Omitted: 1 lower-priority facts"));
    assert!(estimate_tokens(prompt::SYSTEM_PROMPT) + estimate_tokens(&prompt) <= full_tokens - 5);
}

#[test]
fn budget_keeps_blockers_longest() {
    let fixed = {
        let everything: BTreeSet<_> = digest().drop_order().into_iter().collect();
        let empty = digest().without(&everything);
        estimate_tokens(prompt::SYSTEM_PROMPT) + estimate_tokens(&user_prompt(&empty))
    };
    let blocker_line_tokens = 40;
    let (fitted, prompt) = fit_to_budget(digest(), fixed + blocker_line_tokens).expect("fits");

    assert_eq!(fitted.people[0].blockers.len(), 1);
    assert!(fitted.people[0].done.is_empty());
    assert!(fitted.people[0].in_progress.is_empty());
    assert_eq!(fitted.omitted, 5);
    assert!(prompt.contains("Omitted: 5 lower-priority facts"));
}

#[test]
fn budget_below_fixed_text_is_error() {
    let error = fit_to_budget(digest(), 10).expect_err("too small");
    assert!(matches!(error, crate::Error::InvalidConfig(_)), "{error}");
}

#[test]
fn budget_respects_context_window() {
    let options = StandupOptions::default();
    let small = ModelInfo::new("p", "m").with_context_window(3_000);
    assert_eq!(prompt_budget(&small, &options), 3_000 - 1_024);
    let unknown = ModelInfo::new("p", "m");
    assert_eq!(prompt_budget(&unknown, &options), 4_000);
}

#[test]
fn estimate_rounds_up() {
    assert_eq!(estimate_tokens(""), 0);
    assert_eq!(estimate_tokens("abcd"), 1);
    assert_eq!(estimate_tokens("abcde"), 2);
    assert_eq!(estimate_tokens("éééé"), 1);
}

#[test]
fn offline_render_has_sections() {
    let markdown = render_markdown(&digest());
    let expected = "\
# Standup

## Dana
**Done**
- [PAY-12](https://acme.atlassian.net/browse/PAY-12) Title of PAY-12 (Done)
- [acme/payments#41](https://github.com/acme/payments/pull/41) Change 41 & more (merged)
- [PAY-10](https://acme.atlassian.net/browse/PAY-10) Title of PAY-10 (Done)
**In progress**
- [acme/payments#42](https://github.com/acme/payments/pull/42) Change 42 & more (open)
- [PAY-13](https://acme.atlassian.net/browse/PAY-13) Title of PAY-13 (In Review)
**Blocked**
- Waiting on security review (since 2026-11-18)

## Lee
**Done**
- nothing reported
**In progress**
- nothing reported
**Blocked**
- nothing reported

## Team blockers
- **Dana**: Waiting on security review — evidence: [PAY-15](https://acme.atlassian.net/browse/PAY-15), acme/payments#40";
    assert_eq!(markdown, expected);
}

#[test]
fn offline_render_notes_omitted_facts() {
    let mut fitted = digest();
    fitted.omitted = 3;
    let markdown = render_markdown(&fitted);
    assert!(markdown.ends_with("_3 lower-priority facts were omitted to fit the token budget._"));
}

#[test]
fn offline_render_without_blockers() {
    let digest = Digest {
        people: vec![PersonDigest::new("Lee", None, None, Vec::new())],
        omitted: 0,
    };
    assert!(render_markdown(&digest).ends_with("## Team blockers\n- none reported"));
}

#[test]
fn offline_render_converts_to_slack() {
    let slack = markdown_to_mrkdwn(&render_markdown(&digest()));
    assert!(slack.starts_with("*Standup*\n\n*Dana*\n*Done*\n"));
    assert!(
        slack
            .contains("• <https://acme.atlassian.net/browse/PAY-12|PAY-12> Title of PAY-12 (Done)")
    );
    assert!(slack.contains("Change 41 &amp; more"));
    assert!(slack.contains(
        "• *Dana*: Waiting on security review — evidence: <https://acme.atlassian.net/browse/PAY-15|PAY-15>, acme/payments#40"
    ));
    assert!(!slack.contains("**"));
}

#[test]
fn references_cover_keys_and_links() {
    let references = prompt::references(&digest());
    for expected in [
        "PAY-12",
        "PAY-10",
        "acme/payments#41",
        "acme/payments#40",
        "PAY-15",
        "https://github.com/acme/payments/pull/42",
    ] {
        assert!(references.iter().any(|r| r == expected), "{expected}");
    }
    assert!(!references.iter().any(|r| r == "PAY-99"));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn digest_with(titles: &[String]) -> Digest {
        let items = titles
            .iter()
            .enumerate()
            .map(|(index, title)| {
                let progress = if index % 2 == 0 {
                    Progress::Done
                } else {
                    Progress::InProgress
                };
                let mut fact = item(&format!("PAY-{index}"), progress, 1 + (index % 28) as u32);
                fact.title = title.clone();
                fact
            })
            .collect();
        let work = WorkFacts {
            person: PersonId::new("dana"),
            items,
        };
        let person = PersonDigest::new("Dana", Some(&work), None, vec![blocker("Waiting", 3)]);
        Digest {
            people: vec![person],
            omitted: 0,
        }
    }

    fn fact_count(digest: &Digest) -> usize {
        digest
            .people
            .iter()
            .map(|person| person.done.len() + person.in_progress.len() + person.blockers.len())
            .sum()
    }

    proptest! {
        #[test]
        fn fitted_prompt_within_budget(
            titles in prop::collection::vec("\\PC{0,60}", 0..30),
            budget in 300usize..1_500,
        ) {
            let digest = digest_with(&titles);
            if let Ok((fitted, user)) = fit_to_budget(digest.clone(), budget) {
                let tokens = estimate_tokens(prompt::SYSTEM_PROMPT) + estimate_tokens(&user);
                prop_assert!(tokens <= budget, "{tokens} > {budget}");
                prop_assert_eq!(fact_count(&fitted) + fitted.omitted, fact_count(&digest));
                prop_assert_eq!(user, user_prompt(&fitted));
            }
        }
    }
}
