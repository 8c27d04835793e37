//! Working-day arithmetic: Monday to Friday, in UTC.
//!
//! Staleness is counted in working days so that a weekend does not turn Friday's work
//! into Monday's alarm. A working day here is a whole 24-hour span of Monday to Friday
//! time; public holidays are not known to the SDK.
//!
//! NOTE: days are cut at midnight UTC, not in each person's time zone, so for people far
//! from UTC the weekend boundary is off by their offset.

use chrono::{DateTime, Datelike, Timelike, Utc};

const SECONDS_PER_DAY: i64 = 86_400;

/// Counts the whole working days (Monday to Friday, UTC) that elapsed from `start` to
/// `end`; zero when `end` is not after `start`.
///
/// Partial days add up: Wednesday 10:00 to the next Monday 10:00 is three working days
/// (14 hours of Wednesday, Thursday, Friday, and 10 hours of Monday).
///
/// # Examples
///
/// ```
/// use async_core::insights::working_days_between;
/// use chrono::{TimeZone, Utc};
///
/// let friday = Utc.with_ymd_and_hms(2026, 1, 9, 17, 0, 0).single().expect("valid date");
/// let monday = Utc.with_ymd_and_hms(2026, 1, 12, 17, 0, 0).single().expect("valid date");
/// assert_eq!(working_days_between(friday, monday), 1);
/// ```
pub fn working_days_between(start: DateTime<Utc>, end: DateTime<Utc>) -> u32 {
    let seconds = working_seconds_before(end) - working_seconds_before(start);
    u32::try_from((seconds / SECONDS_PER_DAY).max(0)).unwrap_or(u32::MAX)
}

/// Returns the working seconds between a fixed Monday and `instant`, so the working time
/// between two instants is a subtraction and costs the same for a day or for years.
fn working_seconds_before(instant: DateTime<Utc>) -> i64 {
    let days = i64::from(instant.num_days_from_ce());
    // `num_days_from_ce` is 1 on Monday, January 1 of year 1, so day 0 is a Sunday and
    // shifting by one puts every Monday at a multiple of seven.
    let since_monday = days - 1;
    let weeks = since_monday.div_euclid(7);
    let weekday = since_monday.rem_euclid(7);
    let into_day = i64::from(instant.num_seconds_from_midnight());

    let whole_days = weeks * 5 + weekday.min(5);
    let today = if weekday < 5 { into_day } else { 0 };
    whole_days * SECONDS_PER_DAY + today
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Weekday};

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        // January 2026: the 5th is a Monday.
        Utc.with_ymd_and_hms(2026, 1, day, hour, 0, 0)
            .single()
            .expect("valid date")
    }

    #[test]
    fn calendar_anchor_is_monday() {
        assert_eq!(at(5, 0).weekday(), Weekday::Mon);
        assert_eq!(working_seconds_before(at(5, 0)) % (5 * SECONDS_PER_DAY), 0);
    }

    #[test]
    fn weekdays_count_fully() {
        assert_eq!(working_days_between(at(5, 9), at(8, 9)), 3);
        assert_eq!(working_days_between(at(5, 9), at(8, 8)), 2);
    }

    #[test]
    fn weekend_is_skipped() {
        // Wednesday 10:00 to Monday 10:00: five calendar days, three working days.
        assert_eq!(working_days_between(at(7, 10), at(12, 10)), 3);
        // Thursday 12:00 to Monday 11:00: four calendar days, not yet two working days.
        assert_eq!(working_days_between(at(8, 12), at(12, 11)), 1);
        // Saturday to Sunday: no working time at all.
        assert_eq!(working_days_between(at(10, 1), at(11, 23)), 0);
    }

    #[test]
    fn reversed_range_is_zero() {
        assert_eq!(working_days_between(at(9, 0), at(5, 0)), 0);
    }
}
