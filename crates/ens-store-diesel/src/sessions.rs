//! `SessionStore`: principals' sessions, stored by the hash of their token.

use diesel::prelude::*;
use ens_domain::{Session, Timestamp, TokenHash};
use ens_ports::{SessionStore, StoreError};

use crate::schema::sessions;
use crate::{DieselStore, corrupt};

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    token_hash: String,
    principal_id: String,
    enterprise_id: String,
    csrf_hash: String,
    created_at: i64,
    last_seen_at: i64,
}

impl SessionRow {
    fn into_session(self) -> Result<Session, StoreError> {
        Ok(Session {
            token_hash: TokenHash::parse(&self.token_hash).map_err(|_| corrupt("session token"))?,
            principal_id: self.principal_id.parse().map_err(|_| corrupt("session principal"))?,
            enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("session enterprise"))?,
            csrf_hash: TokenHash::parse(&self.csrf_hash).map_err(|_| corrupt("session csrf"))?,
            created_at: Timestamp::from_micros(self.created_at),
            last_seen_at: Timestamp::from_micros(self.last_seen_at),
        })
    }
}

impl SessionStore for DieselStore {
    fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let row = SessionRow {
            token_hash: session.token_hash.as_str().to_owned(),
            principal_id: session.principal_id.to_string(),
            enterprise_id: session.enterprise_id.to_string(),
            csrf_hash: session.csrf_hash.as_str().to_owned(),
            created_at: session.created_at.as_micros(),
            last_seen_at: session.last_seen_at.as_micros(),
        };
        self.write(|c| {
            diesel::insert_into(sessions::table).values(&row).execute(c)?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        self.first(
            |c| {
                sessions::table
                    .filter(sessions::token_hash.eq(token_hash.as_str()))
                    .select(SessionRow::as_select())
                    .first(c)
            },
            SessionRow::into_session,
        )
    }

    fn touch_session(&self, token_hash: &TokenHash, at: Timestamp) -> Result<(), StoreError> {
        let at = at.as_micros();
        self.write(|c| {
            diesel::update(
                sessions::table
                    .filter(sessions::token_hash.eq(token_hash.as_str()))
                    .filter(sessions::last_seen_at.lt(at)),
            )
            .set(sessions::last_seen_at.eq(at))
            .execute(c)?;
            Ok(())
        })
    }

    fn delete_session(&self, token_hash: &TokenHash) -> Result<(), StoreError> {
        self.write(|c| {
            diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash.as_str()))).execute(c)?;
            Ok(())
        })
    }

    fn prune_sessions(&self, idle_before: Timestamp, created_before: Timestamp) -> Result<u64, StoreError> {
        self.write(|c| {
            let n = diesel::delete(
                sessions::table.filter(
                    sessions::last_seen_at
                        .lt(idle_before.as_micros())
                        .or(sessions::created_at.lt(created_before.as_micros())),
                ),
            )
            .execute(c)?;
            Ok(n as u64)
        })
    }
}
