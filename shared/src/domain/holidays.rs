//! Japan's public holidays (祝日, with 振替休日 and 国民の休日) and the year-end break
//! (年末年始, 12/29–1/3), and a destination's choice to receive nothing on them.
//!
//! The dates are the Cabinet Office's own list, shipped as data (`shared/data/holidays-jp.csv`,
//! refreshed by `scripts/holidays-jp`), not computed: holidays are set by law and have been
//! moved by special acts (2019, 2020, 2021), which no rule foresees. A date after the list's
//! last year is treated as an ordinary day; [`covered_through`] says how far the list goes.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::problem::FieldCode;

const LIST: &str = include_str!("../../data/holidays-jp.csv");

/// The list, sorted by date (the file is).
static HOLIDAYS: LazyLock<Vec<(NaiveDate, &'static str)>> = LazyLock::new(|| {
    LIST.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (date, name) = l.split_once(',')?;
            Some((NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?, name))
        })
        .collect()
});

/// The name of the holiday on `date` (e.g. 「成人の日」, 「休日」 for a substitute holiday), if
/// it is one.
pub fn holiday_name(date: NaiveDate) -> Option<&'static str> {
    let list = &*HOLIDAYS;
    list.binary_search_by_key(&date, |(d, _)| *d)
        .ok()
        .map(|i| list[i].1)
}

/// The last year the holiday list covers.
pub fn covered_through() -> i32 {
    HOLIDAYS.last().map_or(0, |(d, _)| d.year())
}

/// What kind of day a local date is, for the holiday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    Ordinary = 0,
    /// A public holiday (including 12/29–1/3 dates that are also holidays, such as 元日).
    Holiday = 1,
    /// 12/29–1/3, not itself a public holiday.
    YearEnd = 2,
}

impl DayKind {
    pub fn of(date: NaiveDate) -> Self {
        if holiday_name(date).is_some() {
            Self::Holiday
        } else if matches!((date.month(), date.day()), (12, 29..=31) | (1, 1..=3)) {
            Self::YearEnd
        } else {
            Self::Ordinary
        }
    }

    /// The kind of the local date of `instant` in `zone`.
    pub fn at(zone: Tz, instant: DateTime<Utc>) -> Self {
        Self::of(instant.with_timezone(&zone).date_naive())
    }
}

/// Whether a destination receives notices on public holidays and in the year-end break.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HolidayRule {
    /// Holidays are days like any other: the guide's behaviour, and the default.
    #[default]
    Deliver,
    /// Nothing on public holidays (祝日・振替休日・国民の休日).
    Skip,
    /// Nothing on public holidays nor from 12/29 to 1/3.
    SkipWithYearEnd,
}

impl HolidayRule {
    pub const ALL: [Self; 3] = [Self::Deliver, Self::Skip, Self::SkipWithYearEnd];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Deliver => "deliver",
            Self::Skip => "skip",
            Self::SkipWithYearEnd => "skip_with_year_end",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == raw)
            .ok_or(FieldCode::InvalidValue)
    }

    /// A stored code; anything unknown reads as the default.
    pub fn from_code(code: &str) -> Self {
        Self::parse(code).unwrap_or_default()
    }

    pub fn admits(self, day: DayKind) -> bool {
        match day {
            DayKind::Ordinary => true,
            DayKind::Holiday => self == Self::Deliver,
            DayKind::YearEnd => self != Self::SkipWithYearEnd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_holidays_of_2027_are_the_cabinet_offices() {
        let of_2027: Vec<(String, &str)> = HOLIDAYS
            .iter()
            .filter(|(d, _)| d.year() == 2027)
            .map(|(d, n)| (d.format("%m-%d").to_string(), *n))
            .collect();
        let expected = [
            ("01-01", "元日"),
            ("01-11", "成人の日"),
            ("02-11", "建国記念の日"),
            ("02-23", "天皇誕生日"),
            ("03-21", "春分の日"),
            // 春分の日 falls on a Sunday: the Monday is a substitute holiday (振替休日).
            ("03-22", "休日"),
            ("04-29", "昭和の日"),
            ("05-03", "憲法記念日"),
            ("05-04", "みどりの日"),
            ("05-05", "こどもの日"),
            ("07-19", "海の日"),
            ("08-11", "山の日"),
            ("09-20", "敬老の日"),
            ("09-23", "秋分の日"),
            ("10-11", "スポーツの日"),
            ("11-03", "文化の日"),
            ("11-23", "勤労感謝の日"),
        ];
        let expected: Vec<(String, &str)> =
            expected.iter().map(|(d, n)| (d.to_string(), *n)).collect();
        assert_eq!(of_2027, expected);
        assert_eq!(date(2027, 3, 21).weekday(), chrono::Weekday::Sun);
    }

    #[test]
    fn special_acts_and_substitutes_are_in_the_list() {
        // The Olympic years moved 海の日, スポーツの日 and 山の日 by special acts.
        assert_eq!(holiday_name(date(2021, 7, 22)), Some("海の日"));
        assert_eq!(holiday_name(date(2021, 8, 9)), Some("休日"));
        assert_eq!(holiday_name(date(2021, 10, 11)), None);
        // 2026: 敬老の日 and 秋分の日 enclose a 国民の休日.
        assert_eq!(holiday_name(date(2026, 9, 22)), Some("休日"));
        assert_eq!(holiday_name(date(2026, 5, 6)), Some("休日"));
        assert!(covered_through() >= 2027);
    }

    #[test]
    fn day_kinds_and_rules() {
        assert_eq!(DayKind::of(date(2027, 1, 11)), DayKind::Holiday);
        assert_eq!(DayKind::of(date(2027, 1, 12)), DayKind::Ordinary);
        assert_eq!(DayKind::of(date(2027, 1, 1)), DayKind::Holiday);
        assert_eq!(DayKind::of(date(2026, 12, 29)), DayKind::YearEnd);
        assert_eq!(DayKind::of(date(2027, 1, 3)), DayKind::YearEnd);
        assert_eq!(DayKind::of(date(2027, 1, 4)), DayKind::Ordinary);
        for day in [DayKind::Ordinary, DayKind::Holiday, DayKind::YearEnd] {
            assert!(HolidayRule::Deliver.admits(day));
        }
        assert!(!HolidayRule::Skip.admits(DayKind::Holiday));
        assert!(HolidayRule::Skip.admits(DayKind::YearEnd));
        assert!(!HolidayRule::SkipWithYearEnd.admits(DayKind::YearEnd));
        assert!(HolidayRule::SkipWithYearEnd.admits(DayKind::Ordinary));
    }

    #[test]
    fn the_local_date_decides() {
        // 2027-01-10 16:00 UTC is already 01:00 on 成人の日 in Tokyo, still Sunday in London.
        let instant = date(2027, 1, 10)
            .and_hms_opt(16, 0, 0)
            .unwrap_or_default()
            .and_utc();
        assert_eq!(DayKind::at(Tz::Asia__Tokyo, instant), DayKind::Holiday);
        assert_eq!(DayKind::at(Tz::Europe__London, instant), DayKind::Ordinary);
    }

    #[test]
    fn codes_round_trip() {
        for r in HolidayRule::ALL {
            assert_eq!(HolidayRule::parse(r.code()), Ok(r));
        }
        assert_eq!(HolidayRule::parse("never"), Err(FieldCode::InvalidValue));
    }
}
