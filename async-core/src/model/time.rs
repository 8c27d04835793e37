//! Time windows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A half-open time range `[start, end)` over which activity is collected and measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeWindow {
    /// The first instant inside the window.
    pub start: DateTime<Utc>,
    /// The first instant after the window.
    pub end: DateTime<Utc>,
}

impl TimeWindow {
    /// Creates a window, swapping the bounds if they are given in reverse.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// Returns whether `instant` falls inside the window.
    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn window_is_half_open() {
        let start = Utc
            .with_ymd_and_hms(2026, 1, 5, 0, 0, 0)
            .single()
            .expect("valid");
        let end = Utc
            .with_ymd_and_hms(2026, 1, 6, 0, 0, 0)
            .single()
            .expect("valid");
        let window = TimeWindow::new(end, start);

        assert_eq!(window.start, start);
        assert!(window.contains(start));
        assert!(!window.contains(end));
    }
}
