//! Conversion from Markdown to Slack's `mrkdwn`.
//!
//! Slack's message format is not Markdown: bold is `*bold*`, italic `_italic_`, strike
//! `~strike~`, links `<url|text>`, and `&`, `<` and `>` must be sent as `&amp;`, `&lt;`
//! and `&gt;` because Slack reads `<...>` as control sequences. Headings do not exist, so
//! they become bold lines, and list markers become bullets.

/// Converts the Markdown a model or the offline renderer wrote into Slack `mrkdwn`.
///
/// Handled: ATX headings, `-`/`*`/`+` list items, `**bold**`/`__bold__`, `*italic*`,
/// `~~strike~~`, `[text](url)` links, `<url>` autolinks, inline code and fenced code
/// blocks (kept verbatim apart from the three escapes), and backslash escapes. Anything
/// else passes through as text with `&`, `<` and `>` escaped.
///
/// # Examples
///
/// ```
/// use async_llm::slack::markdown_to_mrkdwn;
///
/// let markdown = "## Dana\n- **Done**: [PAY-12](https://jira.example/browse/PAY-12) A&B";
/// assert_eq!(
///     markdown_to_mrkdwn(markdown),
///     "*Dana*\n• *Done*: <https://jira.example/browse/PAY-12|PAY-12> A&amp;B"
/// );
/// ```
pub fn markdown_to_mrkdwn(markdown: &str) -> String {
    let mut output = Vec::new();
    let mut in_fence = false;

    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            output.push("```".to_owned());
            continue;
        }
        if in_fence {
            output.push(escape(line));
            continue;
        }
        output.push(convert_line(line));
    }
    output.join("\n")
}

fn convert_line(line: &str) -> String {
    let indent_len = line.len() - line.trim_start().len();
    let (indent, rest) = line.split_at(indent_len);

    if let Some(heading) = heading_text(rest) {
        let text = convert_inline(heading);
        return if text.is_empty() {
            String::new()
        } else {
            format!("*{text}*")
        };
    }
    for marker in ["- ", "* ", "+ "] {
        if let Some(item) = rest.strip_prefix(marker) {
            return format!("{indent}• {}", convert_inline(item));
        }
    }
    format!("{indent}{}", convert_inline(rest))
}

/// Returns the text of an ATX heading (`# ` to `###### `).
fn heading_text(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix(' ')
        .map(|text| text.trim().trim_end_matches('#').trim_end())
}

/// Converts inline Markdown on one line.
fn convert_inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut output = String::with_capacity(text.len());
    let mut i = 0;

    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(char::is_ascii_punctuation) {
            push_escaped(&mut output, chars[i + 1]);
            i += 2;
            continue;
        }
        if let Some((converted, next)) = inline_token(&chars, i) {
            output.push_str(&converted);
            i = next;
            continue;
        }
        push_escaped(&mut output, c);
        i += 1;
    }
    output
}

/// Converts the token starting at `start`, if one does, returning it and the index after.
fn inline_token(chars: &[char], start: usize) -> Option<(String, usize)> {
    match chars[start] {
        '`' => {
            let end = find(chars, start + 1, &['`'])?;
            let code: String = chars[start + 1..end].iter().collect();
            Some((format!("`{}`", escape(&code)), end + 1))
        }
        '*' | '_' if chars.get(start + 1) == Some(&chars[start]) => {
            let marker = [chars[start], chars[start]];
            let end = find(chars, start + 2, &marker)?;
            wrap(chars, start + 2, end, '*').map(|text| (text, end + 2))
        }
        '~' if chars.get(start + 1) == Some(&'~') => {
            let end = find(chars, start + 2, &['~', '~'])?;
            wrap(chars, start + 2, end, '~').map(|text| (text, end + 2))
        }
        '*' => {
            let end = find(chars, start + 1, &['*'])?;
            wrap(chars, start + 1, end, '_').map(|text| (text, end + 1))
        }
        '[' => link(chars, start),
        '<' => autolink(chars, start),
        _ => None,
    }
}

/// Wraps the converted text between `from` and `to` in `marker`, unless it is empty or
/// starts or ends with a space (then the markers were not formatting).
fn wrap(chars: &[char], from: usize, to: usize, marker: char) -> Option<String> {
    let inner: String = chars[from..to].iter().collect();
    if inner.is_empty() || inner.starts_with(' ') || inner.ends_with(' ') {
        return None;
    }
    Some(format!("{marker}{}{marker}", convert_inline(&inner)))
}

/// Converts `[text](url)` into `<url|text>`.
fn link(chars: &[char], start: usize) -> Option<(String, usize)> {
    let close = find_unescaped(chars, start + 1, ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = find(chars, close + 2, &[')'])?;
    let text: String = chars[start + 1..close].iter().collect();
    let url: String = chars[close + 2..end].iter().collect();
    let url = url.trim();
    if url.is_empty() || url.contains(' ') {
        return None;
    }
    let label = convert_inline(&text);
    Some((format!("<{}|{label}>", escape_url(url)), end + 1))
}

/// Keeps `<https://...>` autolinks as Slack links.
fn autolink(chars: &[char], start: usize) -> Option<(String, usize)> {
    let end = find(chars, start + 1, &['>'])?;
    let url: String = chars[start + 1..end].iter().collect();
    let is_url = (url.starts_with("https://") || url.starts_with("http://")) && !url.contains(' ');
    is_url.then(|| (format!("<{}>", escape_url(&url)), end + 1))
}

fn find(chars: &[char], from: usize, pattern: &[char]) -> Option<usize> {
    if from > chars.len() {
        return None;
    }
    chars[from..]
        .windows(pattern.len())
        .position(|window| window == pattern)
        .map(|offset| from + offset)
}

fn find_unescaped(chars: &[char], from: usize, target: char) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == target => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn push_escaped(output: &mut String, c: char) {
    match c {
        '&' => output.push_str("&amp;"),
        '<' => output.push_str("&lt;"),
        '>' => output.push_str("&gt;"),
        c => output.push(c),
    }
}

fn escape(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    text.chars().for_each(|c| push_escaped(&mut output, c));
    output
}

/// Escapes a URL for use inside `<...>`; `|` would end the URL early, so it is encoded.
fn escape_url(url: &str) -> String {
    escape(url).replace('|', "%7C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_headings_and_bullets() {
        assert_eq!(markdown_to_mrkdwn("# Standup"), "*Standup*");
        assert_eq!(
            markdown_to_mrkdwn("### Team blockers ##"),
            "*Team blockers*"
        );
        assert_eq!(
            markdown_to_mrkdwn("- one\n  * two\n+ three"),
            "• one\n  • two\n• three"
        );
        assert_eq!(markdown_to_mrkdwn("#hashtag"), "#hashtag");
    }

    #[test]
    fn converts_emphasis() {
        assert_eq!(
            markdown_to_mrkdwn("**bold** and __bold__"),
            "*bold* and *bold*"
        );
        assert_eq!(markdown_to_mrkdwn("*italic*"), "_italic_");
        assert_eq!(markdown_to_mrkdwn("~~gone~~"), "~gone~");
        assert_eq!(markdown_to_mrkdwn("2 * 3 * 4"), "2 * 3 * 4");
    }

    #[test]
    fn converts_links() {
        assert_eq!(
            markdown_to_mrkdwn("see [acme/pay#4](https://gh.test/acme/pay/pull/4)"),
            "see <https://gh.test/acme/pay/pull/4|acme/pay#4>"
        );
        assert_eq!(
            markdown_to_mrkdwn("[a](https://x.test/?q=1&r=2|3)"),
            "<https://x.test/?q=1&amp;r=2%7C3|a>"
        );
        assert_eq!(
            markdown_to_mrkdwn("<https://x.test/a>"),
            "<https://x.test/a>"
        );
        assert_eq!(markdown_to_mrkdwn("[not a link]"), "[not a link]");
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(
            markdown_to_mrkdwn("a < b && c > d <!channel>"),
            "a &lt; b &amp;&amp; c &gt; d &lt;!channel&gt;"
        );
    }

    #[test]
    fn unescapes_markdown_escapes() {
        assert_eq!(
            markdown_to_mrkdwn(r"MY\_PROJ-1 \*x\* \<y\>"),
            "MY_PROJ-1 *x* &lt;y&gt;"
        );
        assert_eq!(
            markdown_to_mrkdwn(r"[MY\_PROJ-1](https://j.test/MY_PROJ-1)"),
            "<https://j.test/MY_PROJ-1|MY_PROJ-1>"
        );
    }

    #[test]
    fn keeps_code_verbatim() {
        assert_eq!(markdown_to_mrkdwn("`a*b*<c>`"), "`a*b*&lt;c&gt;`");
        assert_eq!(
            markdown_to_mrkdwn("```\n**x** & y\n```"),
            "```\n**x** &amp; y\n```"
        );
    }

    #[test]
    fn unbalanced_markers_pass_through() {
        for input in [
            "**open", "[text](", "`tick", "\\", "*", "~~", "<", "[", "[]()",
        ] {
            let output = markdown_to_mrkdwn(input);
            assert!(!output.is_empty(), "{input:?}");
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn ampersands_always_escaped(input in "\\PC{0,80}") {
            let output = markdown_to_mrkdwn(&input);
            for (index, _) in output.match_indices('&') {
                let rest = &output[index..];
                prop_assert!(
                    rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;"),
                    "raw ampersand in {output:?}"
                );
            }
        }

        #[test]
        fn no_control_sequences_without_links(input in "[^\\[<>]{0,80}") {
            let output = markdown_to_mrkdwn(&input);
            prop_assert!(!output.contains('<'), "{output:?}");
            prop_assert!(!output.contains('>'), "{output:?}");
        }
    }
}
