//! Stable pseudonyms that keep people's names out of the prompt.

use super::digest::Digest;
use crate::tasks::markdown::escape;

/// The names replaced in one standup, in the order of the people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pseudonyms {
    names: Vec<String>,
}

impl Pseudonyms {
    /// Replaces each person's name in `digest` with `Person N`, numbered in the caller's
    /// order, and returns the names for [`Pseudonyms::restore`].
    pub(crate) fn apply(digest: &mut Digest) -> Self {
        let names = digest
            .people
            .iter_mut()
            .enumerate()
            .map(|(index, person)| std::mem::replace(&mut person.name, label(index)))
            .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::standup::digest::PersonDigest;

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
