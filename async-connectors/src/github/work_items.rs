//! Work item keys (`PAY-12`) mentioned in pull request titles and branch names.

use async_core::ids::WorkItemKey;

/// Appends to `keys` every match of `[A-Z][A-Z0-9]+-[0-9]+` in `text` not already present.
///
/// The scan follows regular-expression semantics (leftmost match, then continue after
/// it), on ASCII only, so `feature/PAY-12-retry` yields `PAY-12` and `utf-8` yields nothing.
pub(crate) fn collect_keys(text: &str, keys: &mut Vec<WorkItemKey>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        match key_at(bytes, start) {
            Some(end) => {
                // The match is ASCII, so both ends fall on character boundaries.
                let key = WorkItemKey::new(&text[start..end]);
                if !keys.contains(&key) {
                    keys.push(key);
                }
                start = end;
            }
            None => start += 1,
        }
    }
}

/// Returns the end of a key starting exactly at `start`, if one does.
fn key_at(bytes: &[u8], start: usize) -> Option<usize> {
    if !bytes.get(start)?.is_ascii_uppercase() {
        return None;
    }
    let project_end = run_end(bytes, start + 1, |byte| {
        byte.is_ascii_uppercase() || byte.is_ascii_digit()
    });
    if project_end == start + 1 || bytes.get(project_end) != Some(&b'-') {
        return None;
    }
    let number_end = run_end(bytes, project_end + 1, |byte| byte.is_ascii_digit());
    (number_end > project_end + 1).then_some(number_end)
}

fn run_end(bytes: &[u8], from: usize, accept: impl Fn(u8) -> bool) -> usize {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|byte| !accept(*byte))
        .map_or(bytes.len(), |offset| from + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        collect_keys(text, &mut keys);
        keys.into_iter().map(WorkItemKey::into_string).collect()
    }

    #[test]
    fn keys_are_found_in_titles_and_branches() {
        assert_eq!(
            keys("PAY-12: retry refunds (see OPS2-7)"),
            ["PAY-12", "OPS2-7"]
        );
        assert_eq!(keys("feature/PAY-12-retry"), ["PAY-12"]);
        assert_eq!(keys("PAY-12 and PAY-12 again"), ["PAY-12"]);
    }

    #[test]
    fn near_misses_are_not_keys() {
        for text in [
            "utf-8",
            "P-1",
            "PAY-",
            "PAY 12",
            "pay-12",
            "Ünïcode-ÄB-",
            "",
        ] {
            assert!(keys(text).is_empty(), "{text:?} has no key");
        }
    }

    #[test]
    fn leftmost_match_inside_word() {
        assert_eq!(keys("xPAY-3"), ["PAY-3"]);
        assert_eq!(keys("ÉPAY-3é"), ["PAY-3"]);
    }
}
