//! Atlassian Document Format (ADF) flattened into plain text.
//!
//! Jira's v3 API returns descriptions, comment bodies and worklog comments as ADF trees.
//! Analytics only need their text, so [`adf_to_text`] walks the tree, keeps the text of the
//! node types listed on it and treats every other node as a container of its children.

use serde_json::{Map, Value};

/// Maximum nesting depth of the walk. Deeper nodes are skipped so that hostile input cannot
/// exhaust the stack, and real documents stay far below it.
const MAX_DEPTH: usize = 64;

/// Flattens an ADF document into plain text.
///
/// Paragraphs, headings and code blocks become lines, and `hardBreak` becomes a line break.
/// List items become `- ` bullets (or `1. ` for ordered lists), indented when nested.
/// A `mention` becomes `@Name`, an `emoji` its character or short name, an `inlineCard` its
/// URL, and a table row its cells joined by ` | `. Unknown nodes contribute their children's
/// text.
/// A plain JSON string (as the v2 API and some examples return) is returned as it is, and
/// any other value yields an empty string. The function never panics.
///
/// # Examples
///
/// ```
/// use async_connectors::jira::adf_to_text;
/// use serde_json::json;
///
/// let doc = json!({"type": "doc", "version": 1, "content": [
///     {"type": "paragraph", "content": [
///         {"type": "text", "text": "Ask "},
///         {"type": "mention", "attrs": {"id": "5b10", "text": "@Mia"}},
///     ]},
/// ]});
/// assert_eq!(adf_to_text(&doc), "Ask @Mia");
/// ```
pub fn adf_to_text(document: &Value) -> String {
    let mut out = String::new();
    match document {
        Value::String(text) => out.push_str(text),
        Value::Object(_) | Value::Array(_) => write_node(document, &mut out, 0),
        _ => {}
    }
    tidy(&out)
}

fn write_node(node: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let object = match node {
        Value::Object(object) => object,
        Value::Array(nodes) => return write_children(nodes, out, depth),
        _ => return,
    };

    match object
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
    {
        "text" => out.push_str(text_of(object.get("text"))),
        "hardBreak" => out.push('\n'),
        "mention" => write_mention(object, out),
        "emoji" => write_emoji(object, out),
        "inlineCard" => out.push_str(attr(object, "url")),
        "status" => out.push_str(attr(object, "text")),
        "paragraph" | "heading" | "codeBlock" => {
            start_line(out);
            write_content(object, out, depth);
            out.push('\n');
        }
        "blockCard" | "embedCard" => {
            start_line(out);
            out.push_str(attr(object, "url"));
            out.push('\n');
        }
        "bulletList" => write_list(object, out, depth, false),
        "orderedList" => write_list(object, out, depth, true),
        "tableRow" => write_table_row(object, out, depth),
        _ => write_content(object, out, depth),
    }
}

fn write_children(nodes: &[Value], out: &mut String, depth: usize) {
    for child in nodes {
        write_node(child, out, depth + 1);
    }
}

fn write_content(object: &Map<String, Value>, out: &mut String, depth: usize) {
    if let Some(Value::Array(children)) = object.get("content") {
        write_children(children, out, depth);
    }
}

fn write_mention(object: &Map<String, Value>, out: &mut String) {
    let text = attr(object, "text");
    let name = if text.is_empty() {
        attr(object, "id")
    } else {
        text
    };
    if !name.starts_with('@') {
        out.push('@');
    }
    out.push_str(name);
}

fn write_emoji(object: &Map<String, Value>, out: &mut String) {
    let text = attr(object, "text");
    out.push_str(if text.is_empty() {
        attr(object, "shortName")
    } else {
        text
    });
}

/// Writes each list item as a bullet; continuation lines are indented under the marker so
/// nested lists stay readable.
fn write_list(object: &Map<String, Value>, out: &mut String, depth: usize, ordered: bool) {
    let Some(Value::Array(items)) = object.get("content") else {
        return;
    };
    let first = object
        .get("attrs")
        .and_then(|attrs| attrs.get("order"))
        .and_then(Value::as_u64)
        .unwrap_or(1);

    start_line(out);
    for (index, item) in items.iter().enumerate() {
        let mut text = String::new();
        write_node(item, &mut text, depth + 1);
        let marker = if ordered {
            format!("{}. ", first.saturating_add(index as u64))
        } else {
            "- ".to_owned()
        };
        push_indented(out, &marker, text.trim_end_matches('\n'));
    }
}

fn push_indented(out: &mut String, marker: &str, text: &str) {
    let indent = " ".repeat(marker.len());
    for (line_number, line) in text.lines().enumerate() {
        out.push_str(if line_number == 0 { marker } else { &indent });
        out.push_str(line);
        out.push('\n');
    }
    if text.is_empty() {
        out.push_str(marker.trim_end());
        out.push('\n');
    }
}

fn write_table_row(object: &Map<String, Value>, out: &mut String, depth: usize) {
    let Some(Value::Array(cells)) = object.get("content") else {
        return;
    };
    let texts: Vec<String> = cells
        .iter()
        .map(|cell| {
            let mut text = String::new();
            write_node(cell, &mut text, depth + 1);
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();

    start_line(out);
    out.push_str(&texts.join(" | "));
    out.push('\n');
}

fn start_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn attr<'a>(object: &'a Map<String, Value>, name: &str) -> &'a str {
    text_of(object.get("attrs").and_then(|attrs| attrs.get(name)))
}

fn text_of(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).unwrap_or_default()
}

/// Drops trailing spaces on each line and blank lines at both ends.
fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(content: Value) -> Value {
        json!({"type": "doc", "version": 1, "content": content})
    }

    fn paragraph(content: Value) -> Value {
        json!({"type": "paragraph", "content": content})
    }

    fn text(value: &str) -> Value {
        json!({"type": "text", "text": value})
    }

    #[test]
    fn paragraphs_become_lines() {
        let document = doc(json!([
            paragraph(json!([text("First "), text("line")])),
            paragraph(json!([text("Second")])),
        ]));
        assert_eq!(adf_to_text(&document), "First line\nSecond");
    }

    #[test]
    fn hard_break_splits_line() {
        let document = doc(json!([paragraph(json!([
            text("one"),
            {"type": "hardBreak"},
            text("two"),
        ]))]));
        assert_eq!(adf_to_text(&document), "one\ntwo");
    }

    #[test]
    fn mention_and_emoji_inline() {
        let document = doc(json!([paragraph(json!([
            {"type": "mention", "attrs": {"id": "5b10", "text": "@Ana Ruiz"}},
            text(" and "),
            {"type": "mention", "attrs": {"id": "5c22", "text": "Li Wei"}},
            text(" "),
            {"type": "emoji", "attrs": {"shortName": ":tada:", "text": "🎉"}},
            {"type": "emoji", "attrs": {"shortName": ":shipit:"}},
        ]))]));
        assert_eq!(adf_to_text(&document), "@Ana Ruiz and @Li Wei 🎉:shipit:");
    }

    #[test]
    fn lists_become_bullets() {
        let item =
            |value: &str| json!({"type": "listItem", "content": [paragraph(json!([text(value)]))]});
        let nested = json!({"type": "listItem", "content": [
            paragraph(json!([text("parent")])),
            {"type": "bulletList", "content": [item("child")]},
        ]});
        let document = doc(json!([
            {"type": "bulletList", "content": [item("alpha"), nested]},
            {"type": "orderedList", "attrs": {"order": 3}, "content": [item("third"), item("fourth")]},
        ]));
        assert_eq!(
            adf_to_text(&document),
            "- alpha\n- parent\n  - child\n3. third\n4. fourth"
        );
    }

    #[test]
    fn heading_code_and_card() {
        let document = doc(json!([
            {"type": "heading", "attrs": {"level": 2}, "content": [text("Plan")]},
            {"type": "codeBlock", "attrs": {"language": "rust"}, "content": [text("let x = 1;\nlet y = 2;")]},
            paragraph(json!([text("see "), {"type": "inlineCard", "attrs": {"url": "https://example.com/a"}}])),
        ]));
        assert_eq!(
            adf_to_text(&document),
            "Plan\nlet x = 1;\nlet y = 2;\nsee https://example.com/a"
        );
    }

    #[test]
    fn unknown_nodes_yield_children() {
        let document = doc(json!([
            {"type": "panel", "attrs": {"panelType": "info"}, "content": [paragraph(json!([text("inside")]))]},
            {"type": "futureNode", "content": [{"type": "alsoNew", "content": [text("deep")]}]},
            {"type": "table", "content": [{"type": "tableRow", "content": [
                {"type": "tableHeader", "content": [paragraph(json!([text("a")]))]},
                {"type": "tableCell", "content": [paragraph(json!([text("b")]))]},
            ]}]},
        ]));
        assert_eq!(adf_to_text(&document), "inside\ndeep\na | b");
    }

    #[test]
    fn odd_input_does_not_panic() {
        let cases = [
            json!(null),
            json!(42),
            json!({}),
            json!({"type": 7, "content": "not a list"}),
            json!({"type": "paragraph", "content": [null, 1, {"type": "text"}]}),
            json!({"type": "bulletList", "content": [{"type": "listItem"}]}),
            json!({"type": "mention"}),
            json!({"type": "orderedList", "attrs": {"order": u64::MAX}, "content": [
                {"type": "listItem", "content": [text("a")]},
                {"type": "listItem", "content": [text("b")]},
            ]}),
        ];
        for case in &cases {
            let _ = adf_to_text(case);
        }
        assert_eq!(adf_to_text(&json!("plain v2 text")), "plain v2 text");
        assert_eq!(adf_to_text(&json!(null)), "");
    }

    /// Generates arbitrary JSON shaped loosely like ADF: objects with a `type` from a
    /// mix of known and unknown names, optional attributes and nested content.
    fn arbitrary_node() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;

        let kinds = prop::sample::select(vec![
            "doc",
            "paragraph",
            "text",
            "hardBreak",
            "mention",
            "emoji",
            "bulletList",
            "orderedList",
            "listItem",
            "heading",
            "codeBlock",
            "inlineCard",
            "tableRow",
            "tableCell",
            "unknown",
            "",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::from),
            (kinds.clone(), "\\PC{0,8}")
                .prop_map(|(kind, text)| json!({"type": kind, "text": text, "attrs": {"text": text, "order": -1}})),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            (kinds.clone(), prop::collection::vec(inner, 0..6))
                .prop_map(|(kind, content)| json!({"type": kind, "content": content}))
        })
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_documents_do_not_panic(document in arbitrary_node()) {
            let text = adf_to_text(&document);
            proptest::prop_assert!(!text.ends_with('\n'));
        }
    }

    #[test]
    fn deep_nesting_is_cut_off() {
        let mut node = text("bottom");
        for _ in 0..500 {
            node = json!({"type": "blockquote", "content": [node]});
        }
        assert_eq!(adf_to_text(&node), "");
    }
}
