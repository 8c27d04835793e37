//! Keyed pseudonyms for the people a prompt names, shared by every task.
//!
//! A task that is given an [`async_policy::Pseudonymizer`] writes each person into its
//! prompt only as their keyed pseudonym (`person-` and 12 hex digits), which is the same
//! for that person in every request of the tenant. Their names inside free text (titles,
//! summaries, transcript cues) are replaced as whole words in any letter case: the full
//! name, and the first name when no other person in the same prompt has it. Slack
//! mentions (`<@U024BE7LH|dana>`) become `@member`, because their account id and label
//! can name a person. The model's reply is mapped back to display names here, inside the
//! process, before the task returns it.
//!
//! Only the people of the current prompt are mapped back. A pseudonym the model made up,
//! or one of a person outside the prompt, stays as the model wrote it. A first name in
//! the facts comes back as the full name, because both were sent as one pseudonym.

use async_core::ids::PersonId;
use async_policy::Pseudonymizer;

use crate::Error;
use crate::tasks::markdown::escape;

/// One person of a prompt with their display name and pseudonym.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Named {
    person: PersonId,
    name: String,
    pseudonym: String,
}

/// The people of one prompt and the replacements that hide their names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PromptNames {
    people: Vec<Named>,
    /// Each full name and each first name no one else has, with the pseudonym that
    /// replaces it, longest name first.
    replacements: Vec<(String, String)>,
}

impl PromptNames {
    /// Derives the pseudonym of each person under `pseudonymizer`.
    ///
    /// A person listed twice keeps the name given first.
    ///
    /// # Errors
    ///
    /// Returns [`Error::PseudonymCollision`] when two people of the prompt share a
    /// pseudonym, so the caller sends nothing.
    pub(crate) fn new<'a>(
        pseudonymizer: &Pseudonymizer,
        people: impl IntoIterator<Item = (&'a PersonId, &'a str)>,
    ) -> Result<Self, Error> {
        let mut named: Vec<Named> = Vec::new();
        for (person, name) in people {
            if named.iter().any(|known| &known.person == person) {
                continue;
            }
            named.push(Named {
                person: person.clone(),
                name: name.to_owned(),
                pseudonym: pseudonymizer.pseudonym(person)?,
            });
        }
        let replacements = replacements(&named);
        Ok(Self {
            people: named,
            replacements,
        })
    }

    /// Returns the pseudonym of `person`, when they are one of the prompt's people.
    pub(crate) fn pseudonym(&self, person: &PersonId) -> Option<&str> {
        self.people
            .iter()
            .find(|named| &named.person == person)
            .map(|named| named.pseudonym.as_str())
    }

    /// Replaces each name that is a whole word in `text`, in any letter case, with its
    /// person's pseudonym, and each Slack mention with `@member`.
    pub(crate) fn hide(&self, text: &str) -> String {
        let mut text = strip_mentions(text);
        for (name, pseudonym) in &self.replacements {
            text = replace_words(&text, pseudonym, |rest| {
                starts_with_ignoring_case(rest, name)
            });
        }
        text
    }

    /// Puts the display names back into plain text a model wrote.
    pub(crate) fn restore(&self, text: &str) -> String {
        self.restore_with(text, str::to_owned)
    }

    /// Puts the display names, escaped for Markdown, back into Markdown a model wrote.
    pub(crate) fn restore_markdown(&self, markdown: &str) -> String {
        self.restore_with(markdown, escape)
    }

    fn restore_with(&self, text: &str, write: impl Fn(&str) -> String) -> String {
        let mut text = text.to_owned();
        for named in &self.people {
            let pseudonym = named.pseudonym.as_str();
            let matches = |rest: &str| rest.starts_with(pseudonym).then_some(pseudonym.len());
            text = replace_words(&text, &write(&named.name), matches);
        }
        text
    }
}

/// Lists each full name, and each first name no one else has, with its pseudonym. The
/// longest come first, so a full name is replaced before its first name.
///
/// NOTE: when two people share a full name, it is replaced by the pseudonym of the one
/// listed first. The text reads the same once restored, but the model may attribute
/// the other person's fact to the first.
fn replacements(people: &[Named]) -> Vec<(String, String)> {
    let first = |name: &str| name.split_whitespace().next().map(str::to_owned);
    let mut pairs: Vec<(String, String)> = Vec::new();
    for named in people {
        let full = named.name.trim();
        if !full.is_empty() {
            pairs.push((full.to_owned(), named.pseudonym.clone()));
        }
        let Some(first_name) = first(full) else {
            continue;
        };
        let shared = people
            .iter()
            .filter(|other| first(&other.name).as_deref() == Some(first_name.as_str()))
            .count();
        if shared == 1 && first_name != full {
            pairs.push((first_name, named.pseudonym.clone()));
        }
    }
    pairs.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    pairs
}

/// Replaces each match in `text` that no letter or digit touches with `replacement`.
///
/// `match_at` returns the byte length of a match at the start of the text it is given.
fn replace_words(
    text: &str,
    replacement: &str,
    match_at: impl Fn(&str) -> Option<usize>,
) -> String {
    let is_word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(next) = rest.chars().next() {
        if let Some(length) = match_at(rest) {
            // Everything before the match is in `out`, so its last character is the one
            // just before the match.
            let before = out.chars().next_back();
            let after = rest[length..].chars().next();
            if !is_word_char(before) && !is_word_char(after) {
                out.push_str(replacement);
                rest = &rest[length..];
                continue;
            }
        }
        out.push(next);
        rest = &rest[next.len_utf8()..];
    }
    out
}

/// Returns the byte length of `word` at the start of `text`, compared in lower case.
fn starts_with_ignoring_case(text: &str, word: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    for expected in word.chars() {
        let (_, found) = chars.next()?;
        if !found.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(at, _)| at))
}

/// Replaces each Slack mention (`<@U024BE7LH>` or `<@U024BE7LH|dana>`) with `@member`.
fn strip_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<@") {
        out.push_str(&rest[..at]);
        let mention = &rest[at..];
        match mention.find('>') {
            Some(end) if is_mention(&mention[2..end]) => {
                out.push_str("@member");
                rest = &mention[end + 1..];
            }
            _ => {
                out.push_str("<@");
                rest = &mention[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Returns whether `inner`, the text between `<@` and `>`, is an account id with an
/// optional `|label`.
fn is_mention(inner: &str) -> bool {
    let id = inner.split('|').next().unwrap_or_default();
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use async_core::ids::TenantId;
    use async_core::secret::EncryptionKey;

    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn pseudonymizer() -> Pseudonymizer {
        let key = EncryptionKey::from_base64(KEY).expect("valid key");
        Pseudonymizer::new(TenantId::new("acme"), key)
    }

    fn names(people: &[(&str, &str)]) -> PromptNames {
        let ids: Vec<(PersonId, &str)> = people
            .iter()
            .map(|(id, name)| (PersonId::new(*id), *name))
            .collect();
        PromptNames::new(&pseudonymizer(), ids.iter().map(|(id, name)| (id, *name)))
            .expect("no collision")
    }

    #[test]
    fn names_in_text_are_hidden() {
        let names = names(&[("u1", "Dana Whitfield"), ("u2", "Lee")]);
        let dana = names
            .pseudonym(&PersonId::new("u1"))
            .expect("dana")
            .to_owned();
        let lee = names
            .pseudonym(&PersonId::new("u2"))
            .expect("lee")
            .to_owned();

        let hidden = names.hide("Dana Whitfield and Dana wait on Lee in Leeds");

        assert_eq!(hidden, format!("{dana} and {dana} wait on {lee} in Leeds"));
        assert_eq!(
            names.restore(&hidden),
            "Dana Whitfield and Dana Whitfield wait on Lee in Leeds"
        );
    }

    #[test]
    fn names_in_any_case_are_hidden() {
        let names = names(&[("u1", "Dana Whitfield"), ("u2", "Lee Okafor")]);
        let hidden = names.hide("waiting on dana, DANA and lee okafor");

        for leaked in ["dana", "DANA", "lee", "okafor"] {
            assert!(!hidden.contains(leaked), "{leaked} in {hidden}");
        }
    }

    #[test]
    fn slack_mentions_are_replaced() {
        let names = names(&[("u1", "Lee Okafor")]);
        let hidden = names.hide("blocked on <@U0LEE|lee.okafor> and <@U0DANA>, see <@here");

        assert_eq!(hidden, "blocked on @member and @member, see <@here");
    }

    #[test]
    fn shared_first_names_stay() {
        let names = names(&[("u1", "Lee Ann"), ("u2", "Lee Min")]);
        let lee_min = names.pseudonym(&PersonId::new("u2")).expect("lee min");

        assert_eq!(
            names.hide("Lee asked Lee Min"),
            format!("Lee asked {lee_min}")
        );
    }

    #[test]
    fn restore_escapes_markdown_and_keeps_unknown_pseudonyms() {
        let names = names(&[("u1", "Dana_W")]);
        let dana = names
            .pseudonym(&PersonId::new("u1"))
            .expect("dana")
            .to_owned();
        let text = format!("## {dana}\nperson-000000000000 and {dana}0 stay");

        assert_eq!(
            names.restore_markdown(&text),
            format!("## Dana\\_W\nperson-000000000000 and {dana}0 stay")
        );
    }

    #[test]
    fn same_person_twice_keeps_first_name() {
        let names = names(&[("u1", "Dana"), ("u1", "Someone Else")]);
        let dana = names
            .pseudonym(&PersonId::new("u1"))
            .expect("dana")
            .to_owned();

        assert_eq!(names.restore(&dana), "Dana");
        assert_eq!(names.hide("Someone Else"), "Someone Else");
    }
}
