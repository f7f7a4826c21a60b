//! `SetupStore`: enterprises, principals and their SCIM import setups.

use diesel::prelude::*;
use ens_domain::{
    Activity, Departure, DepartureAction, DepartureRule, EmailAddress, Enterprise, EnterpriseId, Failure, FailureKind,
    Field, Hold, Language, Mapping, Notice, PreviousToken, Principal, PrincipalId, ScimImport, SyncState, Timestamp,
    TokenHash, TokenInfo, TokenUse,
};
use ens_ports::{PrincipalRecord, PrincipalRemoval, SetupStore, StoreError};

use crate::activity::insert_activity;
use crate::conn::DbConnection;
use crate::outbox::OutboxRow;
use crate::schema::{enterprises, outbox, principals, refused_while_off, scim_imports, sessions, singletons};
use crate::{DieselStore, TxError, corrupt, lock_enterprise, to_i64, to_u64};

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
    last_login_at: Option<i64>,
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
            last_login_at: None,
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
            last_login_at: self.last_login_at.map(Timestamp::from_micros),
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
    token_last_used_at: Option<i64>,
    previous_token_hash: Option<String>,
    previous_token_created_at: Option<i64>,
    previous_token_last4: Option<String>,
    previous_token_until: Option<i64>,
    previous_token_last_used_at: Option<i64>,
    #[diesel(embed)]
    departures: DepartureColumns,
    /// "key=micros,…": since when each imported field is imported.
    mapping_since: String,
    purge_inactive_after_days: Option<i32>,
    notice_language: String,
}

/// The departure limit, its lift, and a held incident's numbers and held person.
#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = scim_imports, treat_none_as_null = true)]
struct DepartureColumns {
    departure_floor: i32,
    departure_percent: i32,
    departure_window_minutes: i32,
    departures_allowed_until: Option<i64>,
    hold_attempted: Option<i64>,
    hold_threshold: Option<i64>,
    hold_window_minutes: Option<i32>,
    hold_since: Option<i64>,
    hold_person_id: Option<String>,
    hold_user_name: Option<String>,
    hold_display_name: Option<String>,
    hold_action: Option<String>,
    hold_at: Option<i64>,
}

impl DepartureColumns {
    fn new(i: &ScimImport, hold: Option<&Hold>) -> Self {
        let r = i.departure_rule;
        Self {
            departure_floor: i32::try_from(r.floor).unwrap_or(i32::MAX),
            departure_percent: i32::from(r.percent),
            departure_window_minutes: i32::try_from(r.window_minutes).unwrap_or(i32::MAX),
            departures_allowed_until: i.departures_allowed_until.map(Timestamp::as_micros),
            hold_attempted: hold.map(|h| to_i64(h.attempted)),
            hold_threshold: hold.map(|h| to_i64(h.threshold)),
            hold_window_minutes: hold.map(|h| i32::try_from(h.window_minutes).unwrap_or(i32::MAX)),
            hold_since: hold.map(|h| h.since.as_micros()),
            hold_person_id: hold.map(|h| h.held.person_id.to_string()),
            hold_user_name: hold.map(|h| h.held.user_name.clone()),
            hold_display_name: hold.and_then(|h| h.held.display_name.clone()),
            hold_action: hold.map(|h| h.held.action.as_str().to_owned()),
            hold_at: hold.map(|h| h.held.at.as_micros()),
        }
    }

    /// As written: it was checked then, and a later version's tighter bounds must not make
    /// the setup unreadable (and with it every SCIM request).
    fn rule(&self) -> Result<DepartureRule, StoreError> {
        Ok(DepartureRule {
            floor: u32::try_from(self.departure_floor).map_err(|_| corrupt("departure_floor"))?,
            percent: u8::try_from(self.departure_percent).map_err(|_| corrupt("departure_percent"))?,
            window_minutes: u32::try_from(self.departure_window_minutes)
                .map_err(|_| corrupt("departure_window_minutes"))?,
        })
    }

    fn hold(&self) -> Result<Option<Hold>, StoreError> {
        let (Some(attempted), Some(threshold), Some(window), Some(since), Some(id), Some(user), Some(action), Some(at)) = (
            self.hold_attempted,
            self.hold_threshold,
            self.hold_window_minutes,
            self.hold_since,
            self.hold_person_id.as_deref(),
            self.hold_user_name.as_ref(),
            self.hold_action.as_deref(),
            self.hold_at,
        ) else {
            return Ok(None);
        };
        Ok(Some(Hold {
            attempted: to_u64(attempted),
            threshold: to_u64(threshold),
            window_minutes: u32::try_from(window).map_err(|_| corrupt("hold_window_minutes"))?,
            since: Timestamp::from_micros(since),
            held: Departure {
                person_id: id.parse().map_err(|_| corrupt("hold_person_id"))?,
                user_name: user.clone(),
                display_name: self.hold_display_name.clone(),
                action: DepartureAction::parse(action).ok_or_else(|| corrupt("hold_action"))?,
                at: Timestamp::from_micros(at),
            },
        }))
    }
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
            failure_detail: failure.map(|f| crate::said::encode(&f.detail)),
            mapping: i.mapping.keys().join(","),
            last_request_at: i.last_request_at.map(Timestamp::as_micros),
            version: to_i64(i.version),
            silence_notified_at: i.silence_notified_at.map(Timestamp::as_micros),
            token_last_used_at: i.token_last_used_at.map(Timestamp::as_micros),
            previous_token_hash: i.previous_token.as_ref().map(|p| p.token.hash.as_str().to_owned()),
            previous_token_created_at: i.previous_token.as_ref().map(|p| p.token.created_at.as_micros()),
            previous_token_last4: i.previous_token.as_ref().map(|p| p.token.last4.clone()),
            previous_token_until: i.previous_token.as_ref().map(|p| p.until.as_micros()),
            previous_token_last_used_at: i
                .previous_token
                .as_ref()
                .and_then(|p| p.last_used_at)
                .map(Timestamp::as_micros),
            departures: DepartureColumns::new(i, failure.and_then(|f| f.hold.as_deref())),
            mapping_since: i
                .mapping_since
                .iter()
                .map(|(f, t)| format!("{}={}", f.key(), t.as_micros()))
                .collect::<Vec<_>>()
                .join(","),
            purge_inactive_after_days: i.purge_inactive_after_days.map(|d| i32::try_from(d).unwrap_or(i32::MAX)),
            notice_language: i.notice_language.tag().to_owned(),
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
                    detail: crate::said::decode(self.failure_detail.as_deref().unwrap_or_default()),
                    hold: self.departures.hold()?.map(Box::new),
                },
            },
            _ => return Err(corrupt("state")),
        };
        let token = token_info(self.token_hash, self.token_created_at, self.token_last4)?;
        let previous_token = match (
            token_info(self.previous_token_hash, self.previous_token_created_at, self.previous_token_last4)?,
            self.previous_token_until,
        ) {
            (Some(token), Some(until)) => Some(PreviousToken {
                token,
                until: Timestamp::from_micros(until),
                last_used_at: self.previous_token_last_used_at.map(Timestamp::from_micros),
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
            token_last_used_at: self.token_last_used_at.map(Timestamp::from_micros),
            previous_token,
            notify,
            state,
            mapping,
            last_request_at: self.last_request_at.map(Timestamp::from_micros),
            silence_notified_at: self.silence_notified_at.map(Timestamp::from_micros),
            departure_rule: self.departures.rule()?,
            departures_allowed_until: self.departures.departures_allowed_until.map(Timestamp::from_micros),
            // A key a later version may have added is skipped.
            mapping_since: self
                .mapping_since
                .split(',')
                .filter_map(|pair| {
                    let (key, micros) = pair.split_once('=')?;
                    Some((Field::from_key(key)?, Timestamp::from_micros(micros.parse().ok()?)))
                })
                .collect(),
            purge_inactive_after_days: self
                .purge_inactive_after_days
                .map(|d| u32::try_from(d).map_err(|_| corrupt("purge_inactive_after_days")))
                .transpose()?,
            notice_language: Language::from_tag(&self.notice_language).ok_or_else(|| corrupt("notice_language"))?,
            version: to_u64(self.version),
        })
    }
}

/// Sets a principal's password, clears its failed logins and ends its sessions; `NotFound` if
/// there is no such principal.
fn replace_password(c: &mut DbConnection, id: &str, password_hash: &str, must_change: bool) -> Result<(), TxError> {
    let n = diesel::update(principals::table.filter(principals::id.eq(id)))
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
    diesel::delete(sessions::table.filter(sessions::principal_id.eq(id))).execute(c)?;
    Ok(())
}

fn token_info(
    hash: Option<String>,
    created_at: Option<i64>,
    last4: Option<String>,
) -> Result<Option<TokenInfo>, StoreError> {
    match (hash, created_at, last4) {
        (Some(hash), Some(created_at), Some(last4)) => Ok(Some(TokenInfo {
            hash: TokenHash::parse(&hash).map_err(|_| corrupt("token_hash"))?,
            created_at: Timestamp::from_micros(created_at),
            last4,
        })),
        _ => Ok(None),
    }
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
        self.first(
            |c| {
                enterprises::table
                    .filter(enterprises::id.eq(id.to_string()))
                    .select(EnterpriseRow::as_select())
                    .first(c)
            },
            EnterpriseRow::into_enterprise,
        )
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
        self.first(
            |c| {
                principals::table
                    .filter(principals::login_lower.eq(login.as_str().to_lowercase()))
                    .select(PrincipalRow::as_select())
                    .first(c)
            },
            PrincipalRow::into_record,
        )
    }

    fn principal(&self, id: PrincipalId) -> Result<Option<PrincipalRecord>, StoreError> {
        self.first(
            |c| principals::table.filter(principals::id.eq(id.to_string())).select(PrincipalRow::as_select()).first(c),
            PrincipalRow::into_record,
        )
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
        self.write(|c| replace_password(c, &id.to_string(), password_hash, must_change))
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

    fn reset_login_failures(&self, id: PrincipalId, at: Timestamp) -> Result<(), StoreError> {
        self.write(|c| {
            diesel::update(principals::table.filter(principals::id.eq(id.to_string())))
                .set((
                    principals::failed_logins.eq(0),
                    principals::last_failed_login_at.eq(None::<i64>),
                    principals::last_login_at.eq(Some(at.as_micros())),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    fn principals(&self, enterprise: EnterpriseId) -> Result<Vec<PrincipalRecord>, StoreError> {
        let rows: Vec<PrincipalRow> = self.read(|c| {
            principals::table
                .filter(principals::enterprise_id.eq(enterprise.to_string()))
                .order(principals::login_lower.asc())
                .select(PrincipalRow::as_select())
                .load(c)
        })?;
        rows.into_iter().map(PrincipalRow::into_record).collect()
    }

    fn invite_principal(
        &self,
        principal: &Principal,
        password_hash: &str,
        activity: &Activity,
    ) -> Result<(), StoreError> {
        let row = PrincipalRow::new(principal, password_hash, true);
        self.write(|c| {
            diesel::insert_into(principals::table).values(&row).execute(c)?;
            insert_activity(c, activity)?;
            Ok(())
        })
    }

    fn reset_principal_password(
        &self,
        enterprise: EnterpriseId,
        id: PrincipalId,
        password_hash: &str,
        activity: &Activity,
    ) -> Result<(), StoreError> {
        let (e, id) = (enterprise.to_string(), id.to_string());
        self.write(|c| {
            let theirs = principals::table.filter(principals::id.eq(&id)).filter(principals::enterprise_id.eq(&e));
            if theirs.count().get_result::<i64>(c)? == 0 {
                return Err(StoreError::NotFound.into());
            }
            replace_password(c, &id, password_hash, true)?;
            insert_activity(c, activity)?;
            Ok(())
        })
    }

    fn remove_principal(
        &self,
        enterprise: EnterpriseId,
        id: PrincipalId,
        activity: &Activity,
    ) -> Result<PrincipalRemoval, StoreError> {
        let (e, id) = (enterprise.to_string(), id.to_string());
        self.write(|c| {
            // PostgreSQL: removals in one enterprise take turns on its setup row, so that two
            // at once cannot each see the other's principal still there. (SQLite writes one
            // transaction at a time.)
            lock_enterprise(c, &e)?;
            let mine = || principals::table.filter(principals::enterprise_id.eq(&e));
            if mine().filter(principals::id.eq(&id)).count().get_result::<i64>(c)? == 0 {
                return Ok(PrincipalRemoval::NotFound);
            }
            if mine().count().get_result::<i64>(c)? <= 1 {
                return Ok(PrincipalRemoval::Last);
            }
            diesel::delete(sessions::table.filter(sessions::principal_id.eq(&id))).execute(c)?;
            diesel::delete(principals::table.filter(principals::id.eq(&id))).execute(c)?;
            insert_activity(c, activity)?;
            Ok(PrincipalRemoval::Removed)
        })
    }

    fn touch_scim_request(&self, enterprise: EnterpriseId, token: TokenUse, at: Timestamp) -> Result<(), StoreError> {
        let at = at.as_micros();
        self.write(|c| {
            let mine = || scim_imports::table.filter(scim_imports::enterprise_id.eq(enterprise.to_string()));
            diesel::update(
                mine().filter(scim_imports::last_request_at.is_null().or(scim_imports::last_request_at.lt(at))),
            )
            .set(scim_imports::last_request_at.eq(Some(at)))
            .execute(c)?;
            match token {
                TokenUse::Current => diesel::update(
                    mine()
                        .filter(scim_imports::token_last_used_at.is_null().or(scim_imports::token_last_used_at.lt(at))),
                )
                .set(scim_imports::token_last_used_at.eq(Some(at)))
                .execute(c)?,
                TokenUse::Previous => diesel::update(
                    mine().filter(
                        scim_imports::previous_token_last_used_at
                            .is_null()
                            .or(scim_imports::previous_token_last_used_at.lt(at)),
                    ),
                )
                .set(scim_imports::previous_token_last_used_at.eq(Some(at)))
                .execute(c)?,
            };
            Ok(())
        })
    }

    fn scim_imports_with_expired_previous_token(&self, now: Timestamp) -> Result<Vec<ScimImport>, StoreError> {
        self.read(|c| {
            scim_imports::table
                .filter(scim_imports::previous_token_until.le(now.as_micros()))
                .select(ScimImportRow::as_select())
                .load(c)
        })?
        .into_iter()
        .map(ScimImportRow::into_import)
        .collect()
    }

    fn scim_import(&self, enterprise: EnterpriseId) -> Result<Option<ScimImport>, StoreError> {
        self.first(
            |c| {
                scim_imports::table
                    .filter(scim_imports::enterprise_id.eq(enterprise.to_string()))
                    .select(ScimImportRow::as_select())
                    .first(c)
            },
            ScimImportRow::into_import,
        )
    }

    fn scim_import_by_token(&self, token: &TokenHash) -> Result<Option<ScimImport>, StoreError> {
        self.first(
            |c| {
                scim_imports::table
                    .filter(
                        scim_imports::token_hash
                            .eq(token.as_str())
                            .or(scim_imports::previous_token_hash.eq(token.as_str())),
                    )
                    .select(ScimImportRow::as_select())
                    .first(c)
            },
            ScimImportRow::into_import,
        )
    }

    fn count_refused_while_off(&self, enterprise: EnterpriseId, at: Timestamp) -> Result<(), StoreError> {
        use diesel::sql_types::{BigInt, Text};
        let (e, day) = (enterprise.to_string(), at.utc_day());
        self.write(|c| {
            macro_rules! run {
                ($conn:expr, $sql:literal) => {
                    diesel::sql_query($sql).bind::<Text, _>(&e).bind::<BigInt, _>(day).execute($conn)
                };
            }
            // ON CONFLICT is SQL both share, but not through MultiConnection; placeholders differ.
            match c {
                DbConnection::Sqlite(s) => run!(
                    s,
                    "INSERT INTO refused_while_off (enterprise_id, day, n) VALUES (?, ?, 1) \
                     ON CONFLICT (enterprise_id, day) DO UPDATE SET n = refused_while_off.n + 1"
                ),
                DbConnection::Pg(p) => run!(
                    p,
                    "INSERT INTO refused_while_off (enterprise_id, day, n) VALUES ($1, $2, 1) \
                     ON CONFLICT (enterprise_id, day) DO UPDATE SET n = refused_while_off.n + 1"
                ),
            }?;
            Ok(())
        })
    }

    fn refused_while_off(&self, enterprise: EnterpriseId, since: Timestamp) -> Result<u64, StoreError> {
        let days: Vec<i64> = self.read(|c| {
            refused_while_off::table
                .filter(refused_while_off::enterprise_id.eq(enterprise.to_string()))
                .filter(refused_while_off::day.ge(since.utc_day()))
                .select(refused_while_off::n)
                .load(c)
        })?;
        Ok(to_u64(days.into_iter().sum()))
    }

    fn clear_refused_while_off(&self, enterprise: EnterpriseId) -> Result<(), StoreError> {
        self.write(|c| {
            diesel::delete(
                refused_while_off::table.filter(refused_while_off::enterprise_id.eq(enterprise.to_string())),
            )
            .execute(c)?;
            Ok(())
        })
    }

    fn scim_imports_purging(&self) -> Result<Vec<ScimImport>, StoreError> {
        self.read(|c| {
            scim_imports::table
                .filter(scim_imports::purge_inactive_after_days.is_not_null())
                .select(ScimImportRow::as_select())
                .load(c)
        })?
        .into_iter()
        .map(ScimImportRow::into_import)
        .collect()
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
                // put back the time it read. The tokens' last use is written with them, since
                // a rotation moves it from the current token to the previous one (a change
                // racing a request may put back a time up to a minute old, for display only).
                scim_imports::version.eq(row.version),
                scim_imports::silence_notified_at.eq(row.silence_notified_at),
                scim_imports::token_last_used_at.eq(row.token_last_used_at),
                scim_imports::previous_token_hash.eq(&row.previous_token_hash),
                scim_imports::previous_token_created_at.eq(row.previous_token_created_at),
                scim_imports::previous_token_last4.eq(&row.previous_token_last4),
                scim_imports::previous_token_until.eq(row.previous_token_until),
                scim_imports::previous_token_last_used_at.eq(row.previous_token_last_used_at),
                &row.departures,
                scim_imports::mapping_since.eq(&row.mapping_since),
                scim_imports::purge_inactive_after_days.eq(row.purge_inactive_after_days),
                scim_imports::notice_language.eq(&row.notice_language),
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
