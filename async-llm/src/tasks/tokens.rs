//! The token estimate every task budgets its prompt with.

/// The characters per token the budget assumes.
///
/// NOTE: this is an estimate, because English text averages about four characters per
/// token in common tokenizers. The provider's count can differ, so keep a margin.
const CHARS_PER_TOKEN: usize = 4;

/// Estimates the tokens `text` costs as its character count divided by four, rounded up.
///
/// Rounding up makes the estimate subadditive: the estimates of two pieces add up to at
/// least the estimate of the pieces joined, so a prompt assembled from pieces that fit
/// the budget one by one fits it as a whole.
pub(crate) fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(CHARS_PER_TOKEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_rounds_up() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abc"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        assert_eq!(estimate_tokens("éééé"), 1);
    }
}
