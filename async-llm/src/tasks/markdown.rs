//! Markdown escaping shared by the tasks' renderings.

/// Writes `[label](url)`, or the escaped label alone when there is no URL.
pub(crate) fn link(label: &str, url: Option<&str>) -> String {
    match url {
        Some(url) => format!("[{}]({})", escape(label), escape_url(url)),
        None => escape(label),
    }
}

/// Escapes the characters Markdown would read as formatting or HTML.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.push(' ');
            continue;
        }
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Percent-encodes the characters that would end a Markdown link destination early.
fn escape_url(url: &str) -> String {
    let mut escaped = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => escaped.push_str("%20"),
            '(' => escaped.push_str("%28"),
            ')' => escaped.push_str("%29"),
            '<' => escaped.push_str("%3C"),
            '>' => escaped.push_str("%3E"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_marks_formatting() {
        assert_eq!(escape("a*b_c [d] <e>"), r"a\*b\_c \[d\] \<e\>");
        assert_eq!(escape("PAY-12"), "PAY-12");
        assert_eq!(escape("line\nbreak"), "line break");
    }

    #[test]
    fn link_encodes_url_delimiters() {
        assert_eq!(
            link("PAY-1", Some("https://x.test/a (b)")),
            "[PAY-1](https://x.test/a%20%28b%29)"
        );
        assert_eq!(link("acme/pay#4", None), "acme/pay#4");
    }
}
