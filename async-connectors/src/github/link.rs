//! The `Link` response header GitHub paginates with.

/// Returns the URL of the `rel="next"` entry of a `Link` header, exactly as given.
///
/// The header looks like `<https://api.github.com/repositories/1/pulls?page=2>; rel="next",
/// <...page=5>; rel="last"`. GitHub omits `next` on the last page and omits the whole
/// header when everything fits on one page.
pub(crate) fn next_link(header: &str) -> Option<&str> {
    header.split(',').find_map(|entry| {
        let (target, params) = entry.trim().split_once(';')?;
        let url = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params.split(';').any(is_rel_next).then_some(url)
    })
}

/// Returns whether one `;`-separated parameter is `rel="next"` (or a `rel` list naming
/// `next`), ignoring case and quotes as RFC 8288 allows.
fn is_rel_next(param: &str) -> bool {
    let Some((name, value)) = param.split_once('=') else {
        return false;
    };
    if !name.trim().eq_ignore_ascii_case("rel") {
        return false;
    }
    value
        .trim()
        .trim_matches('"')
        .split_ascii_whitespace()
        .any(|relation| relation.eq_ignore_ascii_case("next"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_found_among_other_relations() {
        let header = "<https://api.github.com/repositories/9/pulls?per_page=2&page=1>; rel=\"prev\", \
                      <https://api.github.com/repositories/9/pulls?per_page=2&page=3>; rel=\"next\", \
                      <https://api.github.com/repositories/9/pulls?per_page=2&page=7>; rel=\"last\"";

        assert_eq!(
            next_link(header),
            Some("https://api.github.com/repositories/9/pulls?per_page=2&page=3")
        );
    }

    #[test]
    fn last_page_has_no_next() {
        let header = "<https://api.github.com/x?page=4>; rel=\"prev\", <https://api.github.com/x?page=1>; rel=\"first\"";

        assert_eq!(next_link(header), None);
    }

    #[test]
    fn malformed_entries_are_skipped() {
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(next_link("https://a/b; rel=\"next\""), None);
        assert_eq!(next_link("<https://a/b>; rel=next"), Some("https://a/b"));
        assert_eq!(
            next_link("<https://a/c>; REL=\"prev next\""),
            Some("https://a/c")
        );
    }
}
