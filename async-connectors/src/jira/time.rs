//! Jira's timestamp and date formats, parsed at the edge into `chrono` types.
//!
//! The platform API writes offsets without a colon (`2023-06-24T19:24:50.000+0000`), which
//! strict RFC 3339 parsers reject; the Agile API writes `+10:00` or `Z`. One parser accepts
//! all of them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};

/// The maximum number of characters of an invalid value that an error message repeats.
const MAX_ECHO: usize = 64;

/// A Jira timestamp or date that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Jira {what} `{value}`: expected {expected}")]
pub struct TimeParseError {
    what: &'static str,
    value: String,
    expected: &'static str,
}

impl TimeParseError {
    fn new(what: &'static str, value: &str, expected: &'static str) -> Self {
        Self {
            what,
            value: value.chars().take(MAX_ECHO).collect(),
            expected,
        }
    }
}

/// Parses a Jira timestamp into UTC.
///
/// Accepts `2023-06-24T19:24:50.000+0000` (the platform API), `2015-04-11T15:22:00.000+10:00`
/// (the Agile API), `2020-06-12T00:38:51.882Z`, and each of these without milliseconds.
///
/// # Errors
///
/// Returns [`TimeParseError`] naming the value when it matches none of these forms.
///
/// # Examples
///
/// ```
/// use async_connectors::jira::parse_timestamp;
///
/// let at = parse_timestamp("2023-06-24T19:24:50.000+0200")?;
/// assert_eq!(at.to_rfc3339(), "2023-06-24T17:24:50+00:00");
/// # Ok::<(), async_connectors::jira::TimeParseError>(())
/// ```
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, TimeParseError> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }

    // `%.f` also matches an absent fraction, and `%z` takes `+0000` as well as `+00:00`.
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            TimeParseError::new(
                "timestamp",
                text,
                "a form like 2023-06-24T19:24:50.000+0000",
            )
        })
}

/// Parses a Jira calendar date (`yyyy-MM-dd`), as used by due dates.
///
/// # Errors
///
/// Returns [`TimeParseError`] naming the value when it is not a valid `yyyy-MM-dd` date.
pub fn parse_date(text: &str) -> Result<NaiveDate, TimeParseError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| TimeParseError::new("date", text, "a date like 2024-01-31"))
}

/// A timestamp as it appears in a response: Jira's string, or a number of milliseconds
/// since 1970.
// NOTE: Jira Cloud sends strings. Numbers appear only in Atlassian's documentation
// examples (`"updated": 1`); reading them as epoch milliseconds is an assumption.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawTimestamp {
    Text(String),
    Millis(i64),
}

impl RawTimestamp {
    /// Converts the value, or returns `None` for an empty string.
    fn parse(self) -> Result<Option<DateTime<Utc>>, TimeParseError> {
        match self {
            Self::Text(text) if text.trim().is_empty() => Ok(None),
            Self::Text(text) => parse_timestamp(&text).map(Some),
            Self::Millis(millis) => DateTime::from_timestamp_millis(millis)
                .map(Some)
                .ok_or_else(|| {
                    TimeParseError::new(
                        "timestamp",
                        &millis.to_string(),
                        "milliseconds since 1970 within chrono's range",
                    )
                }),
        }
    }
}

/// Deserializes a required Jira timestamp.
pub(crate) fn timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<Utc>, D::Error> {
    RawTimestamp::deserialize(deserializer)?
        .parse()
        .map_err(serde::de::Error::custom)?
        .ok_or_else(|| serde::de::Error::custom("the timestamp is an empty string"))
}

/// Deserializes an optional Jira timestamp. `null`, an empty string and an absent field
/// (with `#[serde(default)]`) all count as absent.
pub(crate) fn optional_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<RawTimestamp>::deserialize(deserializer)? {
        Some(raw) => raw.parse().map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

/// Deserializes a nullable `yyyy-MM-dd` date; an empty string counts as absent.
pub(crate) fn optional_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(text) if !text.trim().is_empty() => parse_date(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
        _ => Ok(None),
    }
}

/// Formats an instant as a JQL date literal, `"yyyy-MM-dd HH:mm"` with the quotes.
pub(crate) fn jql_datetime(at: DateTime<Utc>) -> String {
    format!("\"{}\"", at.format("%Y-%m-%d %H:%M"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("valid instant")
    }

    #[derive(Debug, Deserialize)]
    struct Times {
        #[serde(deserialize_with = "timestamp")]
        required: DateTime<Utc>,
        #[serde(default, deserialize_with = "optional_timestamp")]
        optional: Option<DateTime<Utc>>,
    }

    #[test]
    fn numeric_timestamps_are_milliseconds() {
        let json = r#"{"required": 1700000000123, "optional": 1}"#;

        let times: Times = serde_json::from_str(json).expect("numbers parse");

        assert_eq!(times.required.timestamp_millis(), 1_700_000_000_123);
        assert_eq!(times.optional.map(|at| at.timestamp_millis()), Some(1));
    }

    #[test]
    fn empty_or_absent_timestamps() {
        let absent: Times = serde_json::from_str(r#"{"required": "2024-01-02T03:04:05.000+0000"}"#)
            .expect("absent optional parses");
        let empty: Times =
            serde_json::from_str(r#"{"required": "2024-01-02T03:04:05Z", "optional": ""}"#)
                .expect("empty optional parses");
        let required_empty = serde_json::from_str::<Times>(r#"{"required": ""}"#);
        let wrong_type = serde_json::from_str::<Times>(r#"{"required": true}"#);

        assert_eq!(absent.optional, None);
        assert_eq!(empty.optional, None);
        assert!(required_empty.is_err());
        assert!(wrong_type.is_err());
    }

    #[test]
    fn offset_without_colon_parses() {
        let at = parse_timestamp("2023-06-24T19:24:50.000+0000").expect("parses");
        assert_eq!(at, utc(2023, 6, 24, 19, 24, 50));

        let east = parse_timestamp("2020-06-12T08:13:13.360+0800").expect("parses");
        assert_eq!(
            east.timestamp_millis(),
            utc(2020, 6, 12, 0, 13, 13).timestamp_millis() + 360
        );
    }

    #[test]
    fn colon_offset_and_zulu_parse() {
        let agile = parse_timestamp("2015-04-11T15:22:00.000+10:00").expect("parses");
        assert_eq!(agile, utc(2015, 4, 11, 5, 22, 0));

        let zulu = parse_timestamp("2020-06-26T00:38:00.000Z").expect("parses");
        assert_eq!(zulu, utc(2020, 6, 26, 0, 38, 0));
    }

    #[test]
    fn missing_millis_parse() {
        assert_eq!(
            parse_timestamp("2023-06-24T19:24:50+0000").expect("parses"),
            utc(2023, 6, 24, 19, 24, 50)
        );
        assert_eq!(
            parse_timestamp("2023-06-24T19:24:50Z").expect("parses"),
            utc(2023, 6, 24, 19, 24, 50)
        );
        assert_eq!(
            parse_timestamp("2023-06-24T19:24:50-05:30").expect("parses"),
            utc(2023, 6, 25, 0, 54, 50)
        );
    }

    #[test]
    fn garbage_is_typed_error() {
        for text in [
            "",
            "yesterday",
            "2023-06-24",
            "2023-13-24T19:24:50.000+0000",
            "1",
        ] {
            let error = parse_timestamp(text).expect_err(text);
            assert!(
                error.to_string().contains("invalid Jira timestamp"),
                "{error}"
            );
        }
    }

    #[test]
    fn long_garbage_is_truncated_in_message() {
        let text = "x".repeat(500);
        let error = parse_timestamp(&text).expect_err("garbage");
        assert!(error.to_string().len() < 200);
    }

    #[test]
    fn due_date_parses() {
        let date = parse_date("2025-03-09").expect("parses");
        assert_eq!(date, NaiveDate::from_ymd_opt(2025, 3, 9).expect("valid"));
        assert!(parse_date("09/03/2025").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_instant_parses_in_jira_form(
            // Up to the end of year 9998, so that no offset pushes the local year past 9999.
            seconds in 0_i64..=253_370_764_799,
            millis in 0_u32..1000,
            offset_minutes in -720_i32..=840,
        ) {
            let instant = DateTime::from_timestamp(seconds, millis * 1_000_000).expect("in range");
            let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).expect("valid offset");
            let local = instant.with_timezone(&offset);
            let platform = local.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string();
            let agile = local.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();

            proptest::prop_assert_eq!(parse_timestamp(&platform).expect("platform form"), instant);
            proptest::prop_assert_eq!(parse_timestamp(&agile).expect("agile form"), instant);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,40}") {
            let _ = parse_timestamp(&text);
            let _ = parse_date(&text);
        }
    }

    #[test]
    fn jql_literal_is_quoted_minutes() {
        assert_eq!(
            jql_datetime(utc(2026, 1, 5, 7, 3, 59)),
            "\"2026-01-05 07:03\""
        );
    }
}
