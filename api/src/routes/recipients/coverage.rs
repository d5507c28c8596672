use actix_web::{get, web};
use chrono::{Datelike, Duration, NaiveTime, TimeZone, Utc};
use serde::Deserialize;
use shared::domain::{DayKind, TimeZoneName, Weekday};
use shared::dto::{Coverage, WeekHour};
use shared::{FieldCode, FieldErrors, Problem};

use crate::error::ApiResult;
use crate::models::recipient::Recipient;
use crate::routes::ReadAccess;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Kind {
    /// `outage` (default) or `maintenance`.
    pub kind: Option<String>,
}

/// The hours of the week (in the account's time zone) in which no verified delivery address
/// would receive a notice of this kind: where My Support warns that mail would be lost. Hours
/// that only public holidays or the year-end break leave uncovered are listed apart.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["read"])),
    params(Kind),
    responses(
        (status = 200, description = "The uncovered hours", body = Coverage),
        (status = 400, description = "Unknown `kind`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/coverage")]
pub async fn coverage(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
    query: web::Query<Kind>,
) -> ApiResult<web::Json<Coverage>> {
    // Windows do not depend on the kind yet; the parameter is checked so that clients
    // written now keep working when per-kind opt-outs count here too.
    if !matches!(query.kind.as_deref(), None | Some("outage" | "maintenance")) {
        let mut errors = FieldErrors::default();
        errors.push("kind", FieldCode::InvalidValue);
        return Err(errors.into());
    }
    let zone = TimeZoneName::parse(&auth.account.time_zone).unwrap_or(TimeZoneName::DEFAULT);
    let now = state.clock.now();
    let id = auth.account.id.clone();
    let recipients = state
        .db(move |conn| Ok(Recipient::list(conn, &id)?))
        .await?;
    let verified: Vec<&Recipient> = recipients.iter().filter(|r| r.is_verified()).collect();
    let tz = zone.tz();
    let today = now.with_timezone(&tz).date_naive();
    let (mut uncovered, mut holiday_uncovered, mut year_end_uncovered) =
        (Vec::new(), Vec::new(), Vec::new());
    for weekday in Weekday::ALL {
        // The next date with this weekday, so that the answer follows this week's offsets.
        let ahead = (7 + weekday.index() - today.weekday().num_days_from_monday()) % 7;
        let date = today + Duration::days(i64::from(ahead));
        for hour in 0..24u8 {
            let local =
                date.and_time(NaiveTime::from_hms_opt(u32::from(hour), 0, 0).unwrap_or_default());
            // An hour skipped by a DST change does not exist this week: nothing to cover.
            let Some(instant) = tz.from_local_datetime(&local).earliest() else {
                continue;
            };
            let instant = instant.with_timezone(&Utc);
            // Judged as an ordinary day, then as a holiday and as a year-end day: whether
            // this week's date happens to be one does not change the weekly answer.
            let covered = |day: DayKind| {
                verified
                    .iter()
                    .any(|r| r.window().admits(r.zone().tz(), instant) && r.holidays().admits(day))
            };
            let at = WeekHour { weekday, hour };
            if !covered(DayKind::Ordinary) {
                uncovered.push(at);
                continue;
            }
            if !covered(DayKind::Holiday) {
                holiday_uncovered.push(at);
            }
            if !covered(DayKind::YearEnd) {
                year_end_uncovered.push(at);
            }
        }
    }
    Ok(web::Json(Coverage {
        time_zone: zone.name().to_owned(),
        uncovered,
        holiday_uncovered,
        year_end_uncovered,
    }))
}
