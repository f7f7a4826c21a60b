//! In-memory implementations of the outbound ports, for tests. They keep the same rules as
//! the real adapters (uniqueness, versions, query semantics), so use-case tests mean something.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use ens_domain::{
    Activity, ActivityFilter, Actor, Channels, Departure, DepartureAction, DepartureLimit, EmailAddress, Enterprise,
    EnterpriseId, EntraMark, Field, Outcome, Person, PersonCounts, PersonId, PersonQuery, PrincipalId, ScimImport,
    SecretToken, Source, Timestamp, TokenHash, TokenUse, UserName,
};
use uuid::Uuid;

use crate::outbound::{
    ActivityLog, Clock, Ids, PersonPage, PersonStore, PersonWrite, PrincipalRecord, SetupStore, StoreError, UniqueKey,
};

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self(AtomicI64::new(start.as_micros()))
    }

    pub fn advance(&self, by: Duration) {
        let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        self.0.fetch_add(micros, Ordering::SeqCst);
    }

    pub fn set(&self, to: Timestamp) {
        self.0.store(to.as_micros(), Ordering::SeqCst);
    }
}

impl Default for ManualClock {
    /// 2026-01-01T00:00:00Z.
    fn default() -> Self {
        Self::new(Timestamp::from_micros(1_767_225_600_000_000))
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_micros(self.0.load(Ordering::SeqCst))
    }
}

/// Predictable ids and secrets: 1, 2, 3, …
#[derive(Debug, Default)]
pub struct SeqIds(AtomicU64);

impl SeqIds {
    fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
}

impl Ids for SeqIds {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(u128::from(self.next()))
    }

    fn new_secret(&self) -> SecretToken {
        SecretToken::new(format!("secret-{:058}", self.next()))
    }

    fn new_password(&self) -> String {
        format!("password-{:011}", self.next())
    }
}

#[derive(Debug, Default)]
struct State {
    enterprises: BTreeMap<EnterpriseId, Enterprise>,
    imports: BTreeMap<EnterpriseId, ScimImport>,
    principals: BTreeMap<PrincipalId, PrincipalRecord>,
    persons: BTreeMap<PersonId, Person>,
    departures: Vec<(EnterpriseId, Departure)>,
    marks: BTreeMap<EnterpriseId, BTreeMap<EntraMark, Timestamp>>,
    refused: BTreeMap<(EnterpriseId, i64), u64>,
    activities: Vec<Activity>,
    sessions: BTreeMap<String, ens_domain::Session>,
    bootstrapped: bool,
    outbox: Vec<OutboxRow>,
}

#[derive(Debug, Clone)]
struct OutboxRow {
    notice: ens_domain::Notice,
    queued_at: Timestamp,
    attempts: u32,
    next_attempt_at: Timestamp,
    claimed_until: Option<Timestamp>,
    done: bool,
}

/// The whole database in a mutex.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut state = self.state.lock().map_err(|_| StoreError::Backend("memory store poisoned".into()))?;
        f(&mut state)
    }
}

impl State {
    fn add_principal(&mut self, principal: &crate::Principal, hash: &str, must_change: bool) -> Result<(), StoreError> {
        if !self.enterprises.contains_key(&principal.enterprise_id) {
            return Err(StoreError::NotFound);
        }
        let login = principal.login.as_str().to_lowercase();
        if self.principals.values().any(|r| r.principal.login.as_str().to_lowercase() == login) {
            return Err(StoreError::Duplicate(UniqueKey::Login));
        }
        let record = PrincipalRecord {
            principal: principal.clone(),
            password_hash: hash.to_owned(),
            must_change_password: must_change,
            failed_logins: 0,
            last_failed_login_at: None,
            last_login_at: None,
        };
        self.principals.insert(principal.id, record);
        Ok(())
    }

    /// Sets a principal's password, clears its failed logins and ends its sessions.
    fn replace_password(&mut self, id: PrincipalId, hash: &str, must_change: bool) -> Result<(), StoreError> {
        let r = self.principals.get_mut(&id).ok_or(StoreError::NotFound)?;
        r.password_hash = hash.to_owned();
        r.must_change_password = must_change;
        r.failed_logins = 0;
        r.last_failed_login_at = None;
        self.sessions.retain(|_, session| session.principal_id != id);
        Ok(())
    }

    /// The departure rule, as the real store applies it: `stored` becoming `after` (`None`:
    /// deleted) under `limit`; the departure to record with the write, if it is one.
    fn departure(
        &self,
        stored: &Person,
        after: Option<&Person>,
        limit: Option<&DepartureLimit>,
        at: Timestamp,
    ) -> Result<Option<(EnterpriseId, Departure)>, StoreError> {
        let (Some(limit), Some(action)) = (limit, DepartureAction::of(&stored.values, after.map(|p| &p.values))) else {
            return Ok(None);
        };
        let e = stored.enterprise_id;
        let departed = self.departures.iter().filter(|(d, x)| *d == e && x.at >= limit.since).count() as u64;
        let active = || {
            self.persons
                .values()
                .filter(|p| p.enterprise_id == e && p.source == Source::Scim && p.values.active())
                .count() as u64
        };
        limit.rule.allows(departed, active).map_err(StoreError::DeparturesHeld)?;
        Ok(Some((
            e,
            Departure {
                person_id: stored.id,
                user_name: stored.values.user_name().to_string(),
                display_name: stored.values.text(Field::DisplayName).map(str::to_owned),
                action,
                at,
            },
        )))
    }

    /// What a write carries besides the person: its activity entry and Entra's marks.
    fn written(&mut self, enterprise: EnterpriseId, w: &PersonWrite<'_>) {
        self.activities.push(w.activity.clone());
        let marks = self.marks.entry(enterprise).or_default();
        for mark in w.marks {
            let at = marks.entry(*mark).or_insert(w.activity.at);
            *at = (*at).max(w.activity.at);
        }
    }

    fn user_name_taken(&self, p: &Person) -> bool {
        self.persons.values().any(|o| {
            o.enterprise_id == p.enterprise_id
                && o.id != p.id
                && o.values.user_name().normalized() == p.values.user_name().normalized()
        })
    }
}

impl PersonStore for MemoryStore {
    fn insert_person(&self, person: &Person, w: &PersonWrite<'_>) -> Result<(), StoreError> {
        self.with(|s| {
            if s.persons.contains_key(&person.id) {
                return Err(StoreError::Duplicate(UniqueKey::Id));
            }
            if s.user_name_taken(person) {
                return Err(StoreError::Duplicate(UniqueKey::UserName));
            }
            w.deadline.claim_commit()?;
            s.persons.insert(person.id, person.clone());
            s.written(person.enterprise_id, w);
            Ok(())
        })
    }

    fn update_person(&self, person: &Person, w: &PersonWrite<'_>) -> Result<(), StoreError> {
        self.with(|s| {
            let stored = s
                .persons
                .get(&person.id)
                .filter(|p| p.enterprise_id == person.enterprise_id)
                .ok_or(StoreError::NotFound)?;
            if stored.version + 1 != person.version {
                return Err(StoreError::Conflict);
            }
            if s.user_name_taken(person) {
                return Err(StoreError::Duplicate(UniqueKey::UserName));
            }
            let departure = s.departure(stored, Some(person), w.departures, w.activity.at)?;
            w.deadline.claim_commit()?;
            s.persons.insert(person.id, person.clone());
            s.departures.extend(departure);
            s.written(person.enterprise_id, w);
            Ok(())
        })
    }

    fn delete_person(
        &self,
        enterprise: EnterpriseId,
        id: PersonId,
        version: u64,
        w: &PersonWrite<'_>,
    ) -> Result<bool, StoreError> {
        self.with(|s| {
            let Some(stored) = s.persons.get(&id).filter(|p| p.enterprise_id == enterprise) else {
                return Ok(false);
            };
            if stored.version != version {
                return Err(StoreError::Conflict);
            }
            let departure = s.departure(stored, None, w.departures, w.activity.at)?;
            w.deadline.claim_commit()?;
            s.persons.remove(&id);
            s.departures.extend(departure);
            s.written(enterprise, w);
            Ok(true)
        })
    }

    fn person_counts(&self, enterprise: EnterpriseId) -> Result<PersonCounts, StoreError> {
        self.with(|s| {
            let mut counts = PersonCounts::default();
            for p in s.persons.values().filter(|p| p.enterprise_id == enterprise) {
                counts.add(p.source, p.values.active(), Channels::of(&p.values), 1);
            }
            Ok(counts)
        })
    }

    fn mark_entra(&self, enterprise: EnterpriseId, marks: &[EntraMark], at: Timestamp) -> Result<(), StoreError> {
        self.with(|s| {
            let stored = s.marks.entry(enterprise).or_default();
            for mark in marks {
                let t = stored.entry(*mark).or_insert(at);
                *t = (*t).max(at);
            }
            Ok(())
        })
    }

    fn entra_marks(&self, enterprise: EnterpriseId) -> Result<BTreeMap<EntraMark, Timestamp>, StoreError> {
        self.with(|s| Ok(s.marks.get(&enterprise).cloned().unwrap_or_default()))
    }

    fn count_persons(
        &self,
        enterprise: EnterpriseId,
        filter: &ens_domain::Filter,
        cap: u64,
    ) -> Result<u64, StoreError> {
        self.with(|s| {
            let n = s.persons.values().filter(|p| p.enterprise_id == enterprise && filter.matches(p)).count();
            Ok((n as u64).min(cap))
        })
    }

    fn shared_identities(
        &self,
        enterprise: EnterpriseId,
        limit: u64,
    ) -> Result<(Vec<(Person, Person)>, u64), StoreError> {
        self.with(|s| {
            let mine = || s.persons.values().filter(|p| p.enterprise_id == enterprise);
            let mut pairs = Vec::new();
            for m in mine().filter(|p| p.source == Source::Manual) {
                let Some(email) = m.values.text(Field::EmailWork).map(str::to_ascii_lowercase) else { continue };
                for holder in mine().filter(|p| p.source == Source::Scim) {
                    let same_email =
                        holder.values.text(Field::EmailWork).is_some_and(|e| e.to_ascii_lowercase() == email);
                    if same_email || holder.values.user_name().normalized() == email {
                        pairs.push((m.clone(), holder.clone()));
                    }
                }
            }
            // Ordered as the real store orders them: by the manual person's id, then the holder's.
            pairs.sort_by_key(|(m, h)| (m.id, h.id));
            let total = pairs.len() as u64;
            pairs.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok((pairs, total))
        })
    }

    fn departures(&self, enterprise: EnterpriseId, since: Timestamp, limit: u64) -> Result<Vec<Departure>, StoreError> {
        self.with(|s| {
            // Newest first; of equal times, the one recorded last (the stores' `seq`).
            let mut found: Vec<Departure> = s
                .departures
                .iter()
                .rev()
                .filter(|(e, d)| *e == enterprise && d.at >= since)
                .map(|(_, d)| d.clone())
                .collect();
            found.sort_by_key(|d| std::cmp::Reverse(d.at));
            found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok(found)
        })
    }

    fn prune_departures(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.with(|s| {
            let n = s.departures.len();
            s.departures.retain(|(_, d)| d.at >= before);
            Ok((n - s.departures.len()) as u64)
        })
    }

    fn person(&self, enterprise: EnterpriseId, id: PersonId) -> Result<Option<Person>, StoreError> {
        self.with(|s| Ok(s.persons.get(&id).filter(|p| p.enterprise_id == enterprise).cloned()))
    }

    fn person_by_user_name(
        &self,
        enterprise: EnterpriseId,
        user_name: &UserName,
    ) -> Result<Option<Person>, StoreError> {
        self.with(|s| {
            Ok(s.persons
                .values()
                .find(|p| p.enterprise_id == enterprise && p.values.user_name().normalized() == user_name.normalized())
                .cloned())
        })
    }

    fn query_persons(&self, enterprise: EnterpriseId, query: &PersonQuery) -> Result<PersonPage, StoreError> {
        self.with(|s| {
            let (persons, total) = query.run_in_memory(s.persons.values().filter(|p| p.enterprise_id == enterprise));
            Ok(PersonPage { persons, total })
        })
    }
}

impl SetupStore for MemoryStore {
    fn create_enterprise(&self, enterprise: &Enterprise, import: &ScimImport) -> Result<(), StoreError> {
        self.with(|s| {
            if s.enterprises.contains_key(&enterprise.id) {
                return Err(StoreError::Duplicate(UniqueKey::Id));
            }
            s.enterprises.insert(enterprise.id, enterprise.clone());
            s.imports.insert(enterprise.id, import.clone());
            Ok(())
        })
    }

    fn enterprise(&self, id: EnterpriseId) -> Result<Option<Enterprise>, StoreError> {
        self.with(|s| Ok(s.enterprises.get(&id).cloned()))
    }

    fn enterprises(&self) -> Result<Vec<Enterprise>, StoreError> {
        self.with(|s| {
            let mut all: Vec<Enterprise> = s.enterprises.values().cloned().collect();
            all.sort_by_key(|e| (e.created_at, e.id));
            Ok(all)
        })
    }

    fn create_principal(
        &self,
        principal: &crate::Principal,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        self.with(|s| s.add_principal(principal, password_hash, must_change))
    }

    fn bootstrap(
        &self,
        enterprise: &Enterprise,
        import: &ScimImport,
        principal: &crate::Principal,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        self.with(|s| {
            if s.bootstrapped || !s.enterprises.is_empty() {
                return Ok(false);
            }
            s.bootstrapped = true;
            s.enterprises.insert(enterprise.id, enterprise.clone());
            s.imports.insert(enterprise.id, import.clone());
            s.add_principal(principal, password_hash, true)?;
            Ok(true)
        })
    }

    fn principal_by_login(&self, login: &EmailAddress) -> Result<Option<PrincipalRecord>, StoreError> {
        let login = login.as_str().to_lowercase();
        self.with(|s| Ok(s.principals.values().find(|r| r.principal.login.as_str().to_lowercase() == login).cloned()))
    }

    fn principal(&self, id: PrincipalId) -> Result<Option<PrincipalRecord>, StoreError> {
        self.with(|s| Ok(s.principals.get(&id).cloned()))
    }

    fn set_password(&self, id: PrincipalId, password_hash: &str, must_change: bool) -> Result<(), StoreError> {
        self.with(|s| s.replace_password(id, password_hash, must_change))
    }

    fn record_login_failure(&self, id: PrincipalId, seen: u32, at: Timestamp) -> Result<bool, StoreError> {
        self.with(|s| {
            let r = s.principals.get_mut(&id).ok_or(StoreError::NotFound)?;
            if r.failed_logins != seen {
                return Ok(false);
            }
            r.failed_logins += 1;
            r.last_failed_login_at = Some(at);
            Ok(true)
        })
    }

    fn reset_login_failures(&self, id: PrincipalId, at: Timestamp) -> Result<(), StoreError> {
        self.with(|s| {
            let r = s.principals.get_mut(&id).ok_or(StoreError::NotFound)?;
            r.failed_logins = 0;
            r.last_failed_login_at = None;
            r.last_login_at = Some(at);
            Ok(())
        })
    }

    fn principals(&self, enterprise: EnterpriseId) -> Result<Vec<PrincipalRecord>, StoreError> {
        self.with(|s| {
            let mut v: Vec<PrincipalRecord> =
                s.principals.values().filter(|r| r.principal.enterprise_id == enterprise).cloned().collect();
            v.sort_by_key(|r| r.principal.login.as_str().to_lowercase());
            Ok(v)
        })
    }

    fn invite_principal(
        &self,
        principal: &crate::Principal,
        password_hash: &str,
        activity: &Activity,
    ) -> Result<(), StoreError> {
        self.with(|s| {
            s.add_principal(principal, password_hash, true)?;
            s.activities.push(activity.clone());
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
        self.with(|s| {
            if s.principals.get(&id).is_none_or(|r| r.principal.enterprise_id != enterprise) {
                return Err(StoreError::NotFound);
            }
            s.replace_password(id, password_hash, true)?;
            s.activities.push(activity.clone());
            Ok(())
        })
    }

    fn remove_principal(
        &self,
        enterprise: EnterpriseId,
        id: PrincipalId,
        activity: &Activity,
    ) -> Result<crate::PrincipalRemoval, StoreError> {
        use crate::PrincipalRemoval;
        self.with(|s| {
            if s.principals.get(&id).is_none_or(|r| r.principal.enterprise_id != enterprise) {
                return Ok(PrincipalRemoval::NotFound);
            }
            if s.principals.values().filter(|r| r.principal.enterprise_id == enterprise).count() <= 1 {
                return Ok(PrincipalRemoval::Last);
            }
            s.principals.remove(&id);
            s.sessions.retain(|_, session| session.principal_id != id);
            s.activities.push(activity.clone());
            Ok(PrincipalRemoval::Removed)
        })
    }

    fn touch_scim_request(&self, enterprise: EnterpriseId, token: TokenUse, at: Timestamp) -> Result<(), StoreError> {
        let later = |t: &mut Option<Timestamp>| {
            if t.is_none_or(|t| t < at) {
                *t = Some(at);
            }
        };
        self.with(|s| {
            if let Some(i) = s.imports.get_mut(&enterprise) {
                later(&mut i.last_request_at);
                match token {
                    TokenUse::Current => later(&mut i.token_last_used_at),
                    TokenUse::Previous => {
                        if let Some(p) = i.previous_token.as_mut() {
                            later(&mut p.last_used_at);
                        }
                    }
                }
            }
            Ok(())
        })
    }

    fn scim_imports_with_expired_previous_token(&self, now: Timestamp) -> Result<Vec<ScimImport>, StoreError> {
        self.with(|s| {
            Ok(s.imports
                .values()
                .filter(|i| i.previous_token.as_ref().is_some_and(|p| p.until <= now))
                .cloned()
                .collect())
        })
    }

    fn scim_import(&self, enterprise: EnterpriseId) -> Result<Option<ScimImport>, StoreError> {
        self.with(|s| Ok(s.imports.get(&enterprise).cloned()))
    }

    fn scim_import_by_token(&self, token: &TokenHash) -> Result<Option<ScimImport>, StoreError> {
        self.with(|s| {
            Ok(s.imports
                .values()
                .find(|i| {
                    i.token.as_ref().is_some_and(|t| &t.hash == token)
                        || i.previous_token.as_ref().is_some_and(|p| &p.token.hash == token)
                })
                .cloned())
        })
    }

    fn count_refused_while_off(&self, enterprise: EnterpriseId, at: Timestamp) -> Result<(), StoreError> {
        self.with(|s| {
            *s.refused.entry((enterprise, at.utc_day())).or_default() += 1;
            Ok(())
        })
    }

    fn refused_while_off(&self, enterprise: EnterpriseId, since: Timestamp) -> Result<u64, StoreError> {
        self.with(|s| Ok(s.refused.range((enterprise, since.utc_day())..=(enterprise, i64::MAX)).map(|(_, n)| n).sum()))
    }

    fn clear_refused_while_off(&self, enterprise: EnterpriseId) -> Result<(), StoreError> {
        self.with(|s| {
            s.refused.retain(|(e, _), _| *e != enterprise);
            Ok(())
        })
    }

    fn scim_imports_purging(&self) -> Result<Vec<ScimImport>, StoreError> {
        self.with(|s| Ok(s.imports.values().filter(|i| i.purge_inactive_after_days.is_some()).cloned().collect()))
    }

    fn enabled_scim_imports(&self) -> Result<Vec<ScimImport>, StoreError> {
        self.with(|s| Ok(s.imports.values().filter(|i| i.state.accepts_scim()).cloned().collect()))
    }

    fn update_scim_import(
        &self,
        import: &ScimImport,
        activity: Option<&Activity>,
        notices: &[ens_domain::Notice],
    ) -> Result<(), StoreError> {
        self.with(|s| {
            let stored = s.imports.get(&import.enterprise_id).ok_or(StoreError::NotFound)?;
            if stored.version + 1 != import.version {
                return Err(StoreError::Conflict);
            }
            if let Some(t) = &import.token
                && s.imports.values().any(|o| {
                    o.enterprise_id != import.enterprise_id && o.token.as_ref().is_some_and(|x| x.hash == t.hash)
                })
            {
                return Err(StoreError::Duplicate(UniqueKey::Token));
            }
            for n in notices {
                let twin = s.outbox.iter().any(|r| {
                    r.notice.incident.is_some() && r.notice.incident == n.incident && r.notice.recipient == n.recipient
                });
                if twin {
                    return Err(StoreError::Duplicate(UniqueKey::Notice));
                }
            }
            let mut next = import.clone();
            next.last_request_at = stored.last_request_at;
            s.imports.insert(import.enterprise_id, next);
            s.activities.extend(activity.cloned());
            let now = activity.map_or(import.state.since(), |a| a.at);
            s.outbox.extend(notices.iter().map(|n| OutboxRow {
                notice: n.clone(),
                queued_at: now,
                attempts: 0,
                next_attempt_at: now,
                claimed_until: None,
                done: false,
            }));
            Ok(())
        })
    }

    fn ping(&self) -> Result<(), StoreError> {
        self.with(|_| Ok(()))
    }
}

impl crate::outbound::SessionStore for MemoryStore {
    fn create_session(&self, session: &ens_domain::Session) -> Result<(), StoreError> {
        self.with(|s| {
            s.sessions.insert(session.token_hash.as_str().to_owned(), session.clone());
            Ok(())
        })
    }

    fn session(&self, token_hash: &TokenHash) -> Result<Option<ens_domain::Session>, StoreError> {
        self.with(|s| Ok(s.sessions.get(token_hash.as_str()).cloned()))
    }

    fn touch_session(&self, token_hash: &TokenHash, at: Timestamp) -> Result<(), StoreError> {
        self.with(|s| {
            if let Some(session) = s.sessions.get_mut(token_hash.as_str()) {
                session.last_seen_at = session.last_seen_at.max(at);
            }
            Ok(())
        })
    }

    fn delete_session(&self, token_hash: &TokenHash) -> Result<(), StoreError> {
        self.with(|s| {
            s.sessions.remove(token_hash.as_str());
            Ok(())
        })
    }

    fn prune_sessions(&self, idle_before: Timestamp, created_before: Timestamp) -> Result<u64, StoreError> {
        self.with(|s| {
            let n = s.sessions.len();
            s.sessions.retain(|_, x| x.last_seen_at >= idle_before && x.created_at >= created_before);
            Ok((n - s.sessions.len()) as u64)
        })
    }
}

impl crate::outbound::Outbox for MemoryStore {
    fn claim_due_notices(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<crate::outbound::OutboxEntry>, StoreError> {
        self.with(|s| {
            let mut out = Vec::new();
            for r in s.outbox.iter_mut() {
                if out.len() as u64 >= limit {
                    break;
                }
                if !r.done && r.next_attempt_at <= now && r.claimed_until.is_none_or(|c| c < now) {
                    r.claimed_until = Some(now.saturating_add(lease));
                    out.push(crate::outbound::OutboxEntry { notice: r.notice.clone(), attempts: r.attempts });
                }
            }
            Ok(out)
        })
    }

    fn notice_delivered(&self, id: ens_domain::NoticeId, _at: Timestamp) -> Result<(), StoreError> {
        self.with(|s| {
            let r = s.outbox.iter_mut().find(|r| r.notice.id == id).ok_or(StoreError::NotFound)?;
            r.done = true;
            r.claimed_until = None;
            Ok(())
        })
    }

    fn notice_failed(
        &self,
        id: ens_domain::NoticeId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        _error: &str,
        _now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with(|s| {
            let r = s.outbox.iter_mut().find(|r| r.notice.id == id).ok_or(StoreError::NotFound)?;
            r.attempts = attempts;
            r.claimed_until = None;
            match retry_at {
                Some(t) => r.next_attempt_at = t,
                None => r.done = true,
            }
            Ok(())
        })
    }

    fn undelivered_notices(&self, enterprise: EnterpriseId) -> Result<u64, StoreError> {
        self.with(|s| Ok(s.outbox.iter().filter(|r| !r.done && r.notice.enterprise_id == enterprise).count() as u64))
    }
}

impl crate::outbound::Census for MemoryStore {
    fn import_census(&self) -> Result<crate::outbound::ImportCensus, StoreError> {
        self.with(|s| {
            let mut c = crate::outbound::ImportCensus::default();
            for import in s.imports.values() {
                match &import.state {
                    ens_domain::SyncState::Enabled { since, .. } => {
                        c.on += 1;
                        let heard = import.last_request_at.map_or(*since, |t| t.max(*since));
                        c.quietest_since = Some(c.quietest_since.map_or(heard, |q| q.min(heard)));
                    }
                    ens_domain::SyncState::DisabledByPrincipal { .. } => c.off += 1,
                    ens_domain::SyncState::DisabledByFailure { .. } => c.failed += 1,
                }
            }
            Ok(c)
        })
    }

    fn outbox_census(&self) -> Result<crate::outbound::OutboxCensus, StoreError> {
        self.with(|s| {
            let waiting = s.outbox.iter().filter(|r| !r.done);
            Ok(crate::outbound::OutboxCensus {
                undelivered: waiting.clone().count() as u64,
                oldest_queued_at: waiting.map(|r| r.queued_at).min(),
            })
        })
    }
}

impl ActivityLog for MemoryStore {
    fn record(&self, activity: &Activity) -> Result<(), StoreError> {
        self.with(|s| {
            s.activities.push(activity.clone());
            Ok(())
        })
    }

    fn activities(
        &self,
        enterprise: EnterpriseId,
        filter: &ActivityFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Activity>, u64), StoreError> {
        self.with(|s| {
            let mine: Vec<&Activity> =
                s.activities.iter().rev().filter(|a| a.enterprise_id == enterprise && filter.matches(a)).collect();
            let total = mine.len() as u64;
            let page = mine
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .cloned()
                .collect();
            Ok((page, total))
        })
    }

    fn last_scim_change(&self, enterprise: EnterpriseId) -> Result<Option<Timestamp>, StoreError> {
        self.with(|s| {
            Ok(s.activities
                .iter()
                .rev()
                .find(|a| a.enterprise_id == enterprise && a.outcome == Outcome::Applied && a.actor == Actor::Scim)
                .map(|a| a.at))
        })
    }

    fn prune_activities(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.with(|s| {
            let n = s.activities.len();
            s.activities.retain(|a| a.at >= before);
            Ok((n - s.activities.len()) as u64)
        })
    }
}

/// A mailer that keeps what it was asked to send; it can be told to fail.
#[derive(Debug, Default)]
pub struct RecordingMailer {
    sent: Mutex<Vec<ens_domain::Notice>>,
    failing: std::sync::atomic::AtomicBool,
}

impl RecordingMailer {
    pub fn sent(&self) -> Vec<ens_domain::Notice> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// While true, every send fails with a transient error.
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

impl crate::outbound::Mailer for RecordingMailer {
    fn send(&self, notice: &ens_domain::Notice) -> Result<(), crate::outbound::MailError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(crate::outbound::MailError::Transient("connection refused (test)".into()));
        }
        self.sent.lock().map_err(|_| crate::outbound::MailError::Transient("poisoned".into()))?.push(notice.clone());
        Ok(())
    }
}
