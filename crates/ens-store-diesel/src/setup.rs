//! Enterprises, principals, SCIM import setups and the activity log.

use std::time::Duration;

use diesel::prelude::*;
use ens_domain::{
    Activity, ActivityKind, Actor, EmailAddress, Enterprise, EnterpriseId, Failure, FailureKind, Field, Mapping,
    Notice, NoticeId, NoticeKind, Outcome, Principal, PrincipalId, ScimImport, Session, SyncState, Timestamp,
    TokenHash, TokenInfo,
};
use ens_ports::{ActivityLog, Outbox, OutboxEntry, PrincipalRecord, SessionStore, SetupStore, StoreError};

use crate::conn::DbConnection;
use crate::schema::{activities, enterprises, outbox, principals, scim_imports, sessions, singletons};
use crate::{DieselStore, to_i64, to_u64};

fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("unreadable {what} in the database"))
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = enterprises)]
struct EnterpriseRow {
    id: String,
    name: String,
    created_at: i64,
}

impl EnterpriseRow {
    fn new(e: &Enterprise) -> Self {
        Self { id: e.id.to_string(), name: e.name.clone(), created_at: e.created_at.as_micros() }
    }

    fn into_enterprise(self) -> Result<Enterprise, StoreError> {
        Ok(Enterprise {
            id: self.id.parse().map_err(|_| corrupt("enterprise id"))?,
            name: self.name,
            created_at: Timestamp::from_micros(self.created_at),
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = principals)]
struct PrincipalRow {
    id: String,
    enterprise_id: String,
    login: String,
    login_lower: String,
    password_hash: String,
    created_at: i64,
    must_change_password: bool,
    failed_logins: i32,
    last_failed_login_at: Option<i64>,
}

impl PrincipalRow {
    fn new(principal: &Principal, password_hash: &str, must_change: bool) -> Self {
        Self {
            id: principal.id.to_string(),
            enterprise_id: principal.enterprise_id.to_string(),
            login: principal.login.as_str().to_owned(),
            login_lower: principal.login.as_str().to_lowercase(),
            password_hash: password_hash.to_owned(),
            created_at: principal.created_at.as_micros(),
            must_change_password: must_change,
            failed_logins: 0,
            last_failed_login_at: None,
        }
    }
}

impl PrincipalRow {
    fn into_record(self) -> Result<PrincipalRecord, StoreError> {
        Ok(PrincipalRecord {
            principal: Principal {
                id: self.id.parse().map_err(|_| corrupt("principal id"))?,
                enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("principal enterprise"))?,
                login: EmailAddress::parse(&self.login).map_err(|_| corrupt("principal login"))?,
                created_at: Timestamp::from_micros(self.created_at),
            },
            password_hash: self.password_hash,
            must_change_password: self.must_change_password,
            failed_logins: u32::try_from(self.failed_logins).unwrap_or(0),
            last_failed_login_at: self.last_failed_login_at.map(Timestamp::from_micros),
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = scim_imports, treat_none_as_null = true)]
struct ScimImportRow {
    enterprise_id: String,
    token_hash: Option<String>,
    token_created_at: Option<i64>,
    token_last4: Option<String>,
    notify: String,
    state: String,
    state_since: i64,
    state_by: Option<String>,
    failure_incident: Option<String>,
    failure_kind: Option<String>,
    failure_detail: Option<String>,
    mapping: String,
    last_request_at: Option<i64>,
    version: i64,
    silence_notified_at: Option<i64>,
}

impl ScimImportRow {
    fn from_import(i: &ScimImport) -> Self {
        let (state, since, by, failure) = match &i.state {
            SyncState::Enabled { since, by } => ("enabled", since, by.map(|p| p.to_string()), None),
            SyncState::DisabledByPrincipal { since, by } => {
                ("disabled_by_principal", since, by.map(|p| p.to_string()), None)
            }
            SyncState::DisabledByFailure { since, failure } => ("disabled_by_failure", since, None, Some(failure)),
        };
        Self {
            enterprise_id: i.enterprise_id.to_string(),
            token_hash: i.token.as_ref().map(|t| t.hash.as_str().to_owned()),
            token_created_at: i.token.as_ref().map(|t| t.created_at.as_micros()),
            token_last4: i.token.as_ref().map(|t| t.last4.clone()),
            notify: i.notify.iter().map(EmailAddress::as_str).collect::<Vec<_>>().join("\n"),
            state: state.to_owned(),
            state_since: since.as_micros(),
            state_by: by,
            failure_incident: failure.map(|f| f.incident.to_string()),
            failure_kind: failure.map(|f| f.kind.as_str().to_owned()),
            failure_detail: failure.map(|f| f.detail.clone()),
            mapping: i.mapping.keys().join(","),
            last_request_at: i.last_request_at.map(Timestamp::as_micros),
            version: to_i64(i.version),
            silence_notified_at: i.silence_notified_at.map(Timestamp::as_micros),
        }
    }

    fn into_import(self) -> Result<ScimImport, StoreError> {
        let since = Timestamp::from_micros(self.state_since);
        let by =
            self.state_by.as_deref().map(str::parse::<PrincipalId>).transpose().map_err(|_| corrupt("state_by"))?;
        let state = match self.state.as_str() {
            "enabled" => SyncState::Enabled { since, by },
            "disabled_by_principal" => SyncState::DisabledByPrincipal { since, by },
            "disabled_by_failure" => SyncState::DisabledByFailure {
                since,
                failure: Failure {
                    incident: self
                        .failure_incident
                        .as_deref()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| corrupt("failure_incident"))?,
                    kind: self
                        .failure_kind
                        .as_deref()
                        .and_then(FailureKind::parse)
                        .ok_or_else(|| corrupt("failure_kind"))?,
                    detail: self.failure_detail.unwrap_or_default(),
                },
            },
            _ => return Err(corrupt("state")),
        };
        let token = match (self.token_hash, self.token_created_at, self.token_last4) {
            (Some(hash), Some(created_at), Some(last4)) => Some(TokenInfo {
                hash: TokenHash::parse(&hash).map_err(|_| corrupt("token_hash"))?,
                created_at: Timestamp::from_micros(created_at),
                last4,
            }),
            _ => None,
        };
        let notify = self
            .notify
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| EmailAddress::parse(l).map_err(|_| corrupt("notify")))
            .collect::<Result<_, _>>()?;
        // Keys a later version may have added are skipped; required fields are always in.
        let fields =
            self.mapping.split(',').filter_map(Field::from_key).chain(Field::all().filter(|f| f.is_required()));
        let mapping = Mapping::from_fields(fields).map_err(|_| corrupt("mapping"))?;
        Ok(ScimImport {
            enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("scim_imports enterprise"))?,
            token,
            notify,
            state,
            mapping,
            last_request_at: self.last_request_at.map(Timestamp::from_micros),
            silence_notified_at: self.silence_notified_at.map(Timestamp::from_micros),
            version: to_u64(self.version),
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = activities)]
struct NewActivityRow {
    enterprise_id: String,
    at: i64,
    kind: String,
    actor: String,
    outcome: String,
    person_id: Option<String>,
    user_name: Option<String>,
    detail: String,
}

fn actor_str(a: Actor) -> String {
    match a {
        Actor::Scim => "scim".into(),
        Actor::Operator => "operator".into(),
        Actor::SyncGuard => "sync_guard".into(),
        Actor::Principal(p) => format!("principal:{p}"),
    }
}

fn parse_actor(s: &str) -> Option<Actor> {
    match s {
        "scim" => Some(Actor::Scim),
        "operator" => Some(Actor::Operator),
        "sync_guard" => Some(Actor::SyncGuard),
        _ => s.strip_prefix("principal:").and_then(|p| p.parse().ok()).map(Actor::Principal),
    }
}

impl NewActivityRow {
    fn into_activity(self) -> Result<Activity, StoreError> {
        Ok(Activity {
            enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("activity enterprise"))?,
            at: Timestamp::from_micros(self.at),
            kind: ActivityKind::parse(&self.kind).ok_or_else(|| corrupt("activity kind"))?,
            actor: parse_actor(&self.actor).ok_or_else(|| corrupt("activity actor"))?,
            outcome: Outcome::parse(&self.outcome).ok_or_else(|| corrupt("activity outcome"))?,
            person_id: self.person_id.as_deref().and_then(|p| p.parse().ok()),
            user_name: self.user_name,
            detail: self.detail,
        })
    }
}

/// Appends an activity entry on `c` (inside the caller's transaction).
pub(crate) fn insert_activity(c: &mut DbConnection, a: &Activity) -> QueryResult<()> {
    let row = NewActivityRow {
        enterprise_id: a.enterprise_id.to_string(),
        at: a.at.as_micros(),
        kind: a.kind.as_str().to_owned(),
        actor: actor_str(a.actor),
        outcome: a.outcome.as_str().to_owned(),
        person_id: a.person_id.map(|p| p.to_string()),
        user_name: a.user_name.clone(),
        detail: a.detail.clone(),
    };
    diesel::insert_into(activities::table).values(&row).execute(c).map(drop)
}

impl SetupStore for DieselStore {
    fn create_enterprise(&self, enterprise: &Enterprise, import: &ScimImport) -> Result<(), StoreError> {
        let row = EnterpriseRow::new(enterprise);
        let import = ScimImportRow::from_import(import);
        self.write(|c| {
            diesel::insert_into(enterprises::table).values(&row).execute(c)?;
            diesel::insert_into(scim_imports::table).values(&import).execute(c)?;
            Ok(())
        })
    }

    fn enterprise(&self, id: EnterpriseId) -> Result<Option<Enterprise>, StoreError> {
        self.read(|c| {
            enterprises::table
                .filter(enterprises::id.eq(id.to_string()))
                .select(EnterpriseRow::as_select())
                .first(c)
                .optional()
        })?
        .map(EnterpriseRow::into_enterprise)
        .transpose()
    }

    fn enterprises(&self) -> Result<Vec<Enterprise>, StoreError> {
        self.read(|c| {
            enterprises::table
                .order_by((enterprises::created_at.asc(), enterprises::id.asc()))
                .select(EnterpriseRow::as_select())
                .load(c)
        })?
        .into_iter()
        .map(EnterpriseRow::into_enterprise)
        .collect()
    }

    fn create_principal(
        &self,
        principal: &Principal,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        let row = PrincipalRow::new(principal, password_hash, must_change);
        self.write(|c| {
            let exists: i64 =
                enterprises::table.filter(enterprises::id.eq(&row.enterprise_id)).count().get_result(c)?;
            if exists == 0 {
                return Err(StoreError::NotFound.into());
            }
            diesel::insert_into(principals::table).values(&row).execute(c)?;
            Ok(())
        })
    }

    fn principal_by_login(&self, login: &EmailAddress) -> Result<Option<PrincipalRecord>, StoreError> {
        self.read(|c| {
            principals::table
                .filter(principals::login_lower.eq(login.as_str().to_lowercase()))
                .select(PrincipalRow::as_select())
                .first(c)
                .optional()
        })?
        .map(PrincipalRow::into_record)
        .transpose()
    }

    fn principal(&self, id: PrincipalId) -> Result<Option<PrincipalRecord>, StoreError> {
        self.read(|c| {
            principals::table
                .filter(principals::id.eq(id.to_string()))
                .select(PrincipalRow::as_select())
                .first(c)
                .optional()
        })?
        .map(PrincipalRow::into_record)
        .transpose()
    }

    fn bootstrap(
        &self,
        enterprise: &Enterprise,
        import: &ScimImport,
        principal: &Principal,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let e = EnterpriseRow::new(enterprise);
        let i = ScimImportRow::from_import(import);
        let p = PrincipalRow::new(principal, password_hash, true);
        let result = self.write(|c| {
            let existing: i64 = enterprises::table.count().get_result(c)?;
            if existing > 0 {
                return Ok(false);
            }
            // Several instances starting on an empty database: the primary key lets one win.
            diesel::insert_into(singletons::table)
                .values((
                    singletons::name.eq("bootstrap"),
                    singletons::created_at.eq(enterprise.created_at.as_micros()),
                ))
                .execute(c)?;
            diesel::insert_into(enterprises::table).values(&e).execute(c)?;
            diesel::insert_into(scim_imports::table).values(&i).execute(c)?;
            diesel::insert_into(principals::table).values(&p).execute(c)?;
            Ok(true)
        });
        match result {
            Err(StoreError::Duplicate(_)) => Ok(false),
            r => r,
        }
    }

    fn set_password(&self, id: PrincipalId, password_hash: &str, must_change: bool) -> Result<(), StoreError> {
        self.write(|c| {
            let n = diesel::update(principals::table.filter(principals::id.eq(id.to_string())))
                .set((
                    principals::password_hash.eq(password_hash),
                    principals::must_change_password.eq(must_change),
                    principals::failed_logins.eq(0),
                    principals::last_failed_login_at.eq(None::<i64>),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::NotFound.into());
            }
            diesel::delete(sessions::table.filter(sessions::principal_id.eq(id.to_string()))).execute(c)?;
            Ok(())
        })
    }

    fn record_login_failure(&self, id: PrincipalId, seen: u32, at: Timestamp) -> Result<bool, StoreError> {
        // A compare-and-set on the count: of parallel attempts (on any instance) that saw the
        // same count, exactly one is counted; the others read again.
        let n = self.write(|c| {
            Ok(diesel::update(
                principals::table
                    .filter(principals::id.eq(id.to_string()))
                    .filter(principals::failed_logins.eq(i32::try_from(seen).unwrap_or(i32::MAX))),
            )
            .set((
                principals::failed_logins.eq(principals::failed_logins + 1),
                principals::last_failed_login_at.eq(Some(at.as_micros())),
            ))
            .execute(c)?)
        })?;
        Ok(n == 1)
    }

    fn reset_login_failures(&self, id: PrincipalId) -> Result<(), StoreError> {
        self.write(|c| {
            diesel::update(principals::table.filter(principals::id.eq(id.to_string())))
                .set((principals::failed_logins.eq(0), principals::last_failed_login_at.eq(None::<i64>)))
                .execute(c)?;
            Ok(())
        })
    }

    fn touch_scim_request(&self, enterprise: EnterpriseId, at: Timestamp) -> Result<(), StoreError> {
        let at = at.as_micros();
        self.write(|c| {
            diesel::update(
                scim_imports::table
                    .filter(scim_imports::enterprise_id.eq(enterprise.to_string()))
                    .filter(scim_imports::last_request_at.is_null().or(scim_imports::last_request_at.lt(at))),
            )
            .set(scim_imports::last_request_at.eq(Some(at)))
            .execute(c)?;
            Ok(())
        })
    }

    fn scim_import(&self, enterprise: EnterpriseId) -> Result<Option<ScimImport>, StoreError> {
        self.read(|c| {
            scim_imports::table
                .filter(scim_imports::enterprise_id.eq(enterprise.to_string()))
                .select(ScimImportRow::as_select())
                .first(c)
                .optional()
        })?
        .map(ScimImportRow::into_import)
        .transpose()
    }

    fn scim_import_by_token(&self, token: &TokenHash) -> Result<Option<ScimImport>, StoreError> {
        self.read(|c| {
            scim_imports::table
                .filter(scim_imports::token_hash.eq(token.as_str()))
                .select(ScimImportRow::as_select())
                .first(c)
                .optional()
        })?
        .map(ScimImportRow::into_import)
        .transpose()
    }

    fn enabled_scim_imports(&self) -> Result<Vec<ScimImport>, StoreError> {
        self.read(|c| {
            scim_imports::table.filter(scim_imports::state.eq("enabled")).select(ScimImportRow::as_select()).load(c)
        })?
        .into_iter()
        .map(ScimImportRow::into_import)
        .collect()
    }

    fn update_scim_import(
        &self,
        import: &ScimImport,
        activity: Option<&Activity>,
        notices: &[Notice],
    ) -> Result<(), StoreError> {
        let row = ScimImportRow::from_import(import);
        let queued: Vec<OutboxRow> =
            notices.iter().map(|n| OutboxRow::new(n, activity.map_or(import.state.since(), |a| a.at))).collect();
        let previous = to_i64(import.version.saturating_sub(1));
        self.write(|c| {
            let n = diesel::update(
                scim_imports::table
                    .filter(scim_imports::enterprise_id.eq(&row.enterprise_id))
                    .filter(scim_imports::version.eq(previous)),
            )
            .set((
                scim_imports::token_hash.eq(&row.token_hash),
                scim_imports::token_created_at.eq(row.token_created_at),
                scim_imports::token_last4.eq(&row.token_last4),
                scim_imports::notify.eq(&row.notify),
                scim_imports::state.eq(&row.state),
                scim_imports::state_since.eq(row.state_since),
                scim_imports::state_by.eq(&row.state_by),
                scim_imports::failure_incident.eq(&row.failure_incident),
                scim_imports::failure_kind.eq(&row.failure_kind),
                scim_imports::failure_detail.eq(&row.failure_detail),
                scim_imports::mapping.eq(&row.mapping),
                // last_request_at belongs to touch_scim_request: a setup change must not
                // put back the time it read.
                scim_imports::version.eq(row.version),
                scim_imports::silence_notified_at.eq(row.silence_notified_at),
            ))
            .execute(c)?;
            if n == 0 {
                let exists: i64 = scim_imports::table
                    .filter(scim_imports::enterprise_id.eq(&row.enterprise_id))
                    .count()
                    .get_result(c)?;
                return Err(if exists == 0 { StoreError::NotFound } else { StoreError::Conflict }.into());
            }
            if let Some(a) = activity {
                insert_activity(c, a)?;
            }
            // One by one: a multi-row INSERT is not SQL both backends share through diesel.
            for row in &queued {
                diesel::insert_into(outbox::table).values(row).execute(c)?;
            }
            Ok(())
        })
    }

    fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| {
            use diesel::r2d2::R2D2Connection;
            c.ping()
        })
    }
}

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
        self.read(|c| {
            sessions::table
                .filter(sessions::token_hash.eq(token_hash.as_str()))
                .select(SessionRow::as_select())
                .first(c)
                .optional()
        })?
        .map(SessionRow::into_session)
        .transpose()
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

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
struct OutboxRow {
    id: String,
    enterprise_id: String,
    kind: String,
    enterprise_name: String,
    incident_id: Option<String>,
    recipient: String,
    occurred_at: i64,
    reason: String,
    setup_url: String,
    created_at: i64,
    attempts: i32,
    next_attempt_at: i64,
}

impl OutboxRow {
    fn new(n: &Notice, now: Timestamp) -> Self {
        Self {
            id: n.id.to_string(),
            enterprise_id: n.enterprise_id.to_string(),
            kind: n.kind.as_str().to_owned(),
            enterprise_name: n.enterprise_name.clone(),
            incident_id: n.incident.map(|i| i.to_string()),
            recipient: n.recipient.as_str().to_owned(),
            occurred_at: n.occurred_at.as_micros(),
            reason: n.reason.clone(),
            setup_url: n.setup_url.clone(),
            created_at: now.as_micros(),
            attempts: 0,
            next_attempt_at: now.as_micros(),
        }
    }

    fn into_entry(self) -> Result<OutboxEntry, StoreError> {
        Ok(OutboxEntry {
            notice: Notice {
                id: NoticeId(self.id.parse().map_err(|_| corrupt("notice id"))?),
                kind: NoticeKind::parse(&self.kind).ok_or_else(|| corrupt("notice kind"))?,
                enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("notice enterprise"))?,
                enterprise_name: self.enterprise_name,
                incident: self
                    .incident_id
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|_| corrupt("notice incident"))?,
                recipient: EmailAddress::parse(&self.recipient).map_err(|_| corrupt("notice recipient"))?,
                occurred_at: Timestamp::from_micros(self.occurred_at),
                reason: self.reason,
                setup_url: self.setup_url,
            },
            attempts: u32::try_from(self.attempts).unwrap_or(0),
        })
    }
}

impl Outbox for DieselStore {
    fn claim_due_notices(&self, now: Timestamp, lease: Duration, limit: u64) -> Result<Vec<OutboxEntry>, StoreError> {
        let t = now.as_micros();
        let until = now.saturating_add(lease).as_micros();
        let unclaimed = || {
            outbox::table
                .filter(outbox::delivered_at.is_null())
                .filter(outbox::abandoned_at.is_null())
                .filter(outbox::next_attempt_at.le(t))
                .filter(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(t)))
        };
        let candidates: Vec<String> = self.read(|c| {
            unclaimed().order_by(outbox::next_attempt_at.asc()).limit(to_i64(limit)).select(outbox::id).load(c)
        })?;
        let mut claimed = Vec::new();
        for id in candidates {
            // The conditional update is the claim: of several instances, one changes the row.
            let row = self.write(|c| {
                let n = diesel::update(unclaimed().filter(outbox::id.eq(&id)))
                    .set(outbox::claimed_until.eq(Some(until)))
                    .execute(c)?;
                if n == 0 {
                    return Ok(None);
                }
                Ok(Some(
                    outbox::table
                        .filter(outbox::id.eq(&id))
                        .select((
                            outbox::id,
                            outbox::enterprise_id,
                            outbox::kind,
                            outbox::enterprise_name,
                            outbox::incident_id,
                            outbox::recipient,
                            outbox::occurred_at,
                            outbox::reason,
                            outbox::setup_url,
                            outbox::created_at,
                            outbox::attempts,
                            outbox::next_attempt_at,
                        ))
                        .first::<OutboxRow>(c)?,
                ))
            })?;
            if let Some(r) = row {
                claimed.push(r.into_entry()?);
            }
        }
        Ok(claimed)
    }

    fn notice_delivered(&self, id: NoticeId, at: Timestamp) -> Result<(), StoreError> {
        self.write(|c| {
            diesel::update(outbox::table.filter(outbox::id.eq(id.to_string())))
                .set((
                    outbox::delivered_at.eq(Some(at.as_micros())),
                    outbox::claimed_until.eq(None::<i64>),
                    outbox::attempts.eq(outbox::attempts + 1),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    fn notice_failed(
        &self,
        id: NoticeId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
        let error: String = error.chars().take(500).collect();
        self.write(|c| {
            let target = outbox::table.filter(outbox::id.eq(id.to_string()));
            match retry_at {
                Some(t) => diesel::update(target)
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::next_attempt_at.eq(t.as_micros()),
                        outbox::claimed_until.eq(None::<i64>),
                        outbox::last_error.eq(Some(&error)),
                    ))
                    .execute(c)?,
                None => diesel::update(target)
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::abandoned_at.eq(Some(now.as_micros())),
                        outbox::claimed_until.eq(None::<i64>),
                        outbox::last_error.eq(Some(&error)),
                    ))
                    .execute(c)?,
            };
            Ok(())
        })
    }

    fn undelivered_notices(&self, enterprise: EnterpriseId) -> Result<u64, StoreError> {
        let n: i64 = self.read(|c| {
            outbox::table
                .filter(outbox::enterprise_id.eq(enterprise.to_string()))
                .filter(outbox::delivered_at.is_null())
                .filter(outbox::abandoned_at.is_null())
                .count()
                .get_result(c)
        })?;
        Ok(to_u64(n))
    }
}

impl ActivityLog for DieselStore {
    fn record(&self, activity: &Activity) -> Result<(), StoreError> {
        let activity = activity.clone();
        self.write_grouped(move |c| Ok(insert_activity(c, &activity)?))
    }

    fn activities(
        &self,
        enterprise: EnterpriseId,
        outcomes: &[Outcome],
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Activity>, u64), StoreError> {
        let outcomes: Vec<&str> = outcomes.iter().map(|o| o.as_str()).collect();
        let (rows, total) = self.read(|c| {
            // Answered from the (enterprise_id, outcome, seq) index when filtered, so finding
            // the few failures among a long log does not scan it.
            let mine = || {
                let q = activities::table.filter(activities::enterprise_id.eq(enterprise.to_string())).into_boxed();
                if outcomes.is_empty() { q } else { q.filter(activities::outcome.eq_any(outcomes.clone())) }
            };
            let rows: Vec<NewActivityRow> = mine()
                .order_by(activities::seq.desc())
                .offset(to_i64(offset))
                .limit(to_i64(limit))
                .select(NewActivityRow::as_select())
                .load(c)?;
            let total: i64 = mine().count().get_result(c)?;
            Ok((rows, total))
        })?;
        let list = rows.into_iter().map(NewActivityRow::into_activity).collect::<Result<_, _>>()?;
        Ok((list, to_u64(total)))
    }

    fn prune_activities(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.write(|c| {
            let n = diesel::delete(activities::table.filter(activities::at.lt(before.as_micros()))).execute(c)?;
            Ok(n as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_round_trip() {
        let p = Actor::Principal(PrincipalId::from_uuid(uuid::Uuid::from_u128(7)));
        for a in [Actor::Scim, Actor::Operator, Actor::SyncGuard, p] {
            assert_eq!(parse_actor(&actor_str(a)), Some(a));
        }
        assert_eq!(parse_actor("someone"), None);
    }
}
