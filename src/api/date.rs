//! Civil dates from virtual unix milliseconds, and back: RFC 1123 (`dateCreated`), ISO 8601 (`*ISO`), and the
//! `YYYY-MM-DD` / `YYYY-MM-DD hh:mm:ss` forms of the list filters. All UTC; no clock is read.
//!
//! The conversion is Howard Hinnant's `days_from_civil` / `civil_from_days` (proleptic Gregorian, exact for
//! every date from 1970 on; virtual time never goes before the epoch).

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilDate {
    /// The year (1970 or later).
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
}

const MS_PER_DAY: u64 = 86_400_000;
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl CivilDate {
    /// The date of day `days` after 1970-01-01.
    pub fn from_days(days: u64) -> Self {
        let z = days as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097; // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        let mp = (5 * doy + 2) / 153; // [0, 11], March first
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        CivilDate { year, month, day }
    }

    /// Days since 1970-01-01; `None` before it.
    pub fn to_days(self) -> Option<u64> {
        let y = self.year - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        u64::try_from(era * 146_097 + doe - 719_468).ok()
    }

    /// The date `ms` falls on.
    pub fn of_ms(ms: u64) -> Self {
        Self::from_days(ms / MS_PER_DAY)
    }

    /// Parses `YYYY-MM-DD` (a real date, 1970 or later).
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let date = CivilDate {
            year: number(&s[0..4])? as i64,
            month: number(&s[5..7])?,
            day: number(&s[8..10])?,
        };
        let days = date.to_days()?;
        // Rejects 2023-02-30 and month 13: a real date survives the round trip.
        (Self::from_days(days) == date).then_some(date)
    }
}

/// All-digit decimal.
fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `hh:mm:ss.mmm` of the day.
fn clock(ms: u64) -> (u64, u64, u64, u64) {
    let in_day = ms % MS_PER_DAY;
    (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    )
}

/// RFC 1123 in GMT: `Mon, 15 Jun 2009 20:45:30 GMT`.
pub fn rfc1123(ms: u64) -> String {
    let days = ms / MS_PER_DAY;
    let d = CivilDate::from_days(days);
    let (h, m, s, _) = clock(ms);
    format!(
        "{}, {:02} {} {} {h:02}:{m:02}:{s:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        d.day,
        MONTHS[(d.month - 1) as usize],
        d.year
    )
}

/// ISO 8601 with milliseconds and `Z`: `2022-01-01T00:00:00.000Z`.
pub fn iso8601(ms: u64) -> String {
    let d = CivilDate::of_ms(ms);
    let (h, m, s, milli) = clock(ms);
    format!(
        "{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z",
        d.year, d.month, d.day
    )
}

/// Parses `YYYY-MM-DD hh:mm:ss` (UTC) to unix milliseconds.
pub fn parse_timestamp(s: &str) -> Option<u64> {
    let (date, time) = s.split_once(' ')?;
    let days = CivilDate::parse(date)?.to_days()?;
    let t = time.as_bytes();
    if t.len() != 8 || t[2] != b':' || t[5] != b':' {
        return None;
    }
    let (h, m, sec) = (
        number(&time[0..2])?,
        number(&time[3..5])?,
        number(&time[6..8])?,
    );
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    Some(days * MS_PER_DAY + u64::from(h * 3600 + m * 60 + sec) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1123_matches_known_instants() {
        assert_eq!(rfc1123(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        // The reference's example: Mon, 15 Jun 2009 20:45:30 GMT is 1245098730 s.
        assert_eq!(rfc1123(1_245_098_730_000), "Mon, 15 Jun 2009 20:45:30 GMT");
        // The Persephony fixture's date: Mon, 31 Oct 2016 19:12:33 GMT.
        assert_eq!(rfc1123(1_477_941_153_999), "Mon, 31 Oct 2016 19:12:33 GMT");
        // A leap day, and the day after 2100-02-28 (2100 is not a leap year).
        assert_eq!(rfc1123(951_782_400_000), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(rfc1123(4_107_542_400_000), "Mon, 01 Mar 2100 00:00:00 GMT");
    }

    #[test]
    fn iso8601_has_milliseconds_and_z() {
        assert_eq!(iso8601(1_640_995_200_000), "2022-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_640_995_200_042), "2022-01-01T00:00:00.042Z");
        assert_eq!(iso8601(1_704_067_199_999), "2023-12-31T23:59:59.999Z");
    }

    #[test]
    fn days_round_trip_over_four_centuries() {
        let mut previous: Option<CivilDate> = None;
        for days in 0..146_097 * 2 {
            let d = CivilDate::from_days(days);
            assert_eq!(d.to_days(), Some(days));
            if let Some(p) = previous {
                assert!(p < d, "{p:?} then {d:?}");
            }
            previous = Some(d);
        }
    }

    #[test]
    fn filter_forms_parse_real_dates_only() {
        assert_eq!(
            CivilDate::parse("2024-02-29"),
            Some(CivilDate {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01",
            "1969-12-31",
            "2024-01-0x",
            "",
        ] {
            assert_eq!(CivilDate::parse(bad), None, "{bad}");
        }
        assert_eq!(
            parse_timestamp("2009-06-15 20:45:30"),
            Some(1_245_098_730_000)
        );
        assert_eq!(parse_timestamp("2009-06-15 24:00:00"), None);
        assert_eq!(parse_timestamp("2009-06-15T20:45:30"), None);
        assert_eq!(parse_timestamp("2009-06-15 20:45"), None);
    }
}
