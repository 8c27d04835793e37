//! Slack message timestamps (`"1700000000.000100"`).
//!
//! A `ts` is epoch seconds, a dot and a six-digit suffix that Slack keeps unique per channel.
//! It is the message's key, so the SDK keeps it as the exact string Slack sent and converts
//! it to a [`DateTime<Utc>`] only to place the message in time. The conversion parses the
//! seconds and the fraction as separate integers: an `f64` has too few digits for 16
//! significant figures and would make two distinct messages compare equal.

use std::fmt;

use chrono::{DateTime, Utc};

/// The maximum number of fraction digits in a `ts`, because Slack sends microseconds.
const MAX_FRACTION_DIGITS: usize = 6;

/// The maximum length of the input quoted in an error, so a huge value cannot bloat messages.
const MAX_QUOTED_CHARS: usize = 32;

/// The reason a string is not a valid Slack timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampErrorKind {
    /// The input is empty.
    Empty,
    /// The seconds part is missing or contains something other than ASCII digits.
    InvalidSeconds,
    /// The part after the dot is empty, longer than six digits or not all ASCII digits.
    InvalidFraction,
    /// The value does not fit the range of [`DateTime<Utc>`].
    OutOfRange,
}

/// A string that could not be read as a Slack timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    value: String,
    kind: TimestampErrorKind,
}

impl TimestampError {
    fn new(value: &str, kind: TimestampErrorKind) -> Self {
        Self {
            value: value.chars().take(MAX_QUOTED_CHARS).collect(),
            kind,
        }
    }

    /// Returns what is wrong with the value.
    pub fn kind(&self) -> TimestampErrorKind {
        self.kind
    }

    /// Returns the rejected value, cut to its first 32 characters.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self.kind {
            TimestampErrorKind::Empty => "it is empty",
            TimestampErrorKind::InvalidSeconds => "the seconds before the dot are not digits",
            TimestampErrorKind::InvalidFraction => "the part after the dot must be 1 to 6 digits",
            TimestampErrorKind::OutOfRange => "it is outside the supported date range",
        };
        write!(
            f,
            "invalid Slack timestamp `{}`: {reason}; expected epoch seconds and microseconds such as `1700000000.000100`",
            self.value
        )
    }
}

impl std::error::Error for TimestampError {}

/// Parses a Slack `ts` string into the instant it names, exactly to the microsecond.
///
/// A value without a dot (`"1700000000"`) is read as whole seconds. Fractions shorter than
/// six digits are read as decimal fractions (`".5"` is 500 000 µs).
///
/// # Errors
///
/// Returns [`TimestampError`] when the value is empty, has a sign, a non-digit, an empty or
/// over-long fraction, or names an instant [`DateTime<Utc>`] cannot hold.
///
/// # Examples
///
/// ```
/// use async_connectors::slack::parse_ts;
///
/// let posted = parse_ts("1700000000.000100")?;
/// assert_eq!(posted.timestamp(), 1_700_000_000);
/// assert_eq!(posted.timestamp_subsec_micros(), 100);
/// assert!(parse_ts("-1.5").is_err());
/// # Ok::<(), async_connectors::slack::TimestampError>(())
/// ```
pub fn parse_ts(value: &str) -> Result<DateTime<Utc>, TimestampError> {
    if value.is_empty() {
        return Err(TimestampError::new(value, TimestampErrorKind::Empty));
    }
    let (seconds, fraction) = match value.split_once('.') {
        Some((seconds, fraction)) => (seconds, Some(fraction)),
        None => (value, None),
    };

    let seconds = parse_seconds(seconds).map_err(|kind| TimestampError::new(value, kind))?;
    let micros = match fraction {
        Some(fraction) => {
            parse_micros(fraction).map_err(|kind| TimestampError::new(value, kind))?
        }
        None => 0,
    };

    DateTime::from_timestamp(seconds, micros * 1_000)
        .ok_or_else(|| TimestampError::new(value, TimestampErrorKind::OutOfRange))
}

/// Formats an instant as a Slack `ts` string with six fraction digits, for `oldest` and
/// `latest` arguments.
///
/// Instants before 1970 become `"0.000000"` because Slack has no earlier messages.
/// Nanoseconds below one microsecond are dropped.
///
/// # Examples
///
/// ```
/// use async_connectors::slack::{format_ts, parse_ts};
///
/// let posted = parse_ts("1700000000.000100")?;
/// assert_eq!(format_ts(posted), "1700000000.000100");
/// # Ok::<(), async_connectors::slack::TimestampError>(())
/// ```
pub fn format_ts(instant: DateTime<Utc>) -> String {
    let seconds = instant.timestamp();
    if seconds < 0 {
        return "0.000000".to_owned();
    }

    format!("{seconds}.{:06}", instant.timestamp_subsec_micros())
}

fn parse_seconds(digits: &str) -> Result<i64, TimestampErrorKind> {
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(TimestampErrorKind::InvalidSeconds);
    }

    // Only digits remain, so the parse can fail only by overflowing i64.
    digits
        .parse::<i64>()
        .map_err(|_| TimestampErrorKind::OutOfRange)
}

fn parse_micros(digits: &str) -> Result<u32, TimestampErrorKind> {
    let valid = !digits.is_empty()
        && digits.len() <= MAX_FRACTION_DIGITS
        && digits.bytes().all(|byte| byte.is_ascii_digit());
    if !valid {
        return Err(TimestampErrorKind::InvalidFraction);
    }

    let mut micros = 0_u32;
    for byte in digits.bytes() {
        micros = micros * 10 + u32::from(byte - b'0');
    }
    let missing_digits = MAX_FRACTION_DIGITS - digits.len();

    Ok(micros * 10_u32.pow(missing_digits as u32))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn parse_ts_keeps_microseconds_exactly() {
        let parsed = parse_ts("1700000000.000100").expect("valid ts");

        assert_eq!(parsed.timestamp(), 1_700_000_000);
        assert_eq!(parsed.timestamp_subsec_nanos(), 100_000);
    }

    #[test]
    fn parse_ts_separates_neighbouring_messages() {
        // An f64 cannot tell these apart; the integer parse must.
        let first = parse_ts("1512085950.000216").expect("valid ts");
        let second = parse_ts("1512085950.000217").expect("valid ts");

        assert!(first < second);
        assert_eq!((second - first).num_microseconds(), Some(1));
    }

    #[test]
    fn parse_ts_reads_short_fractions_and_whole_seconds() {
        let half = parse_ts("10.5").expect("valid ts");
        let whole = parse_ts("10").expect("valid ts");

        assert_eq!(half.timestamp_subsec_micros(), 500_000);
        assert_eq!(whole, Utc.timestamp_opt(10, 0).single().expect("valid"));
    }

    #[test]
    fn parse_ts_rejects_malformed_values() {
        let cases = [
            ("", TimestampErrorKind::Empty),
            ("abc", TimestampErrorKind::InvalidSeconds),
            ("1.", TimestampErrorKind::InvalidFraction),
            (".5", TimestampErrorKind::InvalidSeconds),
            ("-1.5", TimestampErrorKind::InvalidSeconds),
            ("+1.5", TimestampErrorKind::InvalidSeconds),
            ("1.5.6", TimestampErrorKind::InvalidFraction),
            ("1.0000001", TimestampErrorKind::InvalidFraction),
            ("1.00a100", TimestampErrorKind::InvalidFraction),
            (" 1.000100", TimestampErrorKind::InvalidSeconds),
            ("1700000000.000100 ", TimestampErrorKind::InvalidFraction),
            (
                "99999999999999999999.000000",
                TimestampErrorKind::OutOfRange,
            ),
            ("9223372036854775807.000000", TimestampErrorKind::OutOfRange),
        ];

        for (value, expected) in cases {
            let error = parse_ts(value).expect_err(value);
            assert_eq!(error.kind(), expected, "kind for {value:?}");
        }
    }

    #[test]
    fn parse_ts_error_quotes_a_short_prefix() {
        let huge = "9".repeat(10_000);

        let error = parse_ts(&huge).expect_err("out of range");

        assert_eq!(error.value().len(), MAX_QUOTED_CHARS);
        assert!(error.to_string().contains("1700000000.000100"));
    }

    #[test]
    fn format_ts_round_trips_and_clamps() {
        let instant = parse_ts("1700000000.000100").expect("valid ts");
        let before_epoch = Utc.timestamp_opt(-5, 0).single().expect("valid");

        assert_eq!(format_ts(instant), "1700000000.000100");
        assert_eq!(format_ts(before_epoch), "0.000000");
    }

    proptest::proptest! {
        #[test]
        fn parse_ts_round_trips_any_valid_ts(
            seconds in 0_i64..=253_402_300_799,
            micros in 0_u32..1_000_000,
        ) {
            let text = format!("{seconds}.{micros:06}");

            let parsed = parse_ts(&text).expect("valid ts");

            proptest::prop_assert_eq!(parsed.timestamp(), seconds);
            proptest::prop_assert_eq!(parsed.timestamp_subsec_micros(), micros);
            proptest::prop_assert_eq!(format_ts(parsed), text);
        }

        #[test]
        fn parse_ts_never_panics(text in "\\PC{0,40}") {
            let _ = parse_ts(&text);
        }
    }
}
