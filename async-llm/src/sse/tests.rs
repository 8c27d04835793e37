use proptest::prelude::*;

use super::*;

fn decode_all(bytes: &[u8]) -> Vec<SseEvent> {
    SseDecoder::new().push(bytes)
}

fn decode_split(bytes: &[u8], cuts: &[usize]) -> Vec<SseEvent> {
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, bytes.len());
        decoder.push_into(&bytes[start..cut], &mut events);
        start = cut;
    }
    decoder.push_into(&bytes[start..], &mut events);
    events
}

fn data(text: &str) -> SseEvent {
    SseEvent {
        event: None,
        data: text.to_owned(),
    }
}

#[test]
fn line_ends_all_accepted() {
    for body in [
        "data: a\n\ndata: b\n\n",
        "data: a\r\n\r\ndata: b\r\n\r\n",
        "data: a\r\rdata: b\r\r",
        "data: a\r\n\ndata: b\n\r\n",
    ] {
        assert_eq!(
            decode_all(body.as_bytes()),
            vec![data("a"), data("b")],
            "{body:?}"
        );
    }
}

#[test]
fn cr_at_end_of_read_then_lf() {
    let mut decoder = SseDecoder::new();
    assert!(decoder.push(b"data: a\r").is_empty());
    assert!(decoder.push(b"\n").is_empty(), "CRLF split is one line end");
    assert_eq!(decoder.push(b"\r\n"), vec![data("a")]);
}

#[test]
fn empty_read_keeps_pending_cr() {
    let mut decoder = SseDecoder::new();
    assert!(decoder.push(b"data: a\r").is_empty());
    assert!(decoder.push(b"").is_empty());
    assert!(
        decoder.push(b"\ndata: b\n").is_empty(),
        "CR, empty read, LF is one line end"
    );
    assert_eq!(decoder.push(b"\n"), vec![data("a\nb")]);
}

#[test]
fn utf8_char_split_across_reads() {
    let body = "data: grüße €\n\n".as_bytes();
    let euro = body.len() - 4;
    let events = decode_split(body, &[euro, euro + 1, euro + 2]);
    assert_eq!(events, vec![data("grüße €")]);
}

#[test]
fn data_lines_joined() {
    let events = decode_all(b"data: one\ndata:two\ndata\ndata:  three\n\n");
    assert_eq!(events, vec![data("one\ntwo\n\n three")]);
}

#[test]
fn comments_and_id_only_blocks_ignored() {
    let body = b": keep-alive\n\nid: 7\n\nretry: 3000\n\nid: 8\nretry: 10\n\ndata: x\nid: 9\n\n";
    assert_eq!(decode_all(body), vec![data("x")]);
}

#[test]
fn named_events_kept() {
    let body = b"event: message_start\ndata: {}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n";
    let events = decode_all(body);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event.as_deref(), Some("message_start"));
    assert_eq!(events[1].event.as_deref(), Some("ping"));
    assert_eq!(events[1].data, "{\"type\": \"ping\"}");
}

#[test]
fn event_name_without_data_dropped() {
    let events = decode_all(b"event: lonely\n\ndata: next\n\n");
    assert_eq!(
        events,
        vec![data("next")],
        "the name does not leak into the next event"
    );
}

#[test]
fn empty_data_dispatches() {
    assert_eq!(decode_all(b"data:\n\n"), vec![data("")]);
}

#[test]
fn done_marker_recognised() {
    let events = decode_all(b"data: [DONE]\n\n");
    assert!(events[0].is_done_marker());
    assert!(!data("[DONE] later").is_done_marker());
}

#[test]
fn byte_order_mark_skipped() {
    let events = decode_all("\u{feff}data: a\n\n".as_bytes());
    assert_eq!(events, vec![data("a")]);
}

#[test]
fn unfinished_event_pending() {
    let mut decoder = SseDecoder::new();
    assert!(decoder.push(b"data: cut").is_empty());
    assert!(decoder.has_pending());
    let mut decoder = SseDecoder::new();
    decoder.push(b"data: whole\n\n");
    assert!(!decoder.has_pending());
}

/// A stream of events written with every line-end style, comments and fields mixed in.
fn event_stream() -> impl Strategy<Value = Vec<u8>> {
    let line_end = prop_oneof![Just("\n"), Just("\r"), Just("\r\n")];
    let line = prop_oneof![
        "[a-zé€😀 {}\":,]{0,12}".prop_map(|text| format!("data: {text}")),
        "[a-z_]{1,8}".prop_map(|name| format!("event: {name}")),
        Just("id: 42".to_owned()),
        Just("retry: 100".to_owned()),
        "[ a-z]{0,6}".prop_map(|text| format!(":{text}")),
        Just(String::new()),
    ];
    prop::collection::vec((line, line_end), 0..40).prop_map(|lines| {
        lines
            .into_iter()
            .flat_map(|(line, end)| [line, end.to_owned()])
            .collect::<String>()
            .into_bytes()
    })
}

proptest! {
    #[test]
    fn any_split_gives_same_events(
        body in event_stream(),
        cuts in prop::collection::vec(0usize..600, 0..12),
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        prop_assert_eq!(decode_split(&body, &cuts), decode_all(&body));
    }

    #[test]
    fn arbitrary_bytes_split_consistently(
        body in prop::collection::vec(any::<u8>(), 0..400),
        cuts in prop::collection::vec(0usize..400, 0..12),
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        prop_assert_eq!(decode_split(&body, &cuts), decode_all(&body));
    }

    #[test]
    fn byte_by_byte_matches(body in event_stream()) {
        let cuts: Vec<usize> = (0..body.len()).collect();
        prop_assert_eq!(decode_split(&body, &cuts), decode_all(&body));
    }
}
