//! Delivery windows (配信希望曜日・希望時間): the weekdays and hours in which an address
//! accepts notices, and the one rule that decides whether a window admits an instant.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::problem::FieldCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Self::Mon,
        Self::Tue,
        Self::Wed,
        Self::Thu,
        Self::Fri,
        Self::Sat,
        Self::Sun,
    ];

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> u32 {
        self as u32
    }

    pub fn from_chrono(d: chrono::Weekday) -> Self {
        Self::ALL[d.num_days_from_monday() as usize]
    }

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        Self::ALL
            .into_iter()
            .find(|d| d.code() == raw)
            .ok_or(FieldCode::InvalidWeekday)
    }

    pub fn code(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self as usize]
    }
}

/// Which weekdays and which hours (local to the address) an address accepts, as bit sets:
/// bit `d` of `weekdays` for weekday `d` (Monday = 0), bit `h` of `hours` for hour `h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveryWindow {
    weekdays: u8,
    hours: u32,
}

impl DeliveryWindow {
    /// Every weekday, every hour: the default, and what the guide recommends.
    pub const ALL: Self = Self {
        weekdays: 0x7f,
        hours: 0x00ff_ffff,
    };
    pub const NONE: Self = Self {
        weekdays: 0,
        hours: 0,
    };

    pub fn new(weekdays: &[Weekday], hours: &[u8]) -> Result<Self, FieldCode> {
        let mut w = Self::NONE;
        for d in weekdays {
            w.weekdays |= 1 << d.index();
        }
        for &h in hours {
            if h > 23 {
                return Err(FieldCode::InvalidHour);
            }
            w.hours |= 1 << h;
        }
        Ok(w)
    }

    /// Parses the API's lists; an absent list means "all".
    pub fn parse(
        weekdays: Option<&[String]>,
        hours: Option<&[i64]>,
    ) -> Result<Self, Vec<(&'static str, FieldCode)>> {
        let mut errors = Vec::new();
        let days = match weekdays {
            None => Weekday::ALL.to_vec(),
            Some(list) => list
                .iter()
                .filter_map(|d| {
                    Weekday::parse(d)
                        .map_err(|c| errors.push(("weekdays", c)))
                        .ok()
                })
                .collect(),
        };
        let hours: Vec<u8> = match hours {
            None => (0..24).collect(),
            Some(list) => list
                .iter()
                .filter_map(|&h| {
                    u8::try_from(h).ok().filter(|h| *h < 24).or_else(|| {
                        errors.push(("hours", FieldCode::InvalidHour));
                        None
                    })
                })
                .collect(),
        };
        errors.dedup();
        if !errors.is_empty() {
            return Err(errors);
        }
        Self::new(&days, &hours).map_err(|c| vec![("hours", c)])
    }

    pub fn from_bits(weekdays: i32, hours: i32) -> Self {
        Self {
            weekdays: (weekdays & 0x7f) as u8,
            hours: (hours as u32) & 0x00ff_ffff,
        }
    }

    pub fn bits(self) -> (i32, i32) {
        (i32::from(self.weekdays), self.hours as i32)
    }

    pub fn weekdays(self) -> Vec<Weekday> {
        Weekday::ALL
            .into_iter()
            .filter(|d| self.weekdays & (1 << d.index()) != 0)
            .collect()
    }

    pub fn hours(self) -> Vec<u8> {
        (0..24).filter(|h| self.hours & (1 << h) != 0).collect()
    }

    /// No weekday or no hour selected: such an address never receives anything.
    pub fn is_empty(self) -> bool {
        self.weekdays == 0 || self.hours == 0
    }

    pub fn admits_local(self, weekday: Weekday, hour: u32) -> bool {
        hour < 24 && self.weekdays & (1 << weekday.index()) != 0 && self.hours & (1 << hour) != 0
    }

    /// Does this window admit a notice issued at `instant`, for an address in `zone`?
    /// Only the local weekday and hour of the instant count.
    pub fn admits(self, zone: Tz, instant: DateTime<Utc>) -> bool {
        let local = instant.with_timezone(&zone);
        self.admits_local(Weekday::from_chrono(local.weekday()), local.hour())
    }

    /// The one-slot window of `instant`'s local weekday and hour in `zone`. A window admits
    /// the instant exactly when its bits meet this one's in both sets, which is how the
    /// audience query applies the rule in SQL.
    pub fn slot(zone: Tz, instant: DateTime<Utc>) -> Self {
        let local = instant.with_timezone(&zone);
        Self {
            weekdays: 1 << Weekday::from_chrono(local.weekday()).index(),
            hours: 1 << local.hour(),
        }
    }
}

/// An IANA time zone name, e.g. `Asia/Tokyo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneName(Tz);

impl TimeZoneName {
    pub const DEFAULT: Self = Self(Tz::Asia__Tokyo);

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        match raw.trim() {
            "" => Err(FieldCode::Required),
            s => s
                .parse::<Tz>()
                .map(Self)
                .map_err(|_| FieldCode::InvalidTimeZone),
        }
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2000-01-01 to 2100-01-01.
        (946_684_800i64..4_102_444_800i64)
            .prop_map(|s| Utc.timestamp_opt(s, 0).single().unwrap_or_default())
    }

    fn any_zone() -> impl Strategy<Value = Tz> {
        prop::sample::select(vec![
            Tz::Asia__Tokyo,
            Tz::UTC,
            Tz::America__New_York,
            Tz::Europe__London,
            Tz::Australia__Sydney,
            Tz::Asia__Kolkata,
            Tz::Pacific__Chatham,
        ])
    }

    fn any_window() -> impl Strategy<Value = DeliveryWindow> {
        (0u8..0x80, 0u32..0x0100_0000).prop_map(|(w, h)| DeliveryWindow {
            weekdays: w,
            hours: h,
        })
    }

    proptest! {
        #[test]
        fn the_slot_test_is_the_window_rule(t in any_instant(), z in any_zone(), w in any_window()) {
            let (days, hours) = w.bits();
            let (slot_day, slot_hour) = DeliveryWindow::slot(z, t).bits();
            prop_assert_eq!(w.admits(z, t), days & slot_day != 0 && hours & slot_hour != 0);
        }

        #[test]
        fn all_days_all_hours_admits_every_instant(t in any_instant(), z in any_zone()) {
            prop_assert!(DeliveryWindow::ALL.admits(z, t));
        }

        #[test]
        fn an_empty_selection_admits_nothing(t in any_instant(), z in any_zone(), w in any_window()) {
            let no_days = DeliveryWindow { weekdays: 0, ..w };
            let no_hours = DeliveryWindow { hours: 0, ..w };
            prop_assert!(!no_days.admits(z, t));
            prop_assert!(!no_hours.admits(z, t));
        }

        #[test]
        fn the_answer_depends_only_on_local_weekday_and_hour(
            t in any_instant(), z in any_zone(), w in any_window(), minutes in 0i64..60
        ) {
            let local = t.with_timezone(&z);
            let start_of_hour = t - chrono::Duration::seconds(i64::from(local.minute()) * 60 + i64::from(local.second()));
            let same_hour = start_of_hour + chrono::Duration::minutes(minutes);
            let other = same_hour.with_timezone(&z);
            // Within one local hour (barring a DST jump inside it) the answer is the same.
            if other.hour() == local.hour() && other.weekday() == local.weekday() {
                prop_assert_eq!(w.admits(z, t), w.admits(z, same_hour));
            }
            let expected = w.weekdays().contains(&Weekday::from_chrono(local.weekday()))
                && w.hours().contains(&(local.hour() as u8));
            prop_assert_eq!(w.admits(z, t), expected);
        }

        #[test]
        fn bits_and_lists_round_trip(w in any_window()) {
            let (d, h) = w.bits();
            prop_assert_eq!(DeliveryWindow::from_bits(d, h), w);
            let days: Vec<String> = w.weekdays().iter().map(|d| d.code().to_owned()).collect();
            let hours: Vec<i64> = w.hours().iter().map(|&h| i64::from(h)).collect();
            prop_assert_eq!(DeliveryWindow::parse(Some(&days), Some(&hours)), Ok(w));
        }
    }

    #[test]
    fn time_zones_with_dst_use_local_time() {
        let nine_to_five = DeliveryWindow::new(&Weekday::ALL[..5], &(9..17).collect::<Vec<_>>())
            .unwrap_or(DeliveryWindow::NONE);
        let ny = Tz::America__New_York;
        // 13:30 UTC is 09:30 in New York in summer (EDT, -4) but 08:30 in winter (EST, -5).
        let summer = Utc
            .with_ymd_and_hms(2026, 7, 1, 13, 30, 0)
            .single()
            .unwrap_or_default();
        let winter = Utc
            .with_ymd_and_hms(2026, 1, 7, 13, 30, 0)
            .single()
            .unwrap_or_default();
        assert!(nine_to_five.admits(ny, summer));
        assert!(!nine_to_five.admits(ny, winter));
        // Tokyo: the same instant is 22:30 on a Wednesday.
        assert!(!nine_to_five.admits(Tz::Asia__Tokyo, summer));
        // Around the spring-forward gap (02:00 → 03:00 local on 2026-03-08).
        let only_3am = DeliveryWindow::new(&Weekday::ALL, &[3]).unwrap_or(DeliveryWindow::NONE);
        let just_after = Utc
            .with_ymd_and_hms(2026, 3, 8, 7, 0, 0)
            .single()
            .unwrap_or_default();
        assert!(only_3am.admits(ny, just_after));
    }

    #[test]
    fn parsing_reports_bad_values() {
        let days = vec!["mon".to_owned(), "funday".to_owned()];
        assert_eq!(
            DeliveryWindow::parse(Some(&days), Some(&[1, 24])),
            Err(vec![
                ("weekdays", FieldCode::InvalidWeekday),
                ("hours", FieldCode::InvalidHour)
            ])
        );
        assert_eq!(DeliveryWindow::parse(None, None), Ok(DeliveryWindow::ALL));
        assert!(DeliveryWindow::parse(Some(&[]), None).is_ok_and(DeliveryWindow::is_empty));
        assert_eq!(
            TimeZoneName::parse("Mars/Olympus"),
            Err(FieldCode::InvalidTimeZone)
        );
        assert_eq!(
            TimeZoneName::parse("Europe/Paris").map(TimeZoneName::name),
            Ok("Europe/Paris")
        );
    }
}
