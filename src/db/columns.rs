//! Typed values stored as text, on both databases (the connection enum
//! binds through each backend's own `ToSql`): the ids of `domain`
//! ([`UserId`], [`ClientId`], [`SessionId`], [`OrganizationId`]) are read
//! and written as they are; the JSON lists ([`Amr`], [`Scopes`],
//! [`TextList`]) are decoded when a row is read, and a corrupt value fails
//! the read instead of turning into an empty list.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use crate::db::MultiBackend;
use crate::domain::{Amr, ClientId, OrganizationId, Scopes, SessionId, TextList, UserId};

macro_rules! id_column {
    ($id:ty: $($db:ty),*) => {$(
        impl FromSql<Text, $db> for $id {
            fn from_sql(bytes: <$db as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                <String as FromSql<Text, $db>>::from_sql(bytes).map(Self::from)
            }
        }

        impl ToSql<Text, $db> for $id {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, $db>) -> serialize::Result {
                <str as ToSql<Text, $db>>::to_sql(self.as_str(), out)
            }
        }
    )*};
}

id_column!(UserId: MultiBackend, Sqlite, Pg);
id_column!(ClientId: MultiBackend, Sqlite, Pg);
id_column!(SessionId: MultiBackend, Sqlite, Pg);
id_column!(OrganizationId: MultiBackend, Sqlite, Pg);

/// Reading only: a list is written as the JSON text of
/// `serialize_as = String` (its bytes are made, not borrowed, so the
/// connection enum cannot bind it by reference).
macro_rules! list_column {
    ($list:ty: $($db:ty),*) => {$(
        impl FromSql<Text, $db> for $list {
            fn from_sql(bytes: <$db as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let json = <String as FromSql<Text, $db>>::from_sql(bytes)?;
                Ok(Self::try_from(json)?)
            }
        }
    )*};
}

list_column!(Amr: MultiBackend, Sqlite, Pg);
list_column!(Scopes: MultiBackend, Sqlite, Pg);
list_column!(TextList: MultiBackend, Sqlite, Pg);
