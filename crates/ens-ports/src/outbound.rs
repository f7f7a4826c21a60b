//! The outbound ports: what the use cases need from the world. Adapters implement them
//! (`ens-store-diesel`, `ens-notify-smtp`, [`crate::system`]); [`crate::memory`] has fakes.
//!
//! The traits are blocking: the store is a blocking database client, and the HTTP adapter
//! runs use cases on its blocking thread pool, never on the async executor.

use ens_domain::{
    Activity, ActivityFilter, Crossing, Departure, DepartureLimit, EmailAddress, Enterprise, EnterpriseId, EntraMark,
    Notice, NoticeId, Person, PersonCounts, PersonId, PersonQuery, Principal, PrincipalId, ScimImport, SecretToken,
    Session, Timestamp, TokenHash, TokenUse, UserName,
};
use std::collections::BTreeMap;

use uuid::Uuid;

pub use crate::deadline::Deadline;

/// Why a store operation failed. Adapters translate their driver's errors into these.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached (refused, timed out, pool exhausted).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A uniqueness rule refused the write; names what must be unique.
    #[error("another record already has this {0}")]
    Duplicate(UniqueKey),
    /// The record to change does not exist (any more).
    #[error("not found")]
    NotFound,
    /// The record changed since it was read (optimistic concurrency).
    #[error("the record was changed concurrently")]
    Conflict,
    /// Anything else the database reported.
    #[error("database error: {0}")]
    Backend(String),
    /// The caller's deadline passed before the write committed: nothing was written.
    #[error("the request's deadline passed; nothing was written")]
    DeadlinePassed,
    /// The write would have taken one person more off the alert list than its
    /// [`DepartureLimit`] allows: nothing was written.
    #[error("{} persons left the alert list within the window already (the limit): nothing was written", .0.departed)]
    DeparturesHeld(Crossing),
}

/// What must be unique, as a store reports a write that would break it. Typed, so that a use
/// case cannot mistake a taken userName (409 for Entra) for a failure of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueKey {
    /// A person's userName within its enterprise (in its normalized form).
    UserName,
    /// A principal's login, across enterprises.
    Login,
    /// A SCIM token's hash.
    Token,
    /// One notice per incident and recipient.
    Notice,
    /// A record's id.
    Id,
}

impl std::fmt::Display for UniqueKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UniqueKey::UserName => "userName",
            UniqueKey::Login => "login",
            UniqueKey::Token => "token",
            UniqueKey::Notice => "notice",
            UniqueKey::Id => "id",
        })
    }
}

/// The time, for every timestamp the use cases write.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// Fresh identifiers and secrets.
pub trait Ids: Send + Sync + 'static {
    /// A new unique id (time-ordered, so that inserts stay local in indexes).
    fn new_id(&self) -> Uuid;
    /// A new secret with at least 256 bits of entropy.
    fn new_secret(&self) -> SecretToken;
    /// A new password for a person to type: 20 characters, no look-alikes.
    fn new_password(&self) -> String;
}

/// What a person write carries besides the person: all of it is written in the write's
/// transaction, or none.
#[derive(Debug, Clone, Copy)]
pub struct PersonWrite<'a> {
    pub activity: &'a Activity,
    /// SCIM writes: the departure limit (see [`PersonStore`]).
    pub departures: Option<&'a DepartureLimit>,
    /// SCIM writes: what of Entra's request to remember as seen at `activity.at` (when Entra
    /// last created a person, and carried each field). Only what is due: the caller keeps
    /// this to once a minute per mark.
    pub marks: &'a [EntraMark],
    pub deadline: &'a Deadline,
}

impl<'a> PersonWrite<'a> {
    /// A write with its activity entry and nothing else (a principal's).
    pub fn new(activity: &'a Activity, deadline: &'a Deadline) -> Self {
        Self { activity, departures: None, marks: &[], deadline }
    }
}

/// A page of persons and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonPage {
    pub persons: Vec<Person>,
    pub total: u64,
}

/// The Person list. Every method is scoped to one enterprise. Every write commits durably
/// before it returns, together with its activity entry.
///
/// Writes take the caller's [`Deadline`]: a write claims it as the last step inside its
/// transaction ([`Deadline::claim_commit`]) and rolls back with `DeadlinePassed` when the
/// caller has given up, so that a request answered "not applied" never lands later.
///
/// Updates and deletes take an optional [`DepartureLimit`] (SCIM writes do): when the write
/// takes an active person off the alert list ([`ens_domain::DepartureAction::of`] on the
/// stored person), the store counts the enterprise's departures at or after `limit.since`
/// inside the write's transaction — from an index, one such write per enterprise at a time,
/// across instances — and either refuses with `DeparturesHeld` (nothing written) or records
/// the departure together with the write.
pub trait PersonStore: Send + Sync + 'static {
    /// `Duplicate(UniqueKey::UserName)` if the enterprise has the userName already (any case).
    fn insert_person(&self, person: &Person, write: &PersonWrite<'_>) -> Result<(), StoreError>;

    /// Writes `person`, whose `version` must be one more than the stored one; otherwise
    /// `Conflict`. `NotFound` if it is gone; `Duplicate(UniqueKey::UserName)` on a taken userName.
    fn update_person(&self, person: &Person, write: &PersonWrite<'_>) -> Result<(), StoreError>;

    /// Deletes the person as it is stored at `version`; false if there was no such person,
    /// `Conflict` if it changed since.
    fn delete_person(
        &self,
        enterprise: EnterpriseId,
        id: PersonId,
        version: u64,
        write: &PersonWrite<'_>,
    ) -> Result<bool, StoreError>;

    /// How many persons the enterprise has, by source, activity and channels: kept with every
    /// write (never counted per call).
    fn person_counts(&self, enterprise: EnterpriseId) -> Result<PersonCounts, StoreError>;

    /// Records Entra's marks at `at` on their own: for a request that changed nothing (it
    /// carried only what is stored, or fields not imported), so there is no write to carry them.
    fn mark_entra(&self, enterprise: EnterpriseId, marks: &[EntraMark], at: Timestamp) -> Result<(), StoreError>;

    /// When Entra last created a person, and last carried each field (what writes recorded).
    fn entra_marks(&self, enterprise: EnterpriseId) -> Result<BTreeMap<EntraMark, Timestamp>, StoreError>;

    /// How many of the enterprise's persons match `filter`, counting no further than `cap`:
    /// a figure that stays cheap however many match (the Health section says "more than 1000").
    fn count_persons(&self, enterprise: EnterpriseId, filter: &ens_domain::Filter, cap: u64)
    -> Result<u64, StoreError>;

    /// Manual persons whose work e-mail is also the work e-mail or the userName of a SCIM
    /// person, with that person: (manual, SCIM), at most `limit` pairs, and how many in all.
    fn shared_identities(
        &self,
        enterprise: EnterpriseId,
        limit: u64,
    ) -> Result<(Vec<(Person, Person)>, u64), StoreError>;

    /// The enterprise's departures at or after `since`, newest first, at most `limit`.
    fn departures(&self, enterprise: EnterpriseId, since: Timestamp, limit: u64) -> Result<Vec<Departure>, StoreError>;

    /// Forgets departures before `before` (every enterprise); returns how many.
    fn prune_departures(&self, before: Timestamp) -> Result<u64, StoreError>;

    fn person(&self, enterprise: EnterpriseId, id: PersonId) -> Result<Option<Person>, StoreError>;

    fn person_by_user_name(&self, enterprise: EnterpriseId, user_name: &UserName)
    -> Result<Option<Person>, StoreError>;

    /// Runs a query with the semantics of [`PersonQuery::run_in_memory`], without loading more
    /// persons than the page holds.
    fn query_persons(&self, enterprise: EnterpriseId, query: &PersonQuery) -> Result<PersonPage, StoreError>;
}

/// A principal as stored, with the hash of their password and their login record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalRecord {
    pub principal: Principal,
    pub password_hash: String,
    /// The password was generated and shown on a console: it must be changed at first login.
    pub must_change_password: bool,
    /// Failed logins since the last successful one.
    pub failed_logins: u32,
    pub last_failed_login_at: Option<Timestamp>,
    pub last_login_at: Option<Timestamp>,
}

/// What removing a principal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalRemoval {
    Removed,
    /// No such principal in that enterprise.
    NotFound,
    /// It is the enterprise's last principal: nobody could configure SCIM import any more.
    Last,
}

/// Enterprises, principals and their SCIM import setup.
pub trait SetupStore: Send + Sync + 'static {
    /// Creates an enterprise with its initial SCIM import setup.
    fn create_enterprise(&self, enterprise: &Enterprise, import: &ScimImport) -> Result<(), StoreError>;

    fn enterprise(&self, id: EnterpriseId) -> Result<Option<Enterprise>, StoreError>;

    fn enterprises(&self) -> Result<Vec<Enterprise>, StoreError>;

    /// `Duplicate(UniqueKey::Login)` if the login (any case) is taken, in any enterprise.
    fn create_principal(&self, principal: &Principal, password_hash: &str, must_change: bool)
    -> Result<(), StoreError>;

    /// Creates the first enterprise with its principal, once: false (and nothing written) if
    /// any enterprise exists or another instance did it first.
    fn bootstrap(
        &self,
        enterprise: &Enterprise,
        import: &ScimImport,
        principal: &Principal,
        password_hash: &str,
    ) -> Result<bool, StoreError>;

    fn principal_by_login(&self, login: &EmailAddress) -> Result<Option<PrincipalRecord>, StoreError>;

    fn principal(&self, id: PrincipalId) -> Result<Option<PrincipalRecord>, StoreError>;

    /// Sets the password, clears failed logins, and ends the principal's sessions.
    fn set_password(&self, id: PrincipalId, password_hash: &str, must_change: bool) -> Result<(), StoreError>;

    /// Counts a login attempt as failed (until it succeeds: then `reset_login_failures`), if
    /// the principal still has `seen` failures; false if another attempt was counted since.
    /// One atomic step, so that parallel attempts — on any instance — each take their own
    /// turn: "may this attempt be checked" and "count it" cannot be split.
    fn record_login_failure(&self, id: PrincipalId, seen: u32, at: Timestamp) -> Result<bool, StoreError>;

    /// A login succeeded at `at`: clears failed logins and records when.
    fn reset_login_failures(&self, id: PrincipalId, at: Timestamp) -> Result<(), StoreError>;

    /// The enterprise's principals, by login.
    fn principals(&self, enterprise: EnterpriseId) -> Result<Vec<PrincipalRecord>, StoreError>;

    /// A principal invites another: created as [`SetupStore::create_principal`] (must change
    /// the password), with `activity` in the same transaction.
    fn invite_principal(
        &self,
        principal: &Principal,
        password_hash: &str,
        activity: &Activity,
    ) -> Result<(), StoreError>;

    /// A principal resets another's password (of `enterprise` only; `NotFound` otherwise):
    /// as [`SetupStore::set_password`] with a password to change, and `activity`, in one
    /// transaction.
    fn reset_principal_password(
        &self,
        enterprise: EnterpriseId,
        id: PrincipalId,
        password_hash: &str,
        activity: &Activity,
    ) -> Result<(), StoreError>;

    /// Removes a principal of `enterprise` and its sessions, with `activity`, unless it is the
    /// enterprise's last (checked in the same transaction, so that two removals at once on
    /// any instances cannot remove both of the last two).
    fn remove_principal(
        &self,
        enterprise: EnterpriseId,
        id: PrincipalId,
        activity: &Activity,
    ) -> Result<PrincipalRemoval, StoreError>;

    /// Records that Entra called, with `token`, unless a later call was recorded already.
    fn touch_scim_request(&self, enterprise: EnterpriseId, token: TokenUse, at: Timestamp) -> Result<(), StoreError>;

    /// Setups whose previous token's overlap ended by `now` (from an index).
    fn scim_imports_with_expired_previous_token(&self, now: Timestamp) -> Result<Vec<ScimImport>, StoreError>;

    fn scim_import(&self, enterprise: EnterpriseId) -> Result<Option<ScimImport>, StoreError>;

    /// The setup whose current or previous token has this hash (whether the previous one
    /// still works is the caller's question: [`ScimImport::token_use`]).
    fn scim_import_by_token(&self, token: &TokenHash) -> Result<Option<ScimImport>, StoreError>;

    /// Writes `import`, whose `version` must be one more than the stored one (else
    /// `Conflict`), with an optional activity entry and notices for the outbox, all in one
    /// transaction.
    fn update_scim_import(
        &self,
        import: &ScimImport,
        activity: Option<&Activity>,
        notices: &[Notice],
    ) -> Result<(), StoreError>;

    /// Counts one change Entra sent while import was off, on the (UTC) day of `at`.
    fn count_refused_while_off(&self, enterprise: EnterpriseId, at: Timestamp) -> Result<(), StoreError>;

    /// Changes counted by [`SetupStore::count_refused_while_off`] on the day of `since` and
    /// after.
    fn refused_while_off(&self, enterprise: EnterpriseId, since: Timestamp) -> Result<u64, StoreError>;

    /// Forgets those counts: import is on again, and Entra retries what was refused.
    fn clear_refused_while_off(&self, enterprise: EnterpriseId) -> Result<(), StoreError>;

    /// Every setup whose principals switched the purge of long-inactive persons on.
    fn scim_imports_purging(&self) -> Result<Vec<ScimImport>, StoreError>;

    /// Every setup whose import is switched on (for the silence watchdog).
    fn enabled_scim_imports(&self) -> Result<Vec<ScimImport>, StoreError>;

    /// Checks that the database answers.
    fn ping(&self) -> Result<(), StoreError>;
}

/// A notice waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub notice: Notice,
    /// Delivery attempts so far.
    pub attempts: u32,
}

/// Notices waiting to be delivered, in the same database as everything else: a notice is
/// queued in the transaction that decided to send it, survives restarts, and is delivered
/// by whichever instance claims it.
pub trait Outbox: Send + Sync + 'static {
    /// Claims up to `limit` notices due at `now`, each for `lease`: until then no other
    /// caller gets it.
    fn claim_due_notices(
        &self,
        now: Timestamp,
        lease: std::time::Duration,
        limit: u64,
    ) -> Result<Vec<OutboxEntry>, StoreError>;

    fn notice_delivered(&self, id: NoticeId, at: Timestamp) -> Result<(), StoreError>;

    /// Records a failed attempt: retried at `retry_at`, or given up (`None`).
    fn notice_failed(
        &self,
        id: NoticeId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// Notices of an enterprise not delivered (nor given up) yet.
    fn undelivered_notices(&self, enterprise: EnterpriseId) -> Result<u64, StoreError>;
}

/// How many enterprises' imports are in each state, across the whole database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCensus {
    /// Switched on.
    pub on: u64,
    /// Switched off by a principal (or never switched on).
    pub off: u64,
    /// Switched off by a failure of ours.
    pub failed: u64,
    /// Of the imports switched on, the earliest "last heard from Entra": its last request, or
    /// when import was switched on if Entra has not called since. `None` when none is on.
    pub quietest_since: Option<Timestamp>,
}

/// Notices not delivered (nor given up) yet, across every enterprise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCensus {
    pub undelivered: u64,
    /// When the oldest of them was queued.
    pub oldest_queued_at: Option<Timestamp>,
}

/// Counts across every enterprise, for operators (metrics): one aggregate query each,
/// whatever the number of enterprises.
pub trait Census: Send + Sync + 'static {
    fn import_census(&self) -> Result<ImportCensus, StoreError>;

    fn outbox_census(&self) -> Result<OutboxCensus, StoreError>;
}

/// Principals' sessions.
pub trait SessionStore: Send + Sync + 'static {
    fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError>;

    fn touch_session(&self, token_hash: &TokenHash, at: Timestamp) -> Result<(), StoreError>;

    fn delete_session(&self, token_hash: &TokenHash) -> Result<(), StoreError>;

    /// Deletes sessions last used before `idle_before` or created before `created_before`.
    fn prune_sessions(&self, idle_before: Timestamp, created_before: Timestamp) -> Result<u64, StoreError>;
}

/// The activity log.
pub trait ActivityLog: Send + Sync + 'static {
    fn record(&self, activity: &Activity) -> Result<(), StoreError>;

    /// Newest first, with the total (`limit` 0: the total alone), of the entries `filter`
    /// keeps ([`ActivityFilter::matches`]).
    fn activities(
        &self,
        enterprise: EnterpriseId,
        filter: &ActivityFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Activity>, u64), StoreError>;

    /// When Entra last changed the Person list: the newest applied entry by SCIM (from the
    /// outcome index, newest first).
    fn last_scim_change(&self, enterprise: EnterpriseId) -> Result<Option<Timestamp>, StoreError>;

    /// Deletes entries older than `before`; returns how many.
    fn prune_activities(&self, before: Timestamp) -> Result<u64, StoreError>;
}

/// Why an e-mail could not be sent. The message is logged and kept on the outbox row; it
/// must not contain credentials.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP server refused this message for good (e.g. an unknown mailbox).
    #[error("the mail server refused the message: {0}")]
    Permanent(String),
    /// Worth retrying (connection refused, timeout, 4xx reply).
    #[error("the mail could not be sent now: {0}")]
    Transient(String),
}

/// Sends notices. Blocking: it is called from the outbox worker's thread, and by the sync
/// guard when the database is down and the outbox cannot be used.
pub trait Mailer: Send + Sync + 'static {
    fn send(&self, notice: &Notice) -> Result<(), MailError>;
}
