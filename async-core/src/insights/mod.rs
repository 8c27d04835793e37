//! Insights: pure computations over domain records.
