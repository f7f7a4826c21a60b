//! The sync guard: when SCIM import breaks on our side, switch it off and tell the
//! enterprise's notification addresses; when Entra goes quiet, tell them too.
//!
//! - Every SCIM request's ending is observed ([`Ports::guard_observe`]). After
//!   `failures_before_switch_off` consecutive failures of ours, import is switched off with
//!   the reason and time, and one notice per address goes into the outbox — in one
//!   transaction, conditional on import still being on, so several instances give one
//!   switch-off and one notice per address.
//! - When the database itself is down, the switch-off cannot be written: the incident is kept
//!   in memory, this instance answers 503 for the enterprise at once, and after
//!   `outage_mail_after` the notices are sent directly (the outbox is in the unreachable
//!   database). As soon as the database is back, the switch-off is recorded.
//! - [`Ports::deliver_notices`] drains the outbox with retries and backoff;
//!   [`Ports::check_silence`] warns once when Entra has not called for `silence`.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::Duration;

use ens_domain::{
    Activity, ActivityKind, Actor, Departure, EmailAddress, EnterpriseId, Failure, FailureKind, Hold, IncidentId,
    Language, Notice, NoticeId, NoticeKind, Outcome, RequestEnd, Said, ScimImport, SyncState, Timestamp, TokenHash,
    TokenUse,
};

use super::provisioning::ProvisioningError;
use crate::Ports;
use crate::outbound::{MailError, StoreError};

/// How the guard behaves; configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardPolicy {
    /// Consecutive failures of ours that switch import off.
    pub failures_before_switch_off: u32,
    /// While the database is down, how long to wait for it before e-mailing directly.
    pub outage_mail_after: Duration,
    /// How long Entra may stay silent while import is on before principals are told.
    pub silence: Duration,
    /// Where principals switch import on again (linked from notices).
    pub setup_url: String,
    /// How long this instance trusts what it last read of a token's setup before reading it
    /// again. Changes made on this instance apply at once; made on another instance, within
    /// this time.
    pub auth_cache: Duration,
    /// How long a worker holds a notice it is sending before another may take it.
    pub outbox_lease: Duration,
}

impl Default for GuardPolicy {
    fn default() -> Self {
        Self {
            failures_before_switch_off: 1,
            outage_mail_after: Duration::from_secs(30),
            // Three missed 40-minute provisioning cycles.
            silence: Duration::from_secs(2 * 60 * 60),
            setup_url: "http://127.0.0.1:8080/setup/scim-import".into(),
            auth_cache: Duration::from_secs(1),
            outbox_lease: Duration::from_secs(5 * 60),
        }
    }
}

/// A switch-off that could not be written yet because the database was down.
#[derive(Debug, Clone)]
struct Pending {
    failure: Failure,
    at: Timestamp,
    /// The setup as last seen, for its notification addresses.
    import: ScimImport,
    enterprise_name: String,
    mailed: Vec<EmailAddress>,
}

/// What this instance remembers between requests.
#[derive(Debug, Default)]
pub struct GuardState {
    /// The setup behind each token seen lately, and when it was read: it answers
    /// authentication for `auth_cache`, and says who a request is from when the database,
    /// which would say so, is down.
    known: Mutex<HashMap<TokenHash, (ScimImport, Timestamp)>>,
    names: Mutex<HashMap<EnterpriseId, String>>,
    failures: Mutex<HashMap<EnterpriseId, u32>>,
    pending: Mutex<HashMap<EnterpriseId, Pending>>,
    /// When this instance last recorded a SCIM request of each enterprise and token.
    touched: Mutex<HashMap<(EnterpriseId, TokenUse), Timestamp>>,
}

/// Tokens remembered at most (one per enterprise in practice).
const MAX_KNOWN: usize = 100_000;
/// `last_request_at` is written at most this often per enterprise and instance.
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// A notice refused for good is tried this many times before it is given up.
const PERMANENT_ATTEMPTS: u32 = 3;
/// Persons a held mass deactivation's notice and page name at most.
pub const HOLD_EXAMPLES: usize = 20;

/// The wait before the n-th retry of a notice: 30 s doubling, at most an hour.
pub fn backoff(attempts: u32) -> Duration {
    Duration::from_secs(30u64.saturating_mul(1u64 << attempts.saturating_sub(1).min(7))).min(Duration::from_secs(3600))
}

/// What a notice says, before it is addressed.
pub(super) struct Draft<'a> {
    pub(super) kind: NoticeKind,
    pub(super) enterprise: EnterpriseId,
    pub(super) name: &'a str,
    pub(super) at: Timestamp,
    pub(super) reason: Said,
    pub(super) incident: Option<IncidentId>,
    pub(super) examples: Vec<Said>,
    pub(super) language: Language,
}

/// An activity entry's detail for a notice sent to `import`'s addresses: the reason, and who
/// is e-mailed (or that nobody is).
pub(super) fn mailed(reason: &Said, import: &ScimImport, notices: &[Notice]) -> Said {
    reason.clone().and(if notices.is_empty() {
        Said::new("told-no-address")
    } else {
        Said::new("told-mailing").with("addresses", EmailAddress::list(&import.notify))
    })
}

impl<'a> Draft<'a> {
    /// The notice of a switch-off; a held mass deactivation names `examples`.
    fn switch_off(
        enterprise: EnterpriseId,
        name: &'a str,
        failure: &Failure,
        at: Timestamp,
        examples: &[Departure],
        language: Language,
    ) -> Self {
        let (kind, reason) = match &failure.hold {
            Some(hold) => (NoticeKind::MassDeactivationHeld, hold.said()),
            None => (
                NoticeKind::ImportSwitchedOff,
                Said::new("failure-because")
                    .with("failure", failure.kind.said())
                    .with("detail", failure.detail.clone()),
            ),
        };
        Draft {
            kind,
            enterprise,
            name,
            at,
            reason,
            incident: Some(failure.incident),
            examples: examples.iter().map(Departure::said).collect(),
            language,
        }
    }
}

/// A SCIM request that failed on our side, as the HTTP adapter knows it: what Entra asked and
/// about whom (when its body could be read), and why it failed, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRequest {
    /// What the request would have done (`RequestFailed` for a lookup).
    pub kind: ActivityKind,
    pub person: Option<ens_domain::PersonId>,
    pub user_name: Option<String>,
    /// `POST /Users`: the method and route, never the query string or body.
    pub request: String,
    /// Why it failed, for principals.
    pub reason: Said,
}

impl FailedRequest {
    /// "Entra's request POST /Users (jdoe@contoso.com) could not be completed: …".
    pub fn said(&self) -> Said {
        let said = match &self.user_name {
            Some(u) => Said::new("request-failed-about").with("user", u.as_str()),
            None => Said::new("request-failed"),
        };
        said.with("request", self.request.as_str()).with("reason", self.reason.clone())
    }
}

/// What one outbox run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub delivered: u32,
    pub retried: u32,
    pub abandoned: u32,
}

impl Ports {
    /// What this instance's memory alone says of a token, without the database: `None` when
    /// the database must be asked ([`Ports::scim_begin`]). An enterprise whose switch-off is
    /// held (the database is down) is refused at once, however old the memory of its token:
    /// that is what keeps requests from waiting for a database known to be down.
    pub fn scim_cached(&self, hash: &TokenHash) -> Option<Result<ScimImport, ProvisioningError>> {
        let now = self.clock.now();
        let (import, read) = self.guard.known.lock().get(hash).cloned()?;
        if let Some(p) = self.pending_incident(import.enterprise_id) {
            return Some(Err(ProvisioningError::Disabled {
                enterprise: import.enterprise_id,
                state: SyncState::DisabledByFailure { since: p.at, failure: p.failure },
            }));
        }
        // A previous token whose overlap ended is asked about again, even within the second.
        (now.since(read) < self.policy.guard.auth_cache
            && import.state.accepts_scim()
            && import.token_use(hash, now).is_some())
        .then_some(Ok(import))
    }

    /// [`Ports::scim_authenticate`] with the guard: an enterprise whose switch-off is pending
    /// is refused at once; a known token whose database lookup fails counts as a failure of
    /// ours for its enterprise. Asks the database unless [`Ports::scim_cached`] answers.
    #[tracing::instrument(level = "debug", name = "usecase.scim_authenticate", skip_all)]
    pub fn scim_begin(&self, token: &str) -> Result<ScimImport, ProvisioningError> {
        let hash = ens_domain::SecretToken::new(token.to_owned()).hash();
        if let Some(answer) = self.scim_cached(&hash) {
            return answer;
        }
        let now = self.clock.now();
        match self.authenticate_hash(&hash) {
            Ok(import) => {
                if let Some(p) = self.pending_incident(import.enterprise_id) {
                    return Err(ProvisioningError::Disabled {
                        enterprise: import.enterprise_id,
                        state: SyncState::DisabledByFailure { since: p.at, failure: p.failure },
                    });
                }
                {
                    let mut known = self.guard.known.lock();
                    if known.len() >= MAX_KNOWN {
                        known.clear();
                    }
                    known.insert(hash, (import.clone(), now));
                }
                Ok(import)
            }
            Err(ProvisioningError::Store(StoreError::Unavailable(e))) => {
                let known = self.guard.known.lock().get(&hash).map(|(i, _)| i.clone());
                if let Some(import) = known {
                    self.guard_observe(
                        &import,
                        RequestEnd::DatabaseUnavailable,
                        &FailureKind::DatabaseUnavailable.said(),
                    );
                    if let Some(p) = self.pending_incident(import.enterprise_id) {
                        return Err(ProvisioningError::Disabled {
                            enterprise: import.enterprise_id,
                            state: SyncState::DisabledByFailure { since: p.at, failure: p.failure },
                        });
                    }
                }
                Err(ProvisioningError::Store(StoreError::Unavailable(e)))
            }
            Err(e) => Err(e),
        }
    }

    /// Records that Entra called for `import`'s enterprise with the token of `hash` (written
    /// at most once a minute per token).
    pub fn scim_seen(&self, import: &ScimImport, hash: &TokenHash) {
        if let Some(used) = import.token_use(hash, self.clock.now()) {
            self.touch(import.enterprise_id, used);
        }
    }

    /// Entra sent a change while import is off: counted per day (not an entry each), so that
    /// Setup can say how many changes wait in Entra. Best effort; not while the database is
    /// known to be down (the incident is held in memory then).
    pub fn scim_refused_while_off(&self, enterprise: EnterpriseId) {
        if self.pending_incident(enterprise).is_some() {
            return;
        }
        if let Err(e) = self.setup.count_refused_while_off(enterprise, self.clock.now()) {
            tracing::warn!(enterprise = %enterprise, error = %e, "could not count a change refused while import is off");
        }
    }

    fn pending_incident(&self, enterprise: EnterpriseId) -> Option<Pending> {
        self.guard.pending.lock().get(&enterprise).cloned()
    }

    fn touch(&self, enterprise: EnterpriseId, token: TokenUse) {
        let now = self.clock.now();
        let due = {
            let mut t = self.guard.touched.lock();
            let due = t.get(&(enterprise, token)).is_none_or(|last| now.since(*last) >= TOUCH_EVERY);
            if due {
                t.insert((enterprise, token), now);
            }
            due
        };
        if due && let Err(e) = self.setup.touch_scim_request(enterprise, token, now) {
            tracing::warn!(enterprise = %enterprise, error = %e, "could not record the time of the SCIM request");
        }
    }

    /// [`Ports::guard_observe`] for a request the HTTP adapter knows: a failure of ours is
    /// also written to the activity log as the failed request itself (what Entra asked, about
    /// whom, why it failed), so a principal finds it there. Best effort: the database may be
    /// what failed.
    /// `failed` is asked only for a failure of ours (every request ends here: the others
    /// cost nothing more).
    pub fn guard_observe_request(&self, import: &ScimImport, end: RequestEnd, failed: impl FnOnce() -> FailedRequest) {
        if end.fault().is_none() {
            self.guard_no_fault(import.enterprise_id, end);
            return;
        }
        let failed = failed();
        let detail = failed.said();
        let entry = Activity {
            enterprise_id: import.enterprise_id,
            at: self.clock.now(),
            kind: failed.kind,
            actor: Actor::Scim,
            outcome: Outcome::Failed,
            person_id: failed.person,
            user_name: failed.user_name.clone(),
            detail: detail.clone(),
        };
        if self.pending_incident(import.enterprise_id).is_none()
            && let Err(e) = self.activity.record(&entry)
        {
            tracing::warn!(enterprise = %import.enterprise_id, error = %e, "could not record the failed SCIM request");
        }
        self.guard_observe(import, end, &detail);
    }

    /// Observes how a SCIM request of `import`'s enterprise ended. `detail` says what failed,
    /// secret-free, for the notice and the activity log.
    pub fn guard_observe(&self, import: &ScimImport, end: RequestEnd, detail: &Said) {
        let e = import.enterprise_id;
        let Some(kind) = end.fault() else {
            self.guard_no_fault(e, end);
            return;
        };
        let count = {
            let mut f = self.guard.failures.lock();
            let n = f.entry(e).or_insert(0);
            *n += 1;
            *n
        };
        tracing::warn!(enterprise = %e, failure = kind.as_str(), consecutive = count, detail = detail.id, "SCIM request failed on our side");
        if count >= self.policy.guard.failures_before_switch_off.max(1) {
            self.guard.failures.lock().remove(&e);
            self.trip(import, kind, detail, None);
        }
    }

    /// A request that did not fail on our side: a success ends a run of failures.
    fn guard_no_fault(&self, e: EnterpriseId, end: RequestEnd) {
        if end == RequestEnd::Succeeded {
            self.guard.failures.lock().remove(&e);
        }
    }

    /// A SCIM write would have crossed the departure limit: import is switched off at once
    /// (however many failures `failures_before_switch_off` asks for: the next request would be
    /// held too), with the hold for the page and the notices.
    pub(crate) fn hold_departures(&self, import: &ScimImport, hold: &Hold) {
        tracing::warn!(
            enterprise = %import.enterprise_id, attempted = hold.attempted, threshold = hold.threshold,
            "mass deactivation held"
        );
        self.trip(import, FailureKind::MassDeactivationHeld, &hold.said(), Some(Box::new(hold.clone())));
    }

    /// The persons a hold names: the held one first, then those who left before it, newest
    /// first ([`HOLD_EXAMPLES`] at most).
    pub(crate) fn hold_examples(&self, enterprise: EnterpriseId, hold: &Hold) -> Result<Vec<Departure>, StoreError> {
        let earlier = self.persons.departures(enterprise, hold.since, (HOLD_EXAMPLES - 1) as u64)?;
        Ok(std::iter::once(hold.held.clone()).chain(earlier.into_iter().filter(|d| d.at <= hold.held.at)).collect())
    }

    fn trip(&self, import: &ScimImport, kind: FailureKind, detail: &Said, hold: Option<Box<Hold>>) {
        let e = import.enterprise_id;
        if self.pending_incident(e).is_some() {
            return; // this incident is known already
        }
        let failure =
            Failure { incident: IncidentId::from_uuid(self.ids.new_id()), kind, detail: detail.clone(), hold };
        let at = self.clock.now();
        // Whatever happens next, this instance's view of the setup is out of date: import is
        // off, or about to be.
        self.forget_cached_setup(e);
        match self.record_switch_off(e, &failure, at, &[]) {
            Ok(true) => {
                tracing::error!(enterprise = %e, incident = %failure.incident, failure = kind.as_str(), "SCIM import switched off")
            }
            Ok(false) => {}
            Err(err) => {
                tracing::error!(
                    enterprise = %e, incident = %failure.incident, error = %err,
                    "SCIM import must be switched off but the database cannot record it: holding the incident"
                );
                let enterprise_name = self.guard.names.lock().get(&e).cloned().unwrap_or_default();
                let held = Pending { failure, at, import: import.clone(), enterprise_name, mailed: Vec::new() };
                self.guard.pending.lock().insert(e, held);
            }
        }
    }

    /// The notice `draft` makes for one address.
    pub(super) fn notice(&self, draft: &Draft<'_>, to: &EmailAddress) -> Notice {
        Notice {
            id: NoticeId(self.ids.new_id()),
            kind: draft.kind,
            enterprise_id: draft.enterprise,
            enterprise_name: draft.name.to_owned(),
            incident: draft.incident,
            recipient: to.clone(),
            occurred_at: draft.at,
            reason: draft.reason.clone(),
            setup_url: self.policy.guard.setup_url.clone(),
            examples: draft.examples.clone(),
            language: draft.language,
        }
    }

    /// Switches import off for `failure` if it is still on, with the activity entry and one
    /// notice per address not `already_mailed`, in one transaction. False if import was off
    /// already (one incident, one switch-off — whichever instance gets here first).
    fn record_switch_off(
        &self,
        enterprise: EnterpriseId,
        failure: &Failure,
        at: Timestamp,
        already_mailed: &[EmailAddress],
    ) -> Result<bool, StoreError> {
        for _ in 0..5 {
            let Some(import) = self.setup.scim_import(enterprise)? else { return Ok(false) };
            let Some(state) = import.state.trip(at, failure.clone()) else { return Ok(false) };
            let name = self.setup.enterprise(enterprise)?.map(|e| e.name).unwrap_or_default();
            self.guard.names.lock().insert(enterprise, name.clone());
            let examples = match &failure.hold {
                Some(hold) => self.hold_examples(enterprise, hold)?,
                None => Vec::new(),
            };
            let draft = Draft::switch_off(enterprise, &name, failure, at, &examples, import.notice_language);
            let reason = draft.reason.clone();
            let notices: Vec<Notice> = import
                .notify
                .iter()
                .filter(|a| !already_mailed.contains(a))
                .map(|to| self.notice(&draft, to))
                .collect();
            let told = if import.notify.is_empty() {
                tracing::warn!(enterprise = %enterprise, "SCIM import switched off, but no notification address is configured: nobody is e-mailed");
                Said::new("told-nobody")
            } else if already_mailed.is_empty() {
                Said::new("told-mailing").with("addresses", EmailAddress::list(&import.notify))
            } else {
                Said::new("told-mailed-during-outage").with("addresses", EmailAddress::list(already_mailed))
            };
            let held = failure.hold.as_ref().map(|h| &h.held);
            let activity = Activity {
                enterprise_id: enterprise,
                at,
                kind: ActivityKind::ImportSwitchedOff,
                actor: Actor::SyncGuard,
                outcome: Outcome::Failed,
                person_id: held.map(|d| d.person_id),
                user_name: held.map(|d| d.user_name.clone()),
                detail: Said::new(if held.is_some() { "switched-off-held" } else { "switched-off-after-failure" })
                    .with("reason", reason)
                    .with("told", told),
            };
            let mut next = import.clone();
            next.state = state;
            next.version += 1;
            match self.setup.update_scim_import(&next, Some(&activity), &notices) {
                Ok(()) => {
                    self.forget_cached_setup(enterprise);
                    return Ok(true);
                }
                Err(StoreError::Conflict) => continue,
                Err(StoreError::Duplicate(_)) => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict)
    }

    /// Works off incidents held while the database was down: records them once it answers;
    /// until then, after `outage_mail_after`, e-mails the addresses directly. Run every few
    /// seconds.
    pub fn guard_tick(&self) {
        let pending: Vec<(EnterpriseId, Pending)> =
            self.guard.pending.lock().iter().map(|(k, v)| (*k, v.clone())).collect();
        let now = self.clock.now();
        for (e, p) in pending {
            match self.record_switch_off(e, &p.failure, p.at, &p.mailed) {
                Ok(recorded) => {
                    tracing::info!(enterprise = %e, incident = %p.failure.incident, recorded, "held incident written now that the database answers");
                    self.guard.pending.lock().remove(&e);
                }
                Err(_) if now.since(p.at) >= self.policy.guard.outage_mail_after => self.mail_directly(e, &p),
                Err(_) => {}
            }
        }
    }

    fn mail_directly(&self, e: EnterpriseId, p: &Pending) {
        // The database is down: of the examples, only the held person is known here.
        let examples: Vec<Departure> = p.failure.hold.iter().map(|h| h.held.clone()).collect();
        let draft = Draft::switch_off(e, &p.enterprise_name, &p.failure, p.at, &examples, p.import.notice_language);
        for to in p.import.notify.iter().filter(|a| !p.mailed.contains(a)) {
            let n = self.notice(&draft, to);
            match self.mailer.send(&n) {
                Ok(()) => {
                    tracing::info!(enterprise = %e, incident = %p.failure.incident, "notice e-mailed directly during the database outage");
                    if let Some(held) = self.guard.pending.lock().get_mut(&e) {
                        held.mailed.push(to.clone());
                    }
                }
                Err(err) => tracing::warn!(enterprise = %e, error = %err, "notice could not be e-mailed yet; retrying"),
            }
        }
        if p.import.notify.is_empty() {
            tracing::warn!(enterprise = %e, "database down and no notification address configured: nobody can be e-mailed");
        }
    }

    /// Switch-offs this instance holds in memory because the database could not record them.
    pub fn held_incidents(&self) -> usize {
        self.guard.pending.lock().len()
    }

    /// The enterprise's setup changed here: authentication reads it again.
    pub fn forget_cached_setup(&self, enterprise: EnterpriseId) {
        // Keep the entries (they identify requests while the database is down) but mark
        // them stale.
        for (import, read) in self.guard.known.lock().values_mut() {
            if import.enterprise_id == enterprise {
                *read = Timestamp::UNIX_EPOCH;
            }
        }
    }

    /// A principal switched import on again on this instance: an incident held here is over.
    pub fn guard_forget(&self, enterprise: EnterpriseId) {
        self.guard.pending.lock().remove(&enterprise);
        self.guard.failures.lock().remove(&enterprise);
    }

    /// Delivers due notices from the outbox; failures are retried with backoff.
    pub fn deliver_notices(&self) -> Result<DeliveryReport, StoreError> {
        let mut report = DeliveryReport::default();
        let now = self.clock.now();
        for entry in self.outbox.claim_due_notices(now, self.policy.guard.outbox_lease, 20)? {
            let attempts = entry.attempts + 1;
            match self.mailer.send(&entry.notice) {
                Ok(()) => {
                    self.outbox.notice_delivered(entry.notice.id, self.clock.now())?;
                    report.delivered += 1;
                }
                Err(err) => {
                    let give_up = matches!(err, MailError::Permanent(_)) && attempts >= PERMANENT_ATTEMPTS;
                    let retry_at = (!give_up).then(|| now.saturating_add(backoff(attempts)));
                    tracing::warn!(
                        notice = %entry.notice.id, enterprise = %entry.notice.enterprise_id, attempts, error = %err,
                        give_up, "notice not delivered"
                    );
                    self.outbox.notice_failed(entry.notice.id, attempts, retry_at, &err.to_string(), now)?;
                    if give_up { report.abandoned += 1 } else { report.retried += 1 }
                }
            }
        }
        Ok(report)
    }

    /// Warns each enterprise whose import is on but whom Entra has not called for `silence`,
    /// once per silence. Returns how many enterprises were warned.
    pub fn check_silence(&self) -> Result<u32, StoreError> {
        let now = self.clock.now();
        let mut warned = 0;
        for import in self.setup.enabled_scim_imports()? {
            let since = import.last_request_at.unwrap_or(import.state.since()).max(import.state.since());
            let quiet = now.since(since) >= self.policy.guard.silence;
            let told = import.silence_notified_at.is_some_and(|t| t >= since);
            if !quiet || told {
                continue;
            }
            let name = self.setup.enterprise(import.enterprise_id)?.map(|e| e.name).unwrap_or_default();
            let reason = Said::new("silent-since").with("since", since);
            let notices: Vec<Notice> = import
                .notify
                .iter()
                .map(|to| {
                    let draft = Draft {
                        kind: NoticeKind::ProvisioningSilent,
                        enterprise: import.enterprise_id,
                        name: &name,
                        at: since,
                        reason: reason.clone(),
                        incident: None,
                        examples: Vec::new(),
                        language: import.notice_language,
                    };
                    self.notice(&draft, to)
                })
                .collect();
            let activity = Activity {
                enterprise_id: import.enterprise_id,
                at: now,
                kind: ActivityKind::ProvisioningSilent,
                actor: Actor::SyncGuard,
                outcome: Outcome::Failed,
                person_id: None,
                user_name: None,
                detail: mailed(&reason, &import, &notices),
            };
            let mut next = import.clone();
            next.silence_notified_at = Some(now);
            next.version += 1;
            match self.setup.update_scim_import(&next, Some(&activity), &notices) {
                Ok(()) => {
                    tracing::warn!(enterprise = %import.enterprise_id, %since, "Entra seems to have stopped provisioning");
                    warned += 1;
                }
                // Another instance (or a principal) changed the setup first: next round.
                Err(StoreError::Conflict) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(warned)
    }
}

#[cfg(test)]
mod tests;
