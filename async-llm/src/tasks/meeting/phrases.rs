//! The phrase-based extractor the offline model uses, and the due-date reader both
//! paths share.
//!
//! A sentence is a **decision** when it contains one of [`DECISION_PHRASES`] ("we
//! decided", "let's go with", "we agreed", ...). It is an **action item** when it
//!
//! - starts with `action item`, `todo` or `to do` (the owner follows `for`, as in
//!   "Action item for Lee: ...", and is otherwise the speaker),
//! - contains a first-person commitment such as "I'll" or "I will" (the owner is the
//!   speaker), or
//! - starts with a participant's name followed by `will`, `can you`, `could you` or
//!   `to` ("Lee will update the runbook"; the owner is that participant).
//!
//! A due date is read from `by` and a weekday (the next such day after the meeting),
//! `by tomorrow`, `by today` / `by end of day` / `by EOD`, `by end of (the) week` (that
//! week's Friday) and `by YYYY-MM-DD`. Vaguer timeframes ("next sprint", "soon") leave
//! the date empty rather than guess one.
//!
//! These rules find performative statements, the clear cases. They miss decisions
//! reached over several turns and can take "I'll be out tomorrow" for a commitment; a
//! language model reads the same cues with more judgement.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::transcript::{Cue, MeetingTranscript};

/// Phrases that mark a sentence as a decision.
pub(crate) const DECISION_PHRASES: &[&str] = &[
    "we decided",
    "we've decided",
    "we have decided",
    "decision is",
    "decision:",
    "we agreed",
    "we've agreed",
    "we all agreed",
    "agreed to",
    "let's go with",
    "lets go with",
    "we'll go with",
    "we will go with",
    "we're going with",
    "we are going with",
];

/// Openings that mark a sentence as an action item.
const ACTION_OPENINGS: &[&str] = &["action item", "todo", "to do"];

/// First-person commitments, owned by the speaker.
const COMMITMENTS: &[&str] = &[
    "i'll ",
    "i will ",
    "i can take ",
    "i'm going to ",
    "i am going to ",
    "let me take ",
];

/// Requests addressed to someone, which stay action items although they end in `?`.
const ASKS: &[&str] = &[", can you ", " can you ", ", could you ", " could you "];

/// Words after a participant's name that assign them a task.
const ASSIGNMENTS: &[&str] = &[
    " will ",
    ", can you ",
    " can you ",
    ", could you ",
    " could you ",
    " to ",
];

/// A decision or an action item found in one cue.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Found {
    Decision {
        statement: String,
        cue: u32,
    },
    Action {
        description: String,
        owner: Option<String>,
        due: Option<NaiveDate>,
        cue: u32,
    },
}

/// Returns whether a cue's text contains any phrase the extractor looks for.
pub(crate) fn is_candidate(text: &str, names: &[&str]) -> bool {
    sentences(text)
        .iter()
        .any(|sentence| decision(sentence) || action_owner(sentence, "", names).is_some())
}

/// Extracts the decisions and action items of every cue, in cue order.
pub(crate) fn extract(transcript: &MeetingTranscript) -> Vec<Found> {
    let names: Vec<&str> = transcript
        .participants
        .iter()
        .map(|participant| participant.name.as_str())
        .collect();
    let mut found = Vec::new();
    for cue in &transcript.cues {
        found.extend(extract_cue(transcript, cue, &names));
    }
    found
}

fn extract_cue(transcript: &MeetingTranscript, cue: &Cue, names: &[&str]) -> Vec<Found> {
    let speaker = transcript.speaker_name(cue);
    let mut found = Vec::new();
    for sentence in sentences(&cue.text) {
        if decision(&sentence) {
            found.push(Found::Decision {
                statement: sentence,
                cue: cue.index,
            });
        } else if let Some(owner) = action_owner(&sentence, speaker, names) {
            found.push(Found::Action {
                due: due_date(&sentence, transcript.date),
                description: sentence,
                owner: Some(owner),
                cue: cue.index,
            });
        }
    }
    found
}

/// Splits text into trimmed sentences at `.`, `!` and `?` followed by a space or the end.
fn sentences(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        let ends =
            matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|next| next.is_whitespace());
        if ends {
            push_sentence(&mut sentences, &current);
            current.clear();
        }
    }
    push_sentence(&mut sentences, &current);
    sentences
}

fn push_sentence(sentences: &mut Vec<String>, text: &str) {
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        sentences.push(trimmed.to_owned());
    }
}

fn decision(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    !lower.ends_with('?') && DECISION_PHRASES.iter().any(|phrase| lower.contains(phrase))
}

/// Returns the owner's name when the sentence assigns a task.
fn action_owner(sentence: &str, speaker: &str, names: &[&str]) -> Option<String> {
    let lower = sentence.to_lowercase();
    for opening in ACTION_OPENINGS {
        if let Some(rest) = lower.strip_prefix(opening) {
            let named = rest
                .trim_start()
                .strip_prefix("for ")
                .and_then(|after| named_at_start(after, names))
                .map(|(name, _)| name);
            return Some(named.unwrap_or_else(|| speaker.to_owned()));
        }
    }
    if lower.ends_with('?') && !ASKS.iter().any(|ask| lower.contains(ask)) {
        return None;
    }
    let committed = COMMITMENTS.iter().any(|commitment| {
        lower.starts_with(commitment) || lower.contains(&format!(" {commitment}"))
    });
    if committed {
        return Some(speaker.to_owned());
    }
    let (name, rest) = named_at_start(&lower, names)?;
    ASSIGNMENTS
        .iter()
        .any(|assignment| rest.starts_with(assignment))
        .then_some(name)
}

/// Returns the participant whose full name, or unambiguous first name, starts the
/// lowercase text, with the rest of the text after the name.
fn named_at_start<'a>(lower: &'a str, names: &[&str]) -> Option<(String, &'a str)> {
    let first_name = |name: &str| name.split_whitespace().next().map(str::to_lowercase);
    let mut candidates: Vec<(String, &str)> = Vec::new();
    for name in names {
        candidates.push((name.to_lowercase(), name));
        let Some(first) = first_name(name) else {
            continue;
        };
        let shared = names
            .iter()
            .filter(|other| first_name(other).as_deref() == Some(first.as_str()))
            .count();
        if shared == 1 {
            candidates.push((first, name));
        }
    }
    // Longest first, so "dana whitfield" wins over "dana".
    candidates.sort_by_key(|(said, _)| std::cmp::Reverse(said.len()));
    candidates.into_iter().find_map(|(said, name)| {
        let rest = lower.strip_prefix(said.as_str())?;
        let boundary = rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
        boundary.then(|| ((*name).to_owned(), rest))
    })
}

/// Reads a due date said in `sentence`, relative to the meeting's `date`.
pub(crate) fn due_date(sentence: &str, date: NaiveDate) -> Option<NaiveDate> {
    let lower = sentence.to_lowercase();
    let (_, said) = lower.split_once("by ")?;
    let said = said.trim_start_matches("the ");
    let word: String = said
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();

    if let Ok(exact) = NaiveDate::parse_from_str(&word, "%Y-%m-%d") {
        return Some(exact);
    }
    if let Some(weekday) = weekday(&word) {
        return Some(next_weekday(date, weekday));
    }
    match word.as_str() {
        "tomorrow" => date.checked_add_days(Days::new(1)),
        "today" | "eod" | "tonight" => Some(date),
        "end" if said.starts_with("end of day") || said.starts_with("end of the day") => Some(date),
        "end" if said.starts_with("end of week") || said.starts_with("end of the week") => {
            Some(end_of_week(date))
        }
        "eow" => Some(end_of_week(date)),
        _ => None,
    }
}

fn weekday(word: &str) -> Option<Weekday> {
    let weekday = match word {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    };
    Some(weekday)
}

/// Returns the first `weekday` after `date`; said on a Friday, "by Friday" means a week
/// later, because a task due the same day is said as "today".
fn next_weekday(date: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (weekday.num_days_from_monday() + 7 - date.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    date + Days::new(u64::from(ahead))
}

/// Returns the Friday of `date`'s week, or the next Friday when said on a weekend.
fn end_of_week(date: NaiveDate) -> NaiveDate {
    if date.weekday() == Weekday::Fri {
        return date;
    }
    next_weekday(date, Weekday::Fri)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thursday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date")
    }

    #[test]
    fn sentences_split_at_end_marks() {
        assert_eq!(
            sentences("We decided on Postgres. Lee will migrate v1.2 data! Done?"),
            [
                "We decided on Postgres.",
                "Lee will migrate v1.2 data!",
                "Done?"
            ]
        );
    }

    #[test]
    fn decision_phrases_match() {
        assert!(decision("Okay, let's go with the simple chip."));
        assert!(decision("We agreed to freeze the API."));
        assert!(!decision("Should we decide on the chip?"));
        assert!(!decision("We need to decide on the chip type."));
    }

    #[test]
    fn owners_from_commitments_and_names() {
        let names = ["Dana Whitfield", "Lee"];
        assert_eq!(
            action_owner("I'll update the runbook.", "Sam", &names).as_deref(),
            Some("Sam")
        );
        assert_eq!(
            action_owner("Lee will rotate the keys by Friday.", "Sam", &names).as_deref(),
            Some("Lee")
        );
        assert_eq!(
            action_owner("Dana, can you ask security?", "Sam", &names).as_deref(),
            Some("Dana Whitfield")
        );
        assert_eq!(
            action_owner(
                "Action item for Dana Whitfield: write the ADR.",
                "Sam",
                &names
            )
            .as_deref(),
            Some("Dana Whitfield")
        );
        assert_eq!(
            action_owner("Action item: book the room.", "Sam", &names).as_deref(),
            Some("Sam")
        );
        assert_eq!(action_owner("Leela will not.", "Sam", &names), None);
        assert_eq!(action_owner("The build is green.", "Sam", &names), None);
    }

    #[test]
    fn due_dates_relative_to_meeting() {
        let date = thursday();
        let on = |day| NaiveDate::from_ymd_opt(2026, 12, day).expect("valid date");
        assert_eq!(due_date("I'll do it by Friday.", date), Some(on(4)));
        assert_eq!(due_date("by Thursday", date), Some(on(10)));
        assert_eq!(due_date("by Monday", date), Some(on(7)));
        assert_eq!(due_date("by tomorrow", date), Some(on(4)));
        assert_eq!(due_date("by end of day", date), Some(on(3)));
        assert_eq!(due_date("by the end of the week", date), Some(on(4)));
        assert_eq!(due_date("by 2026-12-15", date), Some(on(15)));
        assert_eq!(due_date("by next sprint", date), None);
        assert_eq!(due_date("soon", date), None);
    }
}
