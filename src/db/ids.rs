//! How the typed ids of `domain` ([`UserId`], [`ClientId`], [`SessionId`],
//! [`OrganizationId`]) are read and written: as text, on both databases
//! (the connection enum binds through each backend's own `ToSql`).

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use crate::db::MultiBackend;
use crate::domain::{ClientId, OrganizationId, SessionId, UserId};

macro_rules! text_column {
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

text_column!(UserId: MultiBackend, Sqlite, Pg);
text_column!(ClientId: MultiBackend, Sqlite, Pg);
text_column!(SessionId: MultiBackend, Sqlite, Pg);
text_column!(OrganizationId: MultiBackend, Sqlite, Pg);
