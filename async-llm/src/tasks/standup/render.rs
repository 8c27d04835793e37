//! The deterministic Markdown rendering the offline model returns.

use super::digest::{Digest, Entry, PersonDigest};
use super::facts::{BlockerFact, Evidence};
use crate::FactSheet;

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

/// Writes `[label](url)`, or the escaped label alone when there is no URL.
fn link(label: &str, url: Option<&str>) -> String {
    match url {
        Some(url) => format!("[{}]({})", escape(label), escape_url(url)),
        None => escape(label),
    }
}

/// Escapes the characters Markdown would read as formatting or HTML.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.push(' ');
            continue;
        }
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Percent-encodes the characters that would end a Markdown link destination early.
fn escape_url(url: &str) -> String {
    let mut escaped = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => escaped.push_str("%20"),
            '(' => escaped.push_str("%28"),
            ')' => escaped.push_str("%29"),
            '<' => escaped.push_str("%3C"),
            '>' => escaped.push_str("%3E"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_marks_formatting() {
        assert_eq!(escape("a*b_c [d] <e>"), r"a\*b\_c \[d\] \<e\>");
        assert_eq!(escape("PAY-12"), "PAY-12");
        assert_eq!(escape("line\nbreak"), "line break");
    }

    #[test]
    fn link_encodes_url_delimiters() {
        assert_eq!(
            link("PAY-1", Some("https://x.test/a (b)")),
            "[PAY-1](https://x.test/a%20%28b%29)"
        );
        assert_eq!(link("acme/pay#4", None), "acme/pay#4");
    }
}
