//! `GET /admin`: the dashboard (S8) — sign-ins and failures per hour over
//! the last 7 days, sign-in methods, second-factor adoption, live sessions
//! and new users, as server-drawn charts (see [`charts`]) with text
//! alternatives. An organization's administrator sees only what concerns
//! its members.

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use askama::Template;
use chrono::{DateTime, Duration, DurationRound, NaiveDateTime, Utc};

use crate::admin::console::charts::{self, Chart, Series};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::error::AppError;
use crate::i18n::{Locale, Tr};
use crate::state::AppState;
use crate::store::stats::{self, SignIn, UserCounts};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/admin", web::get().to(get_dashboard));
}

/// A number tile.
#[derive(Debug)]
pub struct Stat {
    pub value: String,
    pub label: &'static str,
}

/// Sign-ins of one day (the chart's data table).
#[derive(Debug)]
pub struct DayRow {
    pub day: String,
    pub succeeded: u64,
    pub failed: u64,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub stats: Vec<Stat>,
    pub sign_ins: Chart,
    pub days: Vec<DayRow>,
    pub methods: Chart,
    pub adoption: Chart,
    pub new_users: Chart,
    /// The event cap was reached: the charts show the oldest events only.
    pub capped: bool,
}

const HOURS: usize = 7 * 24;
const DAYS: usize = 30;

/// The hour `at` falls in.
fn hour_of(at: NaiveDateTime) -> NaiveDateTime {
    at.duration_trunc(Duration::hours(1)).unwrap_or(at)
}

fn day_of(at: NaiveDateTime) -> NaiveDateTime {
    at.duration_trunc(Duration::days(1)).unwrap_or(at)
}

/// Per-hour successes and failures in the `HOURS` hours ending with the
/// hour of `now`.
fn per_hour(events: &[SignIn], now: NaiveDateTime) -> (Vec<u64>, Vec<u64>) {
    let first = hour_of(now) - Duration::hours(HOURS as i64 - 1);
    let (mut ok, mut failed) = (vec![0u64; HOURS], vec![0u64; HOURS]);
    for e in events {
        let Ok(i) = usize::try_from((hour_of(e.at) - first).num_hours()) else {
            continue;
        };
        let slot = if e.action == "login.success" {
            &mut ok
        } else {
            &mut failed
        };
        if let Some(n) = slot.get_mut(i) {
            *n += 1;
        }
    }
    (ok, failed)
}

/// The catalogue key of a sign-in method (`None`: not a sign-in of its
/// own, as a step-up).
fn method_key(method: &str) -> Option<&'static str> {
    Some(match method {
        "password" => "admin.dashboard.method.password",
        "email_code" => "admin.dashboard.method.email_code",
        "passkey" => "admin.dashboard.method.passkey",
        "step_up" => return None,
        m if m.starts_with("upstream:") => "admin.dashboard.method.sso",
        _ => "admin.dashboard.method.other",
    })
}

/// Successful sign-ins by method, and how many used a second step.
fn by_method(events: &[SignIn]) -> (Vec<(&'static str, u64)>, u64) {
    let order = [
        "admin.dashboard.method.password",
        "admin.dashboard.method.passkey",
        "admin.dashboard.method.email_code",
        "admin.dashboard.method.sso",
        "admin.dashboard.method.other",
    ];
    let mut counts: Vec<(&'static str, u64)> = order.iter().map(|k| (*k, 0)).collect();
    let mut second_step = 0;
    for e in events.iter().filter(|e| e.action == "login.success") {
        let details: serde_json::Value = serde_json::from_str(&e.details).unwrap_or_default();
        let method = details.get("method").and_then(|m| m.as_str()).unwrap_or("");
        let Some(key) = method_key(method) else {
            continue;
        };
        if let Some(c) = counts.iter_mut().find(|(k, _)| *k == key) {
            c.1 += 1;
        }
        let amr = details.get("amr").and_then(|a| a.as_array());
        if amr.is_some_and(|a| a.iter().any(|m| m == "mfa")) {
            second_step += 1;
        }
    }
    (counts, second_step)
}

fn day_label(t: Tr, day: NaiveDateTime) -> String {
    match t.locale() {
        Locale::De => day.format("%-d.%-m.").to_string(),
        Locale::En => day.format("%b %-d").to_string(),
    }
}

fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 100 + whole / 2) / whole
    }
}

struct Data {
    events: Vec<SignIn>,
    counts: UserCounts,
    created: Vec<NaiveDateTime>,
}

/// `GET /admin`
pub async fn get_dashboard(
    state: web::Data<AppState>,
    console: Console,
) -> Result<HttpResponse, AppError> {
    let t = console.chrome.t;
    let now_utc: DateTime<Utc> = state.now();
    let now = now_utc.naive_utc();
    let orgs = console.caller.reach.organization_ids();
    let since = hour_of(now) - Duration::hours(HOURS as i64 - 1);
    let since_days = day_of(now) - Duration::days(DAYS as i64 - 1);
    let data = state
        .db
        .run(move |conn| {
            Ok(Data {
                events: stats::sign_ins(conn, orgs.as_deref(), since)?,
                counts: stats::user_counts(conn, orgs.as_deref(), now)?,
                created: stats::created_since(conn, orgs.as_deref(), since_days)?,
            })
        })
        .await?;
    let capped = i64::try_from(data.events.len()).unwrap_or(i64::MAX) >= stats::MAX_EVENTS;

    // Sign-ins over time.
    let (ok, failed) = per_hour(&data.events, now);
    let first = since;
    let mut ticks = Vec::new();
    let mut days = Vec::new();
    for i in 0..HOURS {
        let hour = first + Duration::hours(i as i64);
        if i == 0 || hour == day_of(hour) {
            ticks.push((i, day_label(t, day_of(hour))));
        }
        if i == 0 || hour == day_of(hour) {
            days.push(DayRow {
                day: day_label(t, day_of(hour)),
                succeeded: 0,
                failed: 0,
            });
        }
        if let Some(row) = days.last_mut() {
            row.succeeded += ok[i];
            row.failed += failed[i];
        }
    }
    let (total_ok, total_failed): (u64, u64) = (ok.iter().sum(), failed.iter().sum());
    let busiest = (0..HOURS)
        .max_by_key(|i| ok[*i] + failed[*i])
        .filter(|i| ok[*i] + failed[*i] > 0);
    let mut summary = t.fill2("admin.dashboard.sign_ins.summary", total_ok, total_failed);
    if let Some(i) = busiest {
        let hour = first + Duration::hours(i as i64);
        summary.push(' ');
        summary.push_str(&t.fill2(
            "admin.dashboard.sign_ins.busiest",
            format!("{} {}", day_label(t, day_of(hour)), hour.format("%H:00")),
            ok[i] + failed[i],
        ));
    }
    let sign_ins = charts::stacked_bars(
        "sign-ins",
        t.text("admin.dashboard.sign_ins"),
        summary,
        &[
            Series {
                class: "chart-series-1",
                label: t.text("admin.dashboard.succeeded").into(),
                values: ok.clone(),
            },
            Series {
                class: "chart-series-2",
                label: t.text("admin.dashboard.failed").into(),
                values: failed.clone(),
            },
        ],
        &ticks,
    );

    // Methods.
    let (methods, second_step) = by_method(&data.events);
    let rows: Vec<(&'static str, String, u64)> = methods
        .iter()
        .map(|(k, n)| ("chart-series-1", t.text(k).to_owned(), *n))
        .collect();
    let method_summary = format!(
        "{} {}",
        rows.iter()
            .map(|(_, l, n)| format!("{l}: {n}."))
            .collect::<Vec<_>>()
            .join(" "),
        t.fill("admin.dashboard.methods.second_step", second_step)
    );
    let methods = charts::horizontal_bars(
        "methods",
        t.text("admin.dashboard.methods"),
        method_summary,
        &rows,
    );

    // Second-factor adoption.
    let c = &data.counts;
    let share = percent(c.with_mfa, c.users);
    let adoption = charts::ring(
        "adoption",
        t.text("admin.dashboard.adoption"),
        t.fill2(
            "admin.dashboard.adoption.summary",
            format!("{share} %"),
            c.users,
        ) + " "
            + &t.fill2(
                "admin.dashboard.adoption.factors",
                c.with_totp,
                c.with_passkey,
            ),
        &[
            (
                "chart-series-3",
                t.text("admin.dashboard.adoption.with").into(),
                u64::try_from(c.with_mfa).unwrap_or(0),
            ),
            (
                "chart-series-5",
                t.text("admin.dashboard.adoption.without").into(),
                u64::try_from(c.users - c.with_mfa).unwrap_or(0),
            ),
        ],
        &format!("{share} %"),
    );

    // New users per day.
    let mut per_day = vec![0u64; DAYS];
    for at in &data.created {
        if let Some(n) = usize::try_from((day_of(*at) - since_days).num_days())
            .ok()
            .and_then(|i| per_day.get_mut(i))
        {
            *n += 1;
        }
    }
    let day_ticks: Vec<(usize, String)> = (0..DAYS)
        .step_by(7)
        .map(|i| (i, day_label(t, since_days + Duration::days(i as i64))))
        .collect();
    let new_total: u64 = per_day.iter().sum();
    let new_users = charts::stacked_bars(
        "new-users",
        t.text("admin.dashboard.new_users"),
        t.fill("admin.dashboard.new_users.summary", new_total),
        &[Series {
            class: "chart-series-1",
            label: t.text("admin.dashboard.new_users.series").into(),
            values: per_day,
        }],
        &day_ticks,
    );

    let last_day = HOURS - 24;
    let stats = vec![
        Stat {
            value: c.users.to_string(),
            label: "admin.dashboard.stat.users",
        },
        Stat {
            value: c.active_sessions.to_string(),
            label: "admin.dashboard.stat.sessions",
        },
        Stat {
            value: ok[last_day..].iter().sum::<u64>().to_string(),
            label: "admin.dashboard.stat.sign_ins",
        },
        Stat {
            value: failed[last_day..].iter().sum::<u64>().to_string(),
            label: "admin.dashboard.stat.failures",
        },
        Stat {
            value: format!("{share} %"),
            label: "admin.dashboard.stat.mfa",
        },
    ];
    respond::page(&DashboardPage {
        t,
        chrome: console.chrome("dashboard"),
        stats,
        sign_ins,
        days,
        methods,
        adoption,
        new_users,
        capped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn event(when: &str, action: &str, details: &str) -> SignIn {
        SignIn {
            at: at(when),
            action: action.into(),
            details: details.into(),
        }
    }

    #[test]
    fn events_fall_in_their_hour_and_old_ones_are_dropped() {
        let now = at("2026-11-30 12:30");
        let events = [
            event("2026-11-30 12:05", "login.success", "{}"),
            event("2026-11-30 11:59", "login.failure", "{}"),
            event("2026-11-23 13:00", "login.success", "{}"),
            event("2026-11-23 12:59", "login.success", "{}"),
        ];
        let (ok, failed) = per_hour(&events, now);
        assert_eq!(ok[HOURS - 1], 1);
        assert_eq!(failed[HOURS - 2], 1);
        assert_eq!(ok[0], 1, "the first hour of the window");
        assert_eq!(ok.iter().sum::<u64>(), 2, "older than 7 days: dropped");
    }

    #[test]
    fn methods_are_counted_without_step_ups() {
        let events = [
            event(
                "2026-11-30 12:05",
                "login.success",
                r#"{"method":"password","amr":["pwd","otp","mfa"]}"#,
            ),
            event(
                "2026-11-30 12:05",
                "login.success",
                r#"{"method":"upstream:google","amr":["ext"]}"#,
            ),
            event(
                "2026-11-30 12:05",
                "login.success",
                r#"{"method":"step_up","amr":["pwd","mfa"]}"#,
            ),
            event(
                "2026-11-30 12:05",
                "login.failure",
                r#"{"method":"password"}"#,
            ),
        ];
        let (counts, second) = by_method(&events);
        let get = |k: &str| counts.iter().find(|(key, _)| key.ends_with(k)).unwrap().1;
        assert_eq!((get("password"), get("sso"), get("passkey")), (1, 1, 0));
        assert_eq!(second, 1);
    }
}
