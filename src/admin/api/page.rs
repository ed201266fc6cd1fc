//! Keyset pagination of admin-API lists (S8, SR-104): `limit` 1–100
//! (default 20), an opaque `cursor` naming the last item's (creation time,
//! id), answers `{"items": [...], "next_cursor": "…" | null}`. A cursor is
//! `{microseconds}.{id}`: clients pass it back as given; any text of that
//! shape is a valid position, anything else is refused with 400.

use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::admin::api::problem::Problem;
use crate::store::slice::Slice;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The paging (and search) part of a list's query string.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub q: Option<String>,
}

/// `include_deleted=true|false` (default false): soft-deleted objects too,
/// for callers of global reach only (S8).
#[derive(Debug, Default, Deserialize)]
pub struct DeletedQuery {
    pub include_deleted: Option<String>,
}

impl DeletedQuery {
    /// Whether to include deleted objects; 400 on a bad value, 403 when
    /// asked by a caller of organization reach.
    pub fn check(&self, global: bool) -> Result<bool, Problem> {
        match self.include_deleted.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") if global => Ok(true),
            Some("true") => Err(Problem::forbidden(
                "only a caller of global reach sees deleted objects",
            )),
            Some(_) => Err(Problem::invalid("include_deleted", "must be true or false")),
        }
    }
}

/// A checked page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<(NaiveDateTime, String)>,
    pub search: Option<String>,
}

/// Whether `id` may end a cursor: letters, digits and `-`, 1 to 100.
fn plain_id(id: &str) -> bool {
    (1..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl PageQuery {
    pub fn check(&self) -> Result<PageRequest, Problem> {
        self.check_for(plain_id)
    }

    /// As [`PageQuery::check`] for a list without a search: a `q` is
    /// refused rather than ignored.
    pub fn check_unsearched(&self) -> Result<PageRequest, Problem> {
        if self.q.is_some() {
            return Err(Problem::invalid("q", "this list has no search"));
        }
        self.check()
    }

    /// As [`PageQuery::check`] for a list whose ids are not plain (client
    /// ids hold `_` and `.` too): `id_ok` says which ids a cursor may end with.
    pub fn check_for(&self, id_ok: fn(&str) -> bool) -> Result<PageRequest, Problem> {
        let limit = match self.limit.as_deref() {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    Problem::invalid(
                        "limit",
                        format!("must be a whole number from 1 to {MAX_LIMIT}"),
                    )
                })?,
        };
        let after =
            match self.cursor.as_deref() {
                None => None,
                Some(raw) => Some(decode(raw, id_ok).ok_or_else(|| {
                    Problem::invalid("cursor", "is not a cursor this API gave out")
                })?),
            };
        // PostgreSQL refuses a NUL in text: a clear 400, not a 500 (the
        // document's pattern for `q` says the same).
        if self
            .q
            .as_deref()
            .is_some_and(|q| q.chars().any(char::is_control))
        {
            return Err(Problem::invalid("q", "must not contain control characters"));
        }
        let search = match self.q.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(q) if q.chars().count() > 200 => {
                return Err(Problem::invalid("q", "must be at most 200 characters"));
            }
            Some(q) => Some(q.to_owned()),
        };
        Ok(PageRequest {
            limit,
            after,
            search,
        })
    }
}

/// The shape of a cursor (also in the OpenAPI document).
pub const CURSOR_PATTERN: &str = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$";

/// The cursor after an item created at `at` with `id`.
pub fn encode(at: NaiveDateTime, id: &str) -> String {
    format!("{}.{id}", at.and_utc().timestamp_micros())
}

fn decode(raw: &str, id_ok: fn(&str) -> bool) -> Option<(NaiveDateTime, String)> {
    let (micros, id) = raw.split_once('.')?;
    let digits = (1..=16).contains(&micros.len()) && micros.bytes().all(|b| b.is_ascii_digit());
    if !(digits && id_ok(id)) {
        return None;
    }
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some((at, id.to_owned()))
}

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A page from `limit + 1` rows read: the extra one only says there is more.
pub fn page<R, T>(
    rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> (NaiveDateTime, String),
    show: impl FnMut(R) -> Result<T, Problem>,
) -> Result<Page<T>, Problem> {
    page_all(rows, limit, key, |rows| {
        rows.into_iter().map(show).collect()
    })
}

/// [`page`] with the page's rows shown together (`show_all` keeps their
/// order), for lists that read what they show for the whole page at once.
pub fn page_all<R, T>(
    rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> (NaiveDateTime, String),
    show_all: impl FnOnce(Vec<R>) -> Result<Vec<T>, Problem>,
) -> Result<Page<T>, Problem> {
    let Page { items, next_cursor } = Slice::of(rows, limit, key).into();
    Ok(Page {
        items: show_all(items)?,
        next_cursor,
    })
}

impl<T> From<Slice<T>> for Page<T> {
    fn from(slice: Slice<T>) -> Self {
        Page {
            items: slice.items,
            next_cursor: slice.next.map(|(at, id)| encode(at, &id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(limit: Option<&str>, cursor: Option<&str>) -> PageQuery {
        PageQuery {
            limit: limit.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
            q: None,
        }
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        assert_eq!(q(None, None).check().unwrap().limit, 20);
        assert_eq!(q(Some("1"), None).check().unwrap().limit, 1);
        assert_eq!(q(Some("100"), None).check().unwrap().limit, 100);
        for bad in ["0", "101", "-1", "x", "1.5", ""] {
            assert!(q(Some(bad), None).check().is_err(), "{bad}");
        }
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456)
            .unwrap()
            .naive_utc();
        let cursor = encode(at, "abc");
        assert_eq!(
            q(None, Some(&cursor)).check().unwrap().after,
            Some((at, "abc".into()))
        );
        assert_eq!(cursor, "1700000000123456.abc");
        assert!(q(None, Some("0.x")).check().is_ok());
        for bad in [
            "",
            "!!",
            "bm9waXBl",
            "1.",
            ".x",
            "12345678901234567.x",
            "1.a b",
            "1.a.b",
        ] {
            assert!(q(None, Some(bad)).check().is_err(), "{bad}");
        }
    }
}
