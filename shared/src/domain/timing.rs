//! When a destination takes a notice beyond "now or never": reminders before a maintenance
//! starts, and notices held until its window next opens. Both follow from one rule, the
//! window with its holiday rule in the destination's time zone ([`Schedule::admits`]), so
//! the ledger, the previews and the tests cannot disagree about an hour.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{DayKind, DeliveryWindow, HolidayRule};
use crate::problem::FieldCode;

/// How long before a maintenance starts a reminder is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReminderLead {
    /// 24 hours before the start.
    #[serde(rename = "24h")]
    Day,
    /// 1 hour before the start.
    #[serde(rename = "1h")]
    Hour,
}

impl ReminderLead {
    /// The leads offered, longest first: the order reminders fall due in.
    pub const ALL: [Self; 2] = [Self::Day, Self::Hour];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Hour => "1h",
        }
    }

    /// A lead other than those offered is `not_offered`.
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        Self::ALL
            .into_iter()
            .find(|l| l.code() == raw.trim())
            .ok_or(FieldCode::NotOffered)
    }

    pub fn duration(self) -> Duration {
        match self {
            Self::Day => Duration::hours(24),
            Self::Hour => Duration::hours(1),
        }
    }

    /// Its bit in a stored set of leads.
    pub const fn bit(self) -> i32 {
        match self {
            Self::Day => 1,
            Self::Hour => 2,
        }
    }
}

/// The reminders a destination asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Reminders(i32);

impl Reminders {
    pub const NONE: Self = Self(0);

    /// A request's list of leads, e.g. `["24h", "1h"]`; repeats count once.
    pub fn parse(raw: &[String]) -> Result<Self, FieldCode> {
        raw.iter().try_fold(Self::NONE, |set, l| {
            ReminderLead::parse(l).map(|l| Self(set.0 | l.bit()))
        })
    }

    pub fn of(leads: &[ReminderLead]) -> Self {
        Self(leads.iter().fold(0, |set, l| set | l.bit()))
    }

    /// A stored set; bits no lead has are dropped.
    pub fn from_bits(bits: i32) -> Self {
        Self::of(
            &ReminderLead::ALL
                .into_iter()
                .filter(|l| bits & l.bit() != 0)
                .collect::<Vec<_>>(),
        )
    }

    pub const fn bits(self) -> i32 {
        self.0
    }

    pub fn leads(self) -> Vec<ReminderLead> {
        ReminderLead::ALL
            .into_iter()
            .filter(|l| self.0 & l.bit() != 0)
            .collect()
    }
}

/// How far ahead a held notice looks for its window to open: a window of one hour a week,
/// with a fortnight of holidays and year-end days in front of it, opens well within this.
const HORIZON_HOURS: i64 = 24 * 7 * 8;

/// When a destination takes notices: its window and holiday rule, in its time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub window: DeliveryWindow,
    pub zone: Tz,
    pub holidays: HolidayRule,
}

impl Schedule {
    /// A destination's schedule as stored: its zone's name, the window's bits and the
    /// holiday rule's code (anything unknown reads as the default, as everywhere).
    pub fn stored(time_zone: &str, weekdays: i32, hours: i32, holidays: &str) -> Self {
        Self {
            window: DeliveryWindow::from_bits(weekdays, hours),
            zone: super::TimeZoneName::parse(time_zone)
                .unwrap_or(super::TimeZoneName::DEFAULT)
                .tz(),
            holidays: HolidayRule::from_code(holidays),
        }
    }

    /// Is `at` in the window, on a day the holiday rule admits?
    pub fn admits(&self, at: DateTime<Utc>) -> bool {
        self.window.admits(self.zone, at) && self.holidays.admits(DayKind::at(self.zone, at))
    }

    /// The start of the local hour `at` falls in: the window's unit. Local, not UTC: an
    /// hour in India starts at half past a UTC hour.
    fn hour_start(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let local = at.with_timezone(&self.zone);
        at - Duration::seconds(i64::from(local.minute() * 60 + local.second()))
            - Duration::nanoseconds(i64::from(local.nanosecond()))
    }

    /// The first instant from `after` on that the schedule admits: `after` itself when the
    /// window is open, else the start of the next admitted hour. `None` for a window that
    /// never opens.
    pub fn next_opening(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.admits(after) {
            return Some(after);
        }
        if self.window.is_empty() {
            return None;
        }
        let mut hour = self.hour_start(after);
        for _ in 0..HORIZON_HOURS {
            hour += Duration::hours(1);
            if self.admits(hour) {
                return Some(hour);
            }
        }
        None
    }

    /// When a reminder `lead` before a maintenance starting at `starts_at`, published at
    /// `published`, is due: at `starts_at − lead` when the window admits it, else at the
    /// start of the last admitted hour before it. `None` when that hour would not begin
    /// after the publication (the notice itself is the latest news), or `starts_at − lead`
    /// is already past.
    pub fn reminder_at(
        &self,
        lead: ReminderLead,
        published: DateTime<Utc>,
        starts_at: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let due = starts_at - lead.duration();
        if due <= published {
            return None;
        }
        if self.admits(due) {
            return Some(due);
        }
        let mut hour = self.hour_start(due);
        while hour > published {
            hour -= Duration::hours(1);
            if hour <= published {
                return None;
            }
            if self.admits(hour) {
                return Some(hour);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TimeZoneName, Weekday};
    use chrono::TimeZone;

    fn tokyo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    /// Weekdays 9:00–18:00 in Tokyo.
    fn office(holidays: HolidayRule) -> Schedule {
        Schedule {
            window: DeliveryWindow::new(
                &[
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                ],
                &(9..18).collect::<Vec<u8>>(),
            )
            .unwrap_or(DeliveryWindow::ALL),
            zone: TimeZoneName::DEFAULT.tz(),
            holidays,
        }
    }

    #[test]
    fn parses_leads() {
        let set = Reminders::parse(&["24h".into(), "1h".into(), "24h".into()]);
        assert_eq!(
            set.map(Reminders::leads),
            Ok(vec![ReminderLead::Day, ReminderLead::Hour])
        );
        assert_eq!(Reminders::parse(&["2h".into()]), Err(FieldCode::NotOffered));
        assert_eq!(Reminders::from_bits(7).bits(), 3);
        assert_eq!(Reminders::parse(&[]), Ok(Reminders::NONE));
    }

    #[test]
    fn a_reminder_in_the_window_is_due_at_its_lead() {
        let s = office(HolidayRule::Deliver);
        // Published Monday 2027-03-01 10:00, starting Wednesday 03-03 14:00.
        let published = tokyo(2027, 3, 1, 10, 0);
        let start = tokyo(2027, 3, 3, 14, 0);
        assert_eq!(
            s.reminder_at(ReminderLead::Day, published, start),
            Some(tokyo(2027, 3, 2, 14, 0))
        );
        assert_eq!(
            s.reminder_at(ReminderLead::Hour, published, start),
            Some(tokyo(2027, 3, 3, 13, 0))
        );
    }

    #[test]
    fn a_reminder_outside_the_window_moves_to_the_last_hour_before_it() {
        let s = office(HolidayRule::Deliver);
        let published = tokyo(2027, 3, 1, 10, 0);
        // Starts Thursday 02:00: 24 h before is Wednesday 02:00, outside; the last office
        // hour before it is Tuesday 17:00. 1 h before is Thursday 01:00: Wednesday 17:00.
        let start = tokyo(2027, 3, 4, 2, 0);
        assert_eq!(
            s.reminder_at(ReminderLead::Day, published, start),
            Some(tokyo(2027, 3, 2, 17, 0))
        );
        assert_eq!(
            s.reminder_at(ReminderLead::Hour, published, start),
            Some(tokyo(2027, 3, 3, 17, 0))
        );
        // A Monday-morning start after a weekend: Friday's last hour.
        let monday = tokyo(2027, 3, 8, 7, 0);
        assert_eq!(
            s.reminder_at(ReminderLead::Hour, published, monday),
            Some(tokyo(2027, 3, 5, 17, 0))
        );
    }

    #[test]
    fn no_reminder_without_an_hour_after_publication() {
        let s = office(HolidayRule::Deliver);
        // Published Friday 17:30 for a Saturday 10:00 start: no office hour begins between.
        let published = tokyo(2027, 3, 5, 17, 30);
        let start = tokyo(2027, 3, 6, 10, 0);
        assert_eq!(s.reminder_at(ReminderLead::Day, published, start), None);
        assert_eq!(s.reminder_at(ReminderLead::Hour, published, start), None);
        // A lead already past at publication.
        let soon = tokyo(2027, 3, 1, 10, 30);
        assert_eq!(
            s.reminder_at(ReminderLead::Hour, tokyo(2027, 3, 1, 10, 0), soon),
            None
        );
    }

    #[test]
    fn holidays_close_the_window() {
        // 2027-01-11 is 成人の日 (a Monday). Published Friday 01-08 12:00, maintenance
        // Tuesday 01-12 12:00: 24 h before is the holiday's noon.
        let published = tokyo(2027, 1, 8, 12, 0);
        let start = tokyo(2027, 1, 12, 12, 0);
        assert_eq!(
            office(HolidayRule::Skip).reminder_at(ReminderLead::Day, published, start),
            Some(tokyo(2027, 1, 8, 17, 0))
        );
        assert_eq!(
            office(HolidayRule::Deliver).reminder_at(ReminderLead::Day, published, start),
            Some(tokyo(2027, 1, 11, 12, 0))
        );
        // Held from Friday night: the window opens Tuesday 9:00 when Monday is skipped.
        let friday_night = tokyo(2027, 1, 8, 22, 15);
        assert_eq!(
            office(HolidayRule::Skip).next_opening(friday_night),
            Some(tokyo(2027, 1, 12, 9, 0))
        );
        assert_eq!(
            office(HolidayRule::Deliver).next_opening(friday_night),
            Some(tokyo(2027, 1, 11, 9, 0))
        );
    }

    #[test]
    fn an_open_window_takes_a_notice_at_once() {
        let s = office(HolidayRule::Deliver);
        let now = tokyo(2027, 3, 1, 10, 7);
        assert_eq!(s.next_opening(now), Some(now));
        let never = Schedule {
            window: DeliveryWindow::from_bits(0, 0),
            ..s
        };
        assert_eq!(never.next_opening(now), None);
    }

    #[test]
    fn hours_are_local_where_zones_are_offset_by_half_an_hour() {
        // Kolkata is UTC+5:30: its 9:00 is 03:30 UTC.
        let s = Schedule {
            zone: chrono_tz::Asia::Kolkata,
            ..office(HolidayRule::Deliver)
        };
        let sunday = Utc
            .with_ymd_and_hms(2027, 3, 7, 12, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            s.next_opening(sunday),
            Utc.with_ymd_and_hms(2027, 3, 8, 3, 30, 0).single()
        );
    }
}
