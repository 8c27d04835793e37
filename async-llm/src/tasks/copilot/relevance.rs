//! Lexical relevance of facts to a question.
//!
//! Each fact is scored by the question's terms it contains, weighted by rarity:
//! `score = Σ idf(t) · (1 + ln tf)` over the distinct question terms `t` found in the
//! fact, with `idf(t) = ln(1 + N / df)` over the `N` facts on offer. A question that
//! names a fact's reference (`PAY-12`, `acme/payments#42`) adds a bonus larger than any
//! ordinary term, because a reader who names an item means that item.
//!
//! Terms are lowercased words; keys and references (`pay-12`, `acme/payments#42`) stay
//! whole. Common English words are dropped, and a light suffix rule folds `blocked`,
//! `blocker` and `blocking` into `block`. This is a keyword ranking, not semantic search:
//! a question phrased in words the facts do not use finds nothing, and the answer then
//! says so instead of guessing.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::facts::Fact;

/// The bonus for a question that names the fact's reference.
const REFERENCE_BONUS: f64 = 10.0;

/// Words too common to tell facts apart.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from",
    "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of",
    "on", "or", "our", "so", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "to", "us", "was", "we", "were", "what", "when", "where", "which",
    "who", "whom", "why", "will", "with", "would", "you", "your",
];

/// Suffixes folded away when at least four characters remain.
const SUFFIXES: &[&str] = &["ing", "ed", "er", "es", "s"];

/// Splits text into lowercase terms, keeping keys and references whole.
pub(crate) fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '#' | '/' | '_' | '.')))
        .map(|word| word.trim_matches(|c: char| matches!(c, '-' | '.' | '/' | '#' | '_')))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .filter(|word| !STOPWORDS.contains(&word.as_str()))
        .map(|word| stem(&word))
        .collect()
}

/// Folds a common suffix of a plain word; words with digits or punctuation are keys and
/// stay as they are.
fn stem(word: &str) -> String {
    if !word.chars().all(char::is_alphabetic) {
        return word.to_owned();
    }
    for suffix in SUFFIXES {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.chars().count() >= 4
        {
            return stem.to_owned();
        }
    }
    word.to_owned()
}

/// The words of a fact that a question can match.
fn fact_terms(fact: &Fact) -> Vec<String> {
    let mut text = format!("{} {} {}", fact.kind.as_str(), fact.reference, fact.text);
    if let Some(person) = &fact.person {
        text.push(' ');
        text.push_str(person);
    }
    terms(&text)
}

/// A fact's position in the facts on offer and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored {
    pub(crate) index: usize,
    pub(crate) score: f64,
}

/// Scores every fact against `question` and returns them best first: by score, then
/// newest first, then by id, so the order is deterministic.
pub(crate) fn rank(facts: &[Fact], question: &str) -> Vec<Scored> {
    let question_terms: BTreeSet<String> = terms(question).into_iter().collect();
    let question_lower = question.to_lowercase();
    let per_fact: Vec<Vec<String>> = facts.iter().map(fact_terms).collect();

    let mut document_frequency: BTreeMap<&str, usize> = BTreeMap::new();
    for fact_terms in &per_fact {
        let distinct: BTreeSet<&str> = fact_terms.iter().map(String::as_str).collect();
        for term in distinct {
            *document_frequency.entry(term).or_default() += 1;
        }
    }
    let total = facts.len() as f64;

    let mut scored: Vec<Scored> = facts
        .iter()
        .zip(&per_fact)
        .enumerate()
        .map(|(index, (fact, fact_terms))| {
            let mut score = 0.0;
            for term in &question_terms {
                let frequency = fact_terms.iter().filter(|t| *t == term).count();
                if frequency == 0 {
                    continue;
                }
                let df = document_frequency.get(term.as_str()).copied().unwrap_or(1) as f64;
                let idf = (1.0 + total / df).ln();
                score += idf * (1.0 + (frequency as f64).ln());
            }
            if names_reference(&question_lower, &fact.reference) {
                score += REFERENCE_BONUS;
            }
            Scored { index, score }
        })
        .collect();

    scored.sort_by(|a, b| {
        let (fa, fb) = (&facts[a.index], &facts[b.index]);
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(Ordering::Equal)
            .then_with(|| fb.at.cmp(&fa.at))
            .then_with(|| fa.id.cmp(&fb.id))
    });
    scored
}

/// Returns whether the question contains the reference as a whole word.
fn names_reference(question_lower: &str, reference: &str) -> bool {
    let reference = reference.to_lowercase();
    if reference.chars().count() < 3 {
        return false;
    }
    question_lower.match_indices(&reference).any(|(at, _)| {
        let before = question_lower[..at].chars().next_back();
        let after = question_lower[at + reference.len()..].chars().next();
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
        !is_word(before) && !is_word(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::FactId;
    use crate::tasks::copilot::FactKind;

    fn fact(id: &str, reference: &str, text: &str) -> Fact {
        Fact {
            id: FactId::new("item", id),
            kind: FactKind::WorkItem,
            person: Some("Dana".into()),
            person_id: None,
            reference: reference.into(),
            text: text.into(),
            url: None,
            at: None,
        }
    }

    #[test]
    fn terms_keep_keys_and_fold_suffixes() {
        assert_eq!(
            terms("Who is blocked on PAY-12 and acme/payments#42?"),
            ["block", "pay-12", "acme/payments#42"]
        );
        assert_eq!(terms("blocking blocker"), ["block", "block"]);
        assert_eq!(terms("tests"), ["test"]);
    }

    #[test]
    fn reference_beats_shared_words() {
        let facts = [
            fact("a", "PAY-1", "Refund rounding refund"),
            fact("b", "PAY-12", "Ledger export"),
        ];
        let ranked = rank(&facts, "What happened to PAY-12 and the refund?");
        assert_eq!(ranked[0].index, 1);
        assert!(ranked[1].score > 0.0);
    }

    #[test]
    fn reference_must_be_whole_word() {
        assert!(names_reference("status of pay-12?", "PAY-12"));
        assert!(!names_reference("status of pay-123?", "PAY-12"));
    }

    #[test]
    fn rare_terms_weigh_more() {
        let facts = [
            fact("a", "PAY-1", "refund export"),
            fact("b", "PAY-2", "refund ledger"),
            fact("c", "PAY-3", "refund"),
        ];
        let ranked = rank(&facts, "refund ledger");
        assert_eq!(ranked[0].index, 1);
    }

    #[test]
    fn unmatched_facts_score_zero() {
        let facts = [fact("a", "PAY-1", "Refund rounding")];
        assert_eq!(rank(&facts, "kubernetes")[0].score, 0.0);
    }
}
