//! The Person list's health, for principals: who cannot be alerted, which fields drift from
//! Entra's mapping, what conflicts, who has been inactive for long — and the optional purge
//! of long-inactive SCIM persons that housekeeping runs.
//!
//! Everything here is answered from counters the writes keep, from indexes, or from the
//! activity log's indexes: a page view never counts a million persons.

use std::collections::HashMap;
use std::time::Duration;

use parking_lot::Mutex;

use ens_domain::enterprise::{PURGE_MAX_DAYS, PURGE_MIN_DAYS};
use ens_domain::{
    Activity, ActivityFilter, ActivityKind, Actor, Channels, Drift, EnterpriseId, EntraMark, Field, Filter, Notice,
    NoticeKind, Outcome, Person, PersonCounts, PersonQuery, Said, Source, Timestamp,
};

use super::AdminError;
use super::guard::{Draft, mailed};
use super::principals::PrincipalContext;
use crate::Ports;
use crate::outbound::{Deadline, PersonWrite, StoreError};

/// An Entra mark is written at most this often per enterprise, mark and instance.
const MARK_EVERY: Duration = Duration::from_secs(60);
/// "Long inactive", unless the principal asks for another number of days.
pub const LONG_INACTIVE_DAYS: u32 = 90;
/// Counts that grow with the Person list and have no counter of their own (how many have
/// been inactive for long depends on today) stop here.
pub const COUNT_CAP: u64 = 1_000;
/// How far back refused creates count as conflicts.
pub const CONFLICT_WINDOW: Duration = Duration::from_secs(30 * 24 * 60 * 60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);
/// Persons one purge run deletes at most per enterprise (the next run goes on).
const PURGE_BATCH: u64 = 1000;
/// Persons a purge notice names at most.
const PURGE_EXAMPLES: usize = 20;

/// What this instance remembers of the Entra marks it wrote lately.
#[derive(Debug, Default)]
pub struct MarkMemory {
    written: Mutex<HashMap<(EnterpriseId, EntraMark), Timestamp>>,
}

/// Everything Setup's Health section shows at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    pub counts: PersonCounts,
    /// Active persons with no channel.
    pub unreachable: u64,
    /// Active SCIM persons whose channels are all fields no longer imported.
    pub only_not_imported: u64,
    /// Entries of the activity log in the last 24 hours: changes applied, and refused.
    pub applied_last_day: u64,
    pub refused_last_day: u64,
    pub drift: Vec<Drift>,
    /// Entra's creates refused because another person holds the userName, last 30 days.
    pub refused_creates: u64,
    /// Manual persons whose work e-mail belongs to a SCIM person too.
    pub shared_identities: u64,
    /// Persons inactive for more than `long_inactive_days`, counted up to [`COUNT_CAP`] + 1:
    /// more than the cap means "more than [`COUNT_CAP`]".
    pub long_inactive: u64,
    pub long_inactive_days: u32,
}

/// The conflicts report: refused creates (with the person holding the userName, if it still
/// exists) and manual persons that look like SCIM persons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflicts {
    pub refused_creates: Vec<(Activity, Option<Person>)>,
    pub refused_total: u64,
    pub shared: Vec<(Person, Person)>,
    pub shared_total: u64,
}

/// What one purge run did, per enterprise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub enterprises: u64,
    pub deleted: u64,
}

/// A principal's filters of the Person list, beyond the search text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReachFilter {
    /// Active persons with no channel.
    Unreachable,
    /// Active SCIM persons whose channels are all fields no longer imported.
    OnlyNotImported,
}

impl Ports {
    /// Of `created` (a create) and the fields a request carried, the marks due now: not
    /// written by this instance within the last minute. A create by Entra carries every
    /// mapped attribute with a value, so it is the evidence mapping drift is judged by.
    pub(crate) fn marks_due(
        &self,
        enterprise: EnterpriseId,
        created: Option<EntraMark>,
        carried: &[Field],
        now: Timestamp,
    ) -> Vec<EntraMark> {
        let written = self.marks.written.lock();
        created
            .into_iter()
            .chain(carried.iter().map(|f| EntraMark::Sent(*f)))
            .filter(|m| written.get(&(enterprise, *m)).is_none_or(|at| now.since(*at) >= MARK_EVERY))
            .collect()
    }

    /// The write carrying `marks` committed.
    pub(crate) fn marks_written(&self, enterprise: EnterpriseId, marks: &[EntraMark], now: Timestamp) {
        let mut written = self.marks.written.lock();
        if written.len() > 1_000_000 {
            written.clear(); // a bound, not a cache policy: at worst a mark is written again
        }
        for m in marks {
            written.insert((enterprise, *m), now);
        }
    }

    /// Records what a request that changed nothing carried; best effort (the answer stands).
    pub(crate) fn mark_alone(&self, enterprise: EnterpriseId, carried: &[Field]) {
        let now = self.clock.now();
        let marks = self.marks_due(enterprise, None, carried, now);
        if marks.is_empty() {
            return;
        }
        match self.persons.mark_entra(enterprise, &marks, now) {
            Ok(()) => self.marks_written(enterprise, &marks, now),
            Err(e) => tracing::warn!(enterprise = %enterprise, error = %e, "could not record what Entra sent"),
        }
    }

    /// The Health section of Setup.
    pub fn health(&self, ctx: &PrincipalContext, long_inactive_days: Option<u32>) -> Result<HealthReport, AdminError> {
        ctx.require_ready()?;
        let e = ctx.enterprise();
        let import = self.setup.scim_import(e)?.ok_or(AdminError::NotFound)?;
        let now = self.clock.now();
        let counts = self.persons.person_counts(e)?;
        let count =
            |filter: ActivityFilter| -> Result<u64, AdminError> { Ok(self.activity.activities(e, &filter, 0, 0)?.1) };
        let day_ago = Some(now.saturating_sub(DAY));
        let applied_last_day =
            count(ActivityFilter { since: day_ago, ..ActivityFilter::outcomes(&[Outcome::Applied]) })?;
        let refused_last_day =
            count(ActivityFilter { since: day_ago, ..ActivityFilter::outcomes(&[Outcome::Rejected]) })?;
        let refused_creates = count(refused_creates(now))?;
        let (_, shared_identities) = self.persons.shared_identities(e, 0)?;
        let days = long_inactive_days.unwrap_or(LONG_INACTIVE_DAYS).max(1);
        let long_inactive = self.persons.count_persons(e, &self.long_inactive_filter(days), COUNT_CAP + 1)?;
        let marks = self.persons.entra_marks(e)?;
        Ok(HealthReport {
            unreachable: counts.unreachable(),
            only_not_imported: counts.only_not_imported(&import.mapping),
            counts,
            applied_last_day,
            refused_last_day,
            drift: ens_domain::health::drift(&import.mapping, &import.mapping_since, &marks, now),
            refused_creates,
            shared_identities,
            long_inactive,
            long_inactive_days: days,
        })
    }

    /// The conflicts report, `limit` entries of each kind at most.
    pub fn conflicts(&self, ctx: &PrincipalContext, limit: u64) -> Result<Conflicts, AdminError> {
        ctx.require_ready()?;
        let e = ctx.enterprise();
        let (entries, refused_total) = self.activity.activities(e, &refused_creates(self.clock.now()), 0, limit)?;
        let refused_creates = entries
            .into_iter()
            .map(|a| {
                let holder = match a.person_id {
                    Some(id) => self.persons.person(e, id)?,
                    None => None,
                };
                Ok((a, holder))
            })
            .collect::<Result<_, StoreError>>()?;
        let (shared, shared_total) = self.persons.shared_identities(e, limit)?;
        Ok(Conflicts { refused_creates, refused_total, shared, shared_total })
    }

    /// The filter of a Health count, for the Persons list.
    pub fn reach_filter(&self, ctx: &PrincipalContext, reach: ReachFilter) -> Result<Filter, AdminError> {
        let import = self.scim_setup(ctx)?;
        Ok(match reach {
            ReachFilter::Unreachable => {
                Filter::Bool { attr: ens_domain::Attr::Field(Field::Active), op: ens_domain::CmpOp::Eq, value: true }
                    .and(Filter::ChannelsIn(Channels::unreachable()))
            }
            ReachFilter::OnlyNotImported => {
                Filter::Bool { attr: ens_domain::Attr::Field(Field::Active), op: ens_domain::CmpOp::Eq, value: true }
                    .and(Filter::Source(Source::Scim))
                    .and(Filter::ChannelsIn(Channels::only_outside(Channels::imported(&import.mapping))))
            }
        })
    }

    /// Persons inactive for more than `days` days.
    pub fn long_inactive_filter(&self, days: u32) -> Filter {
        Filter::InactiveBefore(self.clock.now().saturating_sub(DAY * days))
    }

    /// Switches the purge of long-inactive SCIM persons on (after `days`, at least
    /// [`PURGE_MIN_DAYS`]) or off (`None`).
    pub fn set_purge_rule(
        &self,
        ctx: &PrincipalContext,
        days: Option<u32>,
    ) -> Result<ens_domain::ScimImport, AdminError> {
        if let Some(d) = days
            && !(PURGE_MIN_DAYS..=PURGE_MAX_DAYS).contains(&d)
        {
            return Err(AdminError::InvalidPurgeRule { min: PURGE_MIN_DAYS, max: PURGE_MAX_DAYS });
        }
        self.change_import(ctx, |i| {
            i.purge_inactive_after_days = days;
            let detail = match days {
                Some(d) => Said::new("purge-rule-on").with("days", d),
                None => Said::new("purge-rule-off"),
            };
            Ok(Some(self.principal_activity(ctx, ActivityKind::PurgeRuleChanged, detail)))
        })
    }

    /// Housekeeping: for every enterprise whose principals switched the rule on, deletes the
    /// SCIM persons inactive for longer than the rule's days (each deletion in the activity
    /// log), then e-mails the notification addresses one summary of the run. Entra, should it
    /// activate such a user again, gets 404 and creates it anew.
    pub fn purge_inactive(&self) -> Result<PurgeReport, StoreError> {
        let mut report = PurgeReport::default();
        for import in self.setup.scim_imports_purging()? {
            let Some(days) = import.purge_inactive_after_days else { continue };
            let e = import.enterprise_id;
            let now = self.clock.now();
            let query = PersonQuery {
                filter: Filter::Source(Source::Scim).and(self.long_inactive_filter(days)),
                ..PersonQuery::all(PURGE_BATCH)
            };
            let mut deleted: Vec<Person> = Vec::new();
            for p in self.persons.query_persons(e, &query)?.persons {
                let log = Activity {
                    enterprise_id: e,
                    at: self.clock.now(),
                    kind: ActivityKind::PersonDeleted,
                    actor: Actor::SyncGuard,
                    outcome: Outcome::Applied,
                    person_id: Some(p.id),
                    user_name: Some(p.values.user_name().to_string()),
                    detail: match p.inactive_since {
                        Some(since) => Said::new("purged-person").with("since", since),
                        None => Said::new("purged-person-long-ago"),
                    }
                    .with("days", days),
                };
                // Changed since it was listed (Entra activated it, another instance deleted
                // it): left alone.
                match self.persons.delete_person(e, p.id, p.version, &PersonWrite::new(&log, &Deadline::NONE)) {
                    Ok(true) => deleted.push(p),
                    Ok(false) | Err(StoreError::Conflict) => {}
                    Err(err) => return Err(err),
                }
            }
            if deleted.is_empty() {
                continue;
            }
            tracing::info!(enterprise = %e, deleted = deleted.len(), days, "long-inactive SCIM persons deleted");
            report.enterprises += 1;
            report.deleted += deleted.len() as u64;
            self.tell_purged(e, &deleted, days, now)?;
        }
        Ok(report)
    }

    /// One summary per purge run: an activity entry and a notice per address, together.
    fn tell_purged(&self, e: EnterpriseId, deleted: &[Person], days: u32, at: Timestamp) -> Result<(), StoreError> {
        let name = self.setup.enterprise(e)?.map(|x| x.name).unwrap_or_default();
        let reason = Said::new("purged").with("count", deleted.len()).with("days", days);
        let examples: Vec<Said> = deleted
            .iter()
            .take(PURGE_EXAMPLES)
            .map(|p| match p.values.text(Field::DisplayName) {
                Some(n) => Said::new("person-named").with("name", n).with("user", p.values.user_name().as_str()),
                None => Said::new("person").with("user", p.values.user_name().as_str()),
            })
            .collect();
        for _ in 0..5 {
            let Some(mut import) = self.setup.scim_import(e)? else { return Ok(()) };
            let draft = Draft {
                kind: NoticeKind::InactivePurged,
                enterprise: e,
                name: &name,
                at,
                reason: reason.clone(),
                incident: None,
                examples: examples.clone(),
                language: import.notice_language,
            };
            let notices: Vec<Notice> = import.notify.iter().map(|to| self.notice(&draft, to)).collect();
            let activity = Activity {
                enterprise_id: e,
                at: self.clock.now(),
                kind: ActivityKind::InactivePurged,
                actor: Actor::SyncGuard,
                outcome: Outcome::Applied,
                person_id: None,
                user_name: None,
                detail: mailed(&reason, &import, &notices),
            };
            import.version += 1;
            match self.setup.update_scim_import(&import, Some(&activity), &notices) {
                Ok(()) => return Ok(()),
                Err(StoreError::Conflict) => continue,
                Err(err) => return Err(err),
            }
        }
        Err(StoreError::Conflict)
    }
}

/// Entra's creates refused because the userName is taken, within [`CONFLICT_WINDOW`].
fn refused_creates(now: Timestamp) -> ActivityFilter {
    ActivityFilter {
        kinds: vec![ActivityKind::UserNameConflict],
        since: Some(now.saturating_sub(CONFLICT_WINDOW)),
        ..ActivityFilter::outcomes(&[Outcome::Rejected])
    }
}

#[cfg(test)]
mod tests;
