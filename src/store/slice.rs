//! One page of a keyset-paged list as the store reads it: the rows and,
//! when more follow, the (time, id) position of the last one, which the
//! admin API turns into a `next_cursor`.

use chrono::NaiveDateTime;

/// A page of `T` and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice<T> {
    pub items: Vec<T>,
    /// The last item's (time, id) when more follow; `None` on the last page.
    pub next: Option<(NaiveDateTime, String)>,
}

impl<T> Slice<T> {
    /// The page in `rows`, read with `limit + 1`: the extra row only says
    /// that more follow.
    pub fn of(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> (NaiveDateTime, String)) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        let next = if more { rows.last().map(key) } else { None };
        Self { items: rows, next }
    }

    /// The same page with each item shown as `U`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Slice<U> {
        Slice {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(s, 0).unwrap().naive_utc()
    }

    #[test]
    fn the_extra_row_only_says_more_follow() {
        let key = |n: &i64| (at(*n), n.to_string());
        let s = Slice::of(vec![1, 2, 3], 2, key);
        assert_eq!(s.items, vec![1, 2]);
        assert_eq!(s.next, Some((at(2), "2".into())));
        let last = Slice::of(vec![1, 2], 2, key);
        assert_eq!((last.items.len(), last.next), (2, None));
        assert_eq!(Slice::of(vec![3], 2, key).map(|n| n * 2).items, vec![6]);
    }
}
