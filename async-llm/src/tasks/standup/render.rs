//! The deterministic Markdown rendering the offline model returns.

use super::digest::{Digest, Entry, PersonDigest};
use super::facts::{BlockerFact, Evidence};
use crate::FactSheet;
use crate::tasks::markdown::{escape, link};

impl FactSheet for Digest {
    fn render_markdown(&self) -> String {
        render_markdown(self)
    }
}

/// Writes the standup: per person Done, In progress and Blocked, then the team's
/// blockers with their evidence.
pub(crate) fn render_markdown(digest: &Digest) -> String {
    let mut lines = vec!["# Standup".to_owned()];
    for person in &digest.people {
        lines.push(String::new());
        lines.extend(person_section(person));
    }

    lines.push(String::new());
    lines.push("## Team blockers".to_owned());
    let team_blockers: Vec<String> = digest
        .people
        .iter()
        .flat_map(|person| {
            person
                .blockers
                .iter()
                .map(move |blocker| team_blocker_line(&person.name, blocker))
        })
        .collect();
    if team_blockers.is_empty() {
        lines.push("- none reported".to_owned());
    }
    lines.extend(team_blockers);

    if digest.omitted > 0 {
        lines.push(String::new());
        lines.push(format!(
            "_{} lower-priority facts were omitted to fit the token budget._",
            digest.omitted
        ));
    }
    lines.join("\n")
}

fn person_section(person: &PersonDigest) -> Vec<String> {
    let mut lines = vec![format!("## {}", escape(&person.name))];

    lines.push("**Done**".to_owned());
    lines.extend(list_or_nothing(
        person.done.iter().map(entry_line).collect(),
    ));
    lines.push("**In progress**".to_owned());
    lines.extend(list_or_nothing(
        person.in_progress.iter().map(entry_line).collect(),
    ));
    lines.push("**Blocked**".to_owned());
    lines.extend(list_or_nothing(
        person.blockers.iter().map(blocker_line).collect(),
    ));
    lines
}

fn list_or_nothing(items: Vec<String>) -> Vec<String> {
    if items.is_empty() {
        return vec!["- nothing reported".to_owned()];
    }
    items
}

fn entry_line(entry: &Entry) -> String {
    let reference = link(&entry.reference(), entry.url());
    let action = match entry {
        Entry::Review(_) => "Reviewed ",
        Entry::Item(_) | Entry::Pull(_) => "",
    };
    format!(
        "- {action}{reference} {} ({})",
        escape(entry.title()),
        escape(entry.status())
    )
}

fn blocker_line(blocker: &BlockerFact) -> String {
    match blocker.since {
        Some(since) => format!(
            "- {} (since {})",
            escape(&blocker.summary),
            since.format("%Y-%m-%d")
        ),
        None => format!("- {}", escape(&blocker.summary)),
    }
}

fn team_blocker_line(name: &str, blocker: &BlockerFact) -> String {
    let mut line = format!("- **{}**: {}", escape(name), escape(&blocker.summary));
    if !blocker.evidence.is_empty() {
        let evidence: Vec<String> = blocker.evidence.iter().map(evidence_link).collect();
        line.push_str(&format!(" — evidence: {}", evidence.join(", ")));
    }
    line
}

fn evidence_link(evidence: &Evidence) -> String {
    link(&evidence.label, evidence.url.as_deref())
}
