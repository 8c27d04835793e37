//! Phrase matching for blocker and resolution messages.
//!
//! Text is split into lowercase word tokens, so a phrase only matches whole words:
//! "blocked on" never matches inside "unblocked on". A phrase preceded, within the same
//! clause, by a negation ("not", "no", "never", "isn't", ...) one or two words earlier
//! does not count, so "not blocked on" and "no longer waiting for" are no hits.
//! Clauses end at `.`, `,`, `;`, `:`, `!`, `?` and line breaks.
//!
//! NOTE: the lists are English only, and a bare "done" or "merged" in a reply counts as a
//! resolution even in "once that's merged", so a still-open blocker can be missed.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Phrases by which a writer reports being blocked or waiting.
const BLOCKER_PHRASES: &[&str] = &[
    "blocked on",
    "blocked by",
    "blocked until",
    "i'm blocked",
    "i am blocked",
    "we're blocked",
    "we are blocked",
    "still blocked",
    "waiting for",
    "waiting on",
    "stuck on",
    "stuck with",
    "can't proceed",
    "cannot proceed",
    "cant proceed",
    "can't continue",
    "cannot continue",
    "can't move forward",
    "need help with",
    "needs help with",
    "held up by",
];

/// Phrases that report a blocker as gone.
const RESOLUTION_PHRASES: &[&str] = &[
    "unblocked",
    "no longer blocked",
    "not blocked anymore",
    "resolved",
    "fixed",
    "done",
    "merged",
    "sorted",
    "solved",
    "works now",
    "working now",
    "all good",
];

/// Words that negate a phrase one or two words later in the same clause.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "isn't", "isnt", "aren't", "wasn't", "weren't", "don't", "doesn't",
    "didn't", "nothing", "nobody", "without",
];

/// Returns the blocker phrase the text contains, if any.
///
/// # Examples
///
/// ```
/// use async_core::insights::is_blocker_text;
///
/// assert_eq!(is_blocker_text("Blocked on the auth review, PAY-12"), Some("blocked on"));
/// assert_eq!(is_blocker_text("finally unblocked on PAY-12"), None);
/// assert_eq!(is_blocker_text("I'm not blocked on anything"), None);
/// ```
pub fn is_blocker_text(text: &str) -> Option<&'static str> {
    static PHRASES: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(BLOCKER_PHRASES));
    find_phrase(text, &PHRASES)
}

/// Returns the resolution phrase the text contains, if any.
///
/// # Examples
///
/// ```
/// use async_core::insights::is_resolution_text;
///
/// assert_eq!(is_resolution_text("Merged, you're unblocked"), Some("unblocked"));
/// assert_eq!(is_resolution_text("not fixed yet"), None);
/// ```
pub fn is_resolution_text(text: &str) -> Option<&'static str> {
    static PHRASES: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(RESOLUTION_PHRASES));
    find_phrase(text, &PHRASES)
}

/// A lowercase word and the clause it belongs to.
#[derive(Debug, PartialEq)]
struct Token {
    word: String,
    clause: usize,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut clause = 0;

    for ch in text.chars() {
        // Typographic apostrophes are normalized so "can’t" matches "can't".
        let ch = if ch == '\u{2019}' { '\'' } else { ch };
        if ch.is_alphanumeric() || ch == '\'' {
            word.extend(ch.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            tokens.push(Token {
                word: std::mem::take(&mut word),
                clause,
            });
        }
        if matches!(ch, '.' | ',' | ';' | ':' | '!' | '?' | '\n') {
            clause += 1;
        }
    }
    if !word.is_empty() {
        tokens.push(Token { word, clause });
    }
    tokens
}

/// Returns the first phrase (in list order) that occurs un-negated in the text.
fn find_phrase(text: &str, phrases: &'static Phrases) -> Option<&'static str> {
    let candidates = phrases.candidates(text);
    if candidates.is_empty() {
        return None;
    }

    let tokens = tokenize(text);
    candidates.into_iter().find(|phrase| {
        let words: Vec<&str> = phrase.split(' ').collect();
        (0..tokens.len()).any(|start| matches_at(&tokens, start, &words))
    })
}

/// A phrase list with a one-pass prefilter over the words of its phrases.
///
/// Most messages contain no phrase at all. A phrase can only match whole words if each of
/// its words occurs somewhere in the text, so one Aho-Corasick pass that finds which words
/// occur rules most messages out before the cost of tokenizing them. The pass is ASCII
/// case-insensitive, which is exact for ASCII text. Other text is lowercased first, so
/// that a character whose lowercase form is ASCII (the Kelvin sign, say) is still found.
struct Phrases {
    phrases: &'static [&'static str],
    words: AhoCorasick,
    /// For each phrase, the indexes of its words among the automaton's patterns.
    words_of: Vec<Vec<usize>>,
}

impl Phrases {
    fn new(phrases: &'static [&'static str]) -> Self {
        let mut distinct: Vec<&str> = phrases.iter().flat_map(|p| p.split(' ')).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let words_of = phrases
            .iter()
            .map(|phrase| {
                phrase
                    .split(' ')
                    .filter_map(|word| distinct.binary_search(&word).ok())
                    .collect()
            })
            .collect();
        let words = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&distinct)
            .expect("an automaton over a few short constant words builds");
        Self {
            phrases,
            words,
            words_of,
        }
    }

    /// Returns the phrases, in list order, whose every word occurs in `text`.
    fn candidates(&self, text: &str) -> Vec<&'static str> {
        let lowered;
        let haystack = if text.is_ascii() {
            text
        } else {
            lowered = text.to_lowercase().replace('\u{2019}', "'");
            &lowered
        };

        let mut seen = vec![false; self.words.patterns_len()];
        for found in self.words.find_overlapping_iter(haystack) {
            seen[found.pattern().as_usize()] = true;
        }
        self.phrases
            .iter()
            .zip(&self.words_of)
            .filter(|(_, words)| words.iter().all(|&word| seen[word]))
            .map(|(phrase, _)| *phrase)
            .collect()
    }
}

fn matches_at(tokens: &[Token], start: usize, words: &[&str]) -> bool {
    let Some(window) = tokens.get(start..start + words.len()) else {
        return false;
    };
    let clause = window[0].clause;
    let same = window
        .iter()
        .zip(words)
        .all(|(token, word)| token.word == *word && token.clause == clause);

    same && !is_negated(tokens, start, clause)
}

fn is_negated(tokens: &[Token], start: usize, clause: usize) -> bool {
    tokens[start.saturating_sub(2)..start]
        .iter()
        .any(|token| token.clause == clause && NEGATIONS.contains(&token.word.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finds the first phrase without the prefilter, trying every phrase on the tokens.
    fn find_phrase_unfiltered(text: &str, phrases: &[&'static str]) -> Option<&'static str> {
        let tokens = tokenize(text);
        phrases.iter().copied().find(|phrase| {
            let words: Vec<&str> = phrase.split(' ').collect();
            (0..tokens.len()).any(|start| matches_at(&tokens, start, &words))
        })
    }

    /// Generates texts from the phrases' words and the negations. Each word is spelled as
    /// is, in upper case, with a Kelvin sign for `k` (its lowercase is `k`, but it is not
    /// ASCII) or with a typographic apostrophe. Spaces and clause breaks join the words.
    fn near_phrase_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy as _;

        let mut words: Vec<&'static str> = BLOCKER_PHRASES
            .iter()
            .chain(RESOLUTION_PHRASES)
            .flat_map(|phrase| phrase.split(' '))
            .chain(NEGATIONS.iter().copied())
            .collect();
        words.sort_unstable();
        words.dedup();

        let word =
            (proptest::sample::select(words), 0..4_u8).prop_map(
                |(word, spelling)| match spelling {
                    0 => word.to_owned(),
                    1 => word.to_uppercase(),
                    2 => word.replace('k', "\u{212A}"),
                    _ => word.replace('\'', "\u{2019}"),
                },
            );
        let separator = proptest::sample::select(vec![" ", " ", " ", ", ", ". ", "\n"]);
        proptest::collection::vec((word, separator), 0..10).prop_map(|pieces| {
            pieces
                .into_iter()
                .map(|(word, separator)| word + separator)
                .collect()
        })
    }

    proptest::proptest! {
        #[test]
        fn prefilter_keeps_phrase_result(text in near_phrase_text()) {
            proptest::prop_assert_eq!(
                is_blocker_text(&text),
                find_phrase_unfiltered(&text, BLOCKER_PHRASES)
            );
            proptest::prop_assert_eq!(
                is_resolution_text(&text),
                find_phrase_unfiltered(&text, RESOLUTION_PHRASES)
            );
        }
    }

    #[test]
    fn blocker_phrases_match_whole_words() {
        let hits = [
            ("I'm BLOCKED BY the schema change", "blocked by"),
            ("Waiting on @lee for access", "waiting on"),
            ("can’t proceed until the key lands", "can't proceed"),
            ("need help with the flaky test", "need help with"),
            ("stuck on PAY-9", "stuck on"),
        ];
        for (text, phrase) in hits {
            assert_eq!(is_blocker_text(text), Some(phrase), "{text}");
        }
    }

    #[test]
    fn blocker_phrases_skip_negations_and_substrings() {
        let misses = [
            "unblocked on PAY-9 now",
            "not blocked by anything",
            "no longer waiting for review",
            "nothing blocked on my side",
            "the blockedonly flag",
            "waiting",
        ];
        for text in misses {
            assert_eq!(is_blocker_text(text), None, "{text}");
        }
    }

    #[test]
    fn negation_does_not_cross_clauses() {
        assert_eq!(
            is_blocker_text("No. Blocked on the deploy"),
            Some("blocked on")
        );
    }

    #[test]
    fn resolution_phrases() {
        assert_eq!(is_resolution_text("it's merged"), Some("merged"));
        assert_eq!(
            is_resolution_text("No longer blocked"),
            Some("no longer blocked")
        );
        assert_eq!(is_resolution_text("isn't resolved"), None);
        assert_eq!(is_resolution_text("working on it"), None);
    }
}
