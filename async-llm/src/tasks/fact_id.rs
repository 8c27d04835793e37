//! Stable ids that let a model cite the facts it was given.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The id of one fact given to a model, such as `item:PAY-12` or `pr:acme/payments#42`.
///
/// An id is built from the fact's kind and its own reference (an issue key, a pull
/// request, a cue number), not from its position in a list, so the same fact keeps its
/// id when other facts are added or dropped to fit a token budget, and a saved answer's
/// citations stay meaningful.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FactId(String);

impl FactId {
    /// Builds the id `kind:reference`, with whitespace and `|` in the reference replaced
    /// by `_` so the id stays one token-cheap word that cannot break a prompt line.
    pub fn new(kind: &str, reference: &str) -> Self {
        let reference: String = reference
            .chars()
            .map(|c| {
                if c.is_whitespace() || c == '|' {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        Self(format!("{kind}:{reference}"))
    }

    /// Returns the id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hands out ids and makes each unique by appending `~2`, `~3`, ... to repeats.
#[derive(Debug, Clone, Default)]
pub(crate) struct FactIds {
    used: BTreeSet<FactId>,
}

impl FactIds {
    /// Returns the id `kind:reference`, or a numbered variant when it was already used.
    pub(crate) fn issue(&mut self, kind: &str, reference: &str) -> FactId {
        let base = FactId::new(kind, reference);
        let mut id = base.clone();
        let mut count = 1;
        while self.used.contains(&id) {
            count += 1;
            id = FactId(format!("{base}~{count}"));
        }
        self.used.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_joins_kind_and_reference() {
        assert_eq!(FactId::new("item", "PAY-12").as_str(), "item:PAY-12");
        assert_eq!(FactId::new("text", "a b|c").as_str(), "text:a_b_c");
    }

    #[test]
    fn repeats_are_numbered() {
        let mut ids = FactIds::default();
        assert_eq!(ids.issue("item", "PAY-1").as_str(), "item:PAY-1");
        assert_eq!(ids.issue("item", "PAY-1").as_str(), "item:PAY-1~2");
        assert_eq!(ids.issue("item", "PAY-1").as_str(), "item:PAY-1~3");
        assert_eq!(ids.issue("pr", "PAY-1").as_str(), "pr:PAY-1");
    }

    #[test]
    fn id_serializes_as_string() {
        let id = FactId::new("cue", "17");
        assert_eq!(
            serde_json::to_string(&id).expect("serializes"),
            "\"cue:17\""
        );
    }
}
