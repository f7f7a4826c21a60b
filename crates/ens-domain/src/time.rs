//! Points in time, as stored: microseconds since the Unix epoch, UTC.

use std::fmt;
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A point in time with microsecond precision (what both databases keep exactly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    pub const fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub const fn as_micros(self) -> i64 {
        self.0
    }

    pub fn from_datetime(dt: OffsetDateTime) -> Self {
        // i128 nanoseconds / 1000 fits an i64 for every year `time` can represent.
        Self((dt.unix_timestamp_nanos() / 1000) as i64)
    }

    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Parses an RFC 3339 date-time, the format of SCIM's `dateTime`.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        OffsetDateTime::parse(s, &Rfc3339).ok().map(Self::from_datetime)
    }

    /// RFC 3339 in UTC, e.g. `2026-11-28T22:10:51.123456Z`.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime().format(&Rfc3339).unwrap_or_else(|_| self.0.to_string())
    }

    /// For people, to the minute: `2026-11-28 22:10 UTC`.
    pub fn to_minute_utc(self) -> String {
        let rfc = self.to_rfc3339();
        match rfc.get(..16) {
            Some(minute) => format!("{} UTC", minute.replace('T', " ")),
            None => rfc,
        }
    }

    pub fn saturating_add(self, d: Duration) -> Self {
        let micros = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        Self(self.0.saturating_add(micros))
    }

    pub fn saturating_sub(self, d: Duration) -> Self {
        let micros = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        Self(self.0.saturating_sub(micros))
    }

    /// The UTC day this falls on, counted from the epoch (for per-day counts).
    pub fn utc_day(self) -> i64 {
        self.0.div_euclid(86_400_000_000)
    }

    /// How long after `earlier` this is (zero if it is not later).
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_micros(u64::try_from(self.0.saturating_sub(earlier.0)).unwrap_or(0))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_keeps_microseconds() {
        let t = Timestamp::from_micros(1_764_367_851_123_456);
        assert_eq!(t.to_rfc3339(), "2025-11-28T22:10:51.123456Z");
        assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()), Some(t));
        assert_eq!(t.to_minute_utc(), "2025-11-28 22:10 UTC");
    }

    #[test]
    fn parses_offsets_and_rejects_garbage() {
        let a = Timestamp::parse_rfc3339("2011-05-13T04:42:34Z").expect("utc");
        let b = Timestamp::parse_rfc3339("2011-05-13T06:42:34+02:00").expect("offset");
        assert_eq!(a, b);
        assert_eq!(Timestamp::parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn arithmetic_saturates() {
        let t = Timestamp::from_micros(10);
        assert_eq!(t.saturating_add(Duration::from_micros(5)).as_micros(), 15);
        assert_eq!(t.since(Timestamp::from_micros(20)), Duration::ZERO);
        assert_eq!(Timestamp::from_micros(i64::MAX).saturating_add(Duration::MAX).as_micros(), i64::MAX);
    }
}
