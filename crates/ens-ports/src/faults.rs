//! A store that fails on demand: a decorator over any store (the in-memory one or the real
//! diesel adapter), for fault tests of the sync guard.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use std::collections::BTreeMap;

use ens_domain::{
    Activity, ActivityFilter, Departure, EmailAddress, Enterprise, EnterpriseId, EntraMark, Notice, NoticeId, Person,
    PersonCounts, PersonId, PersonQuery, Principal, PrincipalId, ScimImport, Session, Timestamp, TokenHash, TokenUse,
    UserName,
};

use crate::outbound::{
    ActivityLog, Census, ImportCensus, Outbox, OutboxCensus, OutboxEntry, PersonPage, PersonStore, PersonWrite,
    PrincipalRecord, SessionStore, SetupStore, StoreError,
};

/// What to fail, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Writes to the Person list fail with a database error (the database refuses them).
    PersonWrites,
    /// Every operation fails as if the database could not be reached.
    Everything,
}

/// Wraps `S`; healthy until told otherwise.
#[derive(Debug)]
pub struct FaultyStore<S> {
    inner: Arc<S>,
    fault: AtomicU8,
}

const HEALTHY: u8 = 0;
const PERSON_WRITES: u8 = 1;
const EVERYTHING: u8 = 2;

impl<S> FaultyStore<S> {
    pub fn new(inner: Arc<S>) -> Self {
        Self { inner, fault: AtomicU8::new(HEALTHY) }
    }

    /// Starts failing (`Some`) or heals (`None`).
    pub fn set_fault(&self, fault: Option<Fault>) {
        let v = match fault {
            None => HEALTHY,
            Some(Fault::PersonWrites) => PERSON_WRITES,
            Some(Fault::Everything) => EVERYTHING,
        };
        self.fault.store(v, Ordering::SeqCst);
    }

    pub fn inner(&self) -> &Arc<S> {
        &self.inner
    }

    fn any(&self) -> Result<(), StoreError> {
        match self.fault.load(Ordering::SeqCst) {
            EVERYTHING => Err(StoreError::Unavailable("connection refused (injected fault)".into())),
            _ => Ok(()),
        }
    }

    fn person_write(&self) -> Result<(), StoreError> {
        self.any()?;
        match self.fault.load(Ordering::SeqCst) {
            PERSON_WRITES => Err(StoreError::Backend("could not write to persons (injected fault)".into())),
            _ => Ok(()),
        }
    }
}

impl<S: PersonStore> PersonStore for FaultyStore<S> {
    fn insert_person(&self, person: &Person, write: &PersonWrite<'_>) -> Result<(), StoreError> {
        self.person_write()?;
        self.inner.insert_person(person, write)
    }

    fn update_person(&self, person: &Person, write: &PersonWrite<'_>) -> Result<(), StoreError> {
        self.person_write()?;
        self.inner.update_person(person, write)
    }

    fn delete_person(
        &self,
        enterprise: EnterpriseId,
        id: PersonId,
        version: u64,
        write: &PersonWrite<'_>,
    ) -> Result<bool, StoreError> {
        self.person_write()?;
        self.inner.delete_person(enterprise, id, version, write)
    }

    fn person_counts(&self, enterprise: EnterpriseId) -> Result<PersonCounts, StoreError> {
        self.any()?;
        self.inner.person_counts(enterprise)
    }

    fn mark_entra(&self, enterprise: EnterpriseId, marks: &[EntraMark], at: Timestamp) -> Result<(), StoreError> {
        self.person_write()?;
        self.inner.mark_entra(enterprise, marks, at)
    }

    fn entra_marks(&self, enterprise: EnterpriseId) -> Result<BTreeMap<EntraMark, Timestamp>, StoreError> {
        self.any()?;
        self.inner.entra_marks(enterprise)
    }

    fn count_persons(
        &self,
        enterprise: EnterpriseId,
        filter: &ens_domain::Filter,
        cap: u64,
    ) -> Result<u64, StoreError> {
        self.any()?;
        self.inner.count_persons(enterprise, filter, cap)
    }

    fn shared_identities(
        &self,
        enterprise: EnterpriseId,
        limit: u64,
    ) -> Result<(Vec<(Person, Person)>, u64), StoreError> {
        self.any()?;
        self.inner.shared_identities(enterprise, limit)
    }

    fn departures(&self, enterprise: EnterpriseId, since: Timestamp, limit: u64) -> Result<Vec<Departure>, StoreError> {
        self.any()?;
        self.inner.departures(enterprise, since, limit)
    }

    fn prune_departures(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.any()?;
        self.inner.prune_departures(before)
    }

    fn person(&self, enterprise: EnterpriseId, id: PersonId) -> Result<Option<Person>, StoreError> {
        self.any()?;
        self.inner.person(enterprise, id)
    }

    fn person_by_user_name(
        &self,
        enterprise: EnterpriseId,
        user_name: &UserName,
    ) -> Result<Option<Person>, StoreError> {
        self.any()?;
        self.inner.person_by_user_name(enterprise, user_name)
    }

    fn query_persons(&self, enterprise: EnterpriseId, query: &PersonQuery) -> Result<PersonPage, StoreError> {
        self.any()?;
        self.inner.query_persons(enterprise, query)
    }
}

impl<S: SetupStore> SetupStore for FaultyStore<S> {
    fn create_enterprise(&self, enterprise: &Enterprise, import: &ScimImport) -> Result<(), StoreError> {
        self.any()?;
        self.inner.create_enterprise(enterprise, import)
    }

    fn enterprise(&self, id: EnterpriseId) -> Result<Option<Enterprise>, StoreError> {
        self.any()?;
        self.inner.enterprise(id)
    }

    fn enterprises(&self) -> Result<Vec<Enterprise>, StoreError> {
        self.any()?;
        self.inner.enterprises()
    }

    fn create_principal(
        &self,
        principal: &Principal,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        self.any()?;
        self.inner.create_principal(principal, password_hash, must_change)
    }

    fn bootstrap(
        &self,
        enterprise: &Enterprise,
        import: &ScimImport,
        principal: &Principal,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        self.any()?;
        self.inner.bootstrap(enterprise, import, principal, password_hash)
    }

    fn principal_by_login(&self, login: &EmailAddress) -> Result<Option<PrincipalRecord>, StoreError> {
        self.any()?;
        self.inner.principal_by_login(login)
    }

    fn principal(&self, id: PrincipalId) -> Result<Option<PrincipalRecord>, StoreError> {
        self.any()?;
        self.inner.principal(id)
    }

    fn set_password(&self, id: PrincipalId, password_hash: &str, must_change: bool) -> Result<(), StoreError> {
        self.any()?;
        self.inner.set_password(id, password_hash, must_change)
    }

    fn record_login_failure(&self, id: PrincipalId, seen: u32, at: Timestamp) -> Result<bool, StoreError> {
        self.any()?;
        self.inner.record_login_failure(id, seen, at)
    }

    fn reset_login_failures(&self, id: PrincipalId, at: Timestamp) -> Result<(), StoreError> {
        self.any()?;
        self.inner.reset_login_failures(id, at)
    }

    fn principals(&self, enterprise: EnterpriseId) -> Result<Vec<PrincipalRecord>, StoreError> {
        self.any()?;
        self.inner.principals(enterprise)
    }

    fn invite_principal(
        &self,
        principal: &Principal,
        password_hash: &str,
        activity: &Activity,
    ) -> Result<(), StoreError> {
        self.any()?;
        self.inner.invite_principal(principal, password_hash, activity)
    }

    fn reset_principal_password(
        &self,
        enterprise: EnterpriseId,
        id: PrincipalId,
        password_hash: &str,
        activity: &Activity,
    ) -> Result<(), StoreError> {
        self.any()?;
        self.inner.reset_principal_password(enterprise, id, password_hash, activity)
    }

    fn remove_principal(
        &self,
        enterprise: EnterpriseId,
        id: PrincipalId,
        activity: &Activity,
    ) -> Result<crate::PrincipalRemoval, StoreError> {
        self.any()?;
        self.inner.remove_principal(enterprise, id, activity)
    }

    fn touch_scim_request(&self, enterprise: EnterpriseId, token: TokenUse, at: Timestamp) -> Result<(), StoreError> {
        self.any()?;
        self.inner.touch_scim_request(enterprise, token, at)
    }

    fn scim_imports_with_expired_previous_token(&self, now: Timestamp) -> Result<Vec<ScimImport>, StoreError> {
        self.any()?;
        self.inner.scim_imports_with_expired_previous_token(now)
    }

    fn scim_import(&self, enterprise: EnterpriseId) -> Result<Option<ScimImport>, StoreError> {
        self.any()?;
        self.inner.scim_import(enterprise)
    }

    fn scim_import_by_token(&self, token: &TokenHash) -> Result<Option<ScimImport>, StoreError> {
        self.any()?;
        self.inner.scim_import_by_token(token)
    }

    fn update_scim_import(
        &self,
        import: &ScimImport,
        activity: Option<&Activity>,
        notices: &[Notice],
    ) -> Result<(), StoreError> {
        self.any()?;
        self.inner.update_scim_import(import, activity, notices)
    }

    fn count_refused_while_off(&self, enterprise: EnterpriseId, at: Timestamp) -> Result<(), StoreError> {
        self.any()?;
        self.inner.count_refused_while_off(enterprise, at)
    }

    fn refused_while_off(&self, enterprise: EnterpriseId, since: Timestamp) -> Result<u64, StoreError> {
        self.any()?;
        self.inner.refused_while_off(enterprise, since)
    }

    fn clear_refused_while_off(&self, enterprise: EnterpriseId) -> Result<(), StoreError> {
        self.any()?;
        self.inner.clear_refused_while_off(enterprise)
    }

    fn scim_imports_purging(&self) -> Result<Vec<ScimImport>, StoreError> {
        self.any()?;
        self.inner.scim_imports_purging()
    }

    fn enabled_scim_imports(&self) -> Result<Vec<ScimImport>, StoreError> {
        self.any()?;
        self.inner.enabled_scim_imports()
    }

    fn ping(&self) -> Result<(), StoreError> {
        self.any()?;
        self.inner.ping()
    }
}

impl<S: SessionStore> SessionStore for FaultyStore<S> {
    fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        self.any()?;
        self.inner.create_session(session)
    }

    fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        self.any()?;
        self.inner.session(token_hash)
    }

    fn touch_session(&self, token_hash: &TokenHash, at: Timestamp) -> Result<(), StoreError> {
        self.any()?;
        self.inner.touch_session(token_hash, at)
    }

    fn delete_session(&self, token_hash: &TokenHash) -> Result<(), StoreError> {
        self.any()?;
        self.inner.delete_session(token_hash)
    }

    fn prune_sessions(&self, idle_before: Timestamp, created_before: Timestamp) -> Result<u64, StoreError> {
        self.any()?;
        self.inner.prune_sessions(idle_before, created_before)
    }
}

impl<S: ActivityLog> ActivityLog for FaultyStore<S> {
    fn record(&self, activity: &Activity) -> Result<(), StoreError> {
        self.any()?;
        self.inner.record(activity)
    }

    fn activities(
        &self,
        enterprise: EnterpriseId,
        filter: &ActivityFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Activity>, u64), StoreError> {
        self.any()?;
        self.inner.activities(enterprise, filter, offset, limit)
    }

    fn last_scim_change(&self, enterprise: EnterpriseId) -> Result<Option<Timestamp>, StoreError> {
        self.any()?;
        self.inner.last_scim_change(enterprise)
    }

    fn prune_activities(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.any()?;
        self.inner.prune_activities(before)
    }
}

impl<S: Outbox> Outbox for FaultyStore<S> {
    fn claim_due_notices(&self, now: Timestamp, lease: Duration, limit: u64) -> Result<Vec<OutboxEntry>, StoreError> {
        self.any()?;
        self.inner.claim_due_notices(now, lease, limit)
    }

    fn notice_delivered(&self, id: NoticeId, at: Timestamp) -> Result<(), StoreError> {
        self.any()?;
        self.inner.notice_delivered(id, at)
    }

    fn notice_failed(
        &self,
        id: NoticeId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.any()?;
        self.inner.notice_failed(id, attempts, retry_at, error, now)
    }

    fn undelivered_notices(&self, enterprise: EnterpriseId) -> Result<u64, StoreError> {
        self.any()?;
        self.inner.undelivered_notices(enterprise)
    }
}

impl<S: Census> Census for FaultyStore<S> {
    fn import_census(&self) -> Result<ImportCensus, StoreError> {
        self.any()?;
        self.inner.import_census()
    }

    fn outbox_census(&self) -> Result<OutboxCensus, StoreError> {
        self.any()?;
        self.inner.outbox_census()
    }
}
