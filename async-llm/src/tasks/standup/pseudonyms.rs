//! Stable pseudonyms that keep people's names out of the prompt.

use super::digest::{Digest, Entry};
use crate::tasks::markdown::escape;

/// The names replaced in one standup, in the order of the people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pseudonyms {
    names: Vec<String>,
}

impl Pseudonyms {
    /// Replaces each person's name in `digest` with `Person N`, numbered in the caller's
    /// order, and returns the names for [`Pseudonyms::restore`].
    ///
    /// The names are also replaced inside titles and blocker summaries, as whole words:
    /// the full name, and the first name when no other person shares it. Keys, links and
    /// evidence labels are left alone, because a standup must quote them verbatim.
    pub(crate) fn apply(digest: &mut Digest) -> Self {
        let names: Vec<String> = digest
            .people
            .iter_mut()
            .enumerate()
            .map(|(index, person)| std::mem::replace(&mut person.name, label(index)))
            .collect();
        let replacements = replacements(&names);
        for person in &mut digest.people {
            for entry in person.done.iter_mut().chain(person.in_progress.iter_mut()) {
                let title = match entry {
                    Entry::Item(item) => &mut item.title,
                    Entry::Pull(pull) => &mut pull.title,
                    Entry::Review(review) => &mut review.title,
                };
                *title = replace_names(title, &replacements);
            }
            for blocker in &mut person.blockers {
                blocker.summary = replace_names(&blocker.summary, &replacements);
            }
        }
        Self { names }
    }

    /// Puts the real names back into Markdown the model or the offline renderer wrote.
    ///
    /// Higher numbers are replaced first, so `Person 12` is never read as `Person 1`
    /// followed by a `2`.
    pub(crate) fn restore(&self, markdown: &str) -> String {
        let mut restored = markdown.to_owned();
        for (index, name) in self.names.iter().enumerate().rev() {
            restored = restored.replace(&label(index), &escape(name));
        }
        restored
    }
}

fn label(index: usize) -> String {
    format!("Person {}", index + 1)
}

/// Lists each full name, and each first name no one else has, with its label. The
/// longest come first, so a full name is replaced before its first name.
fn replacements(names: &[String]) -> Vec<(String, String)> {
    let first = |name: &str| name.split_whitespace().next().map(str::to_owned);
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if !name.trim().is_empty() {
            pairs.push((name.trim().to_owned(), label(index)));
        }
        let Some(first_name) = first(name) else {
            continue;
        };
        let shared = names
            .iter()
            .filter(|other| first(other).as_deref() == Some(first_name.as_str()))
            .count();
        if shared == 1 && first_name != name.trim() {
            pairs.push((first_name, label(index)));
        }
    }
    pairs.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    pairs
}

/// Replaces each name that is a whole word in `text` with its label.
fn replace_names(text: &str, replacements: &[(String, String)]) -> String {
    let mut text = text.to_owned();
    for (name, label) in replacements {
        text = replace_word(&text, name, label);
    }
    text
}

fn replace_word(text: &str, word: &str, replacement: &str) -> String {
    let is_word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        out.push_str(&rest[..at]);
        // The text before the match is all in `out` by now, so its last character is the
        // one just before the match.
        let before = out.chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        if !is_word_char(before) && !is_word_char(after) {
            out.push_str(replacement);
        } else {
            out.push_str(word);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::standup::digest::PersonDigest;

    #[test]
    fn names_in_text_are_replaced() {
        let replacements = replacements(&["Dana Whitfield".to_owned(), "Lee".to_owned()]);
        assert_eq!(
            replace_names(
                "Dana Whitfield and Dana wait on Lee in Leeds",
                &replacements
            ),
            "Person 1 and Person 1 wait on Person 2 in Leeds"
        );
    }

    #[test]
    fn apply_replaces_names_in_summaries() {
        use crate::tasks::standup::facts::{BlockerFact, BlockerSource};

        let blocker = BlockerFact {
            summary: "Waiting on Lee Okafor's review".into(),
            source: BlockerSource::WorkItem,
            since: None,
            evidence: Vec::new(),
        };
        let mut digest = Digest {
            people: vec![
                PersonDigest::new("Dana", None, None, vec![blocker]),
                PersonDigest::new("Lee Okafor", None, None, Vec::new()),
            ],
            omitted: 0,
        };

        let pseudonyms = Pseudonyms::apply(&mut digest);

        let summary = &digest.people[0].blockers[0].summary;
        assert_eq!(summary, "Waiting on Person 2's review");
        assert_eq!(
            pseudonyms.restore(summary),
            "Waiting on Lee Okafor's review"
        );
    }

    #[test]
    fn shared_first_names_stay() {
        let replacements = replacements(&["Lee Ann".to_owned(), "Lee Min".to_owned()]);
        assert_eq!(
            replace_names("Lee asked Lee Min", &replacements),
            "Lee asked Person 2"
        );
    }

    #[test]
    fn pseudonyms_round_trip() {
        let mut digest = Digest {
            people: (0..12)
                .map(|index| PersonDigest::new(&format!("Name_{index}"), None, None, Vec::new()))
                .collect(),
            omitted: 0,
        };

        let pseudonyms = Pseudonyms::apply(&mut digest);

        assert_eq!(digest.people[0].name, "Person 1");
        assert_eq!(digest.people[11].name, "Person 12");
        assert_eq!(
            pseudonyms.restore("## Person 12\n## Person 1\nPerson 2 waits on Person 1."),
            "## Name\\_11\n## Name\\_0\nName\\_1 waits on Name\\_0."
        );
    }
}
