//! Property tests: the lexicon, working days and the whole pipeline on arbitrary input.

use async_core::identity::{IdentityResolver, normalize_email, parse_github_noreply};
use async_core::insights::synthetic;
use async_core::insights::{
    InsightConfig, is_blocker_text, is_resolution_text, standup_insights, working_days_between,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

fn instant(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().expect("in range")
}

/// Seconds between 2000 and 2100, the range records realistically fall in.
fn seconds() -> impl Strategy<Value = i64> {
    946_684_800_i64..4_102_444_800_i64
}

proptest! {
    #[test]
    fn lexicon_never_panics(text in "\\PC{0,200}") {
        let _ = is_blocker_text(&text);
        let _ = is_resolution_text(&text);
        let _ = normalize_email(&text);
        let _ = parse_github_noreply(&text);
    }

    #[test]
    fn prefixed_words_never_match(prefix in "[a-z]{1,4}", tail in "[a-z ]{0,30}") {
        let text = format!("{prefix}blocked on {tail}");
        prop_assert_eq!(is_blocker_text(&text), None);
    }

    #[test]
    fn negated_phrase_never_matches(
        negation in prop::sample::select(vec!["not", "no", "never", "isn't"]),
        phrase in prop::sample::select(vec!["blocked on", "waiting for", "stuck on"]),
    ) {
        let text = format!("{negation} {phrase} the release");
        prop_assert_eq!(is_blocker_text(&text), None);
    }

    #[test]
    fn working_days_bounded_by_calendar(start in seconds(), length in 0_i64..40_000_000) {
        let from = instant(start);
        let to = from + TimeDelta::seconds(length);
        let days = i64::from(working_days_between(from, to));
        let calendar = length / 86_400;

        prop_assert!(days <= calendar);
        // Each full week contains exactly five working days.
        prop_assert!(days >= (calendar / 7) * 5 - 1);
    }

    #[test]
    fn working_days_are_additive(start in seconds(), first in 0_i64..5_000_000, second in 0_i64..5_000_000) {
        let a = instant(start);
        let b = a + TimeDelta::seconds(first);
        let c = b + TimeDelta::seconds(second);
        let whole = working_days_between(a, c);
        let parts = working_days_between(a, b) + working_days_between(b, c);

        // Whole days of the parts lose at most one day of rounding.
        prop_assert!(whole >= parts && whole <= parts + 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn pipeline_is_order_independent(people in 1_usize..20, seed in any::<u64>()) {
        let (batch, config) = synthetic::workspace(people, seed);
        let mut shuffled = batch.clone();
        shuffled.accounts.reverse();
        shuffled.pull_requests.reverse();
        shuffled.work_items.reverse();
        shuffled.messages.reverse();
        let resolver = IdentityResolver::new(config).expect("generated config is valid");
        let run = |batch| {
            let identity = resolver.resolve_batch(batch);
            standup_insights(batch, &identity, synthetic::window(), synthetic::now(), &InsightConfig::default())
        };

        prop_assert_eq!(run(&batch), run(&shuffled));
    }
}
