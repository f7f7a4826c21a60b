//! Provisioning: what Entra does to the Person list through SCIM, under the enterprise's
//! mapping. Fields the mapping does not import are accepted and neither stored nor
//! overwritten. Every applied change is written together with its activity entry.

use ens_domain::{
    Activity, ActivityKind, Actor, Crossing, Departure, DepartureAction, DepartureLimit, EnterpriseId, EntraMark,
    Field, FieldChange, FieldError, Hold, Mapping, Outcome, Person, PersonId, PersonQuery, PersonValues, Retirement,
    Said, ScimImport, SecretToken, Source, SyncState, TokenHash, TokenUse,
};

use crate::Ports;
use crate::outbound::{PersonPage, PersonWrite, StoreError, UniqueKey};

/// How often a write is retried when another request changed the same person in between.
const MAX_ATTEMPTS: usize = 5;

/// Longest request value (a refused userName) kept in the activity log: a valid userName's
/// length at most.
const MAX_LOGGED_VALUE: usize = 256;

/// `text` cut to `max` characters, marked with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisioningError {
    #[error("unknown or missing SCIM token")]
    Unauthorized,
    #[error("SCIM import is switched off in ENS+")]
    Disabled { enterprise: EnterpriseId, state: SyncState },
    #[error("no person with this id")]
    NotFound,
    #[error("another person already has the userName {user_name:?}")]
    UserNameTaken {
        user_name: String,
        /// Who holds it, when known.
        holder: Option<PersonId>,
    },
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("the person has changed since the version in If-Match")]
    PreconditionFailed,
    #[error("other requests keep changing this person at the same time; try again")]
    Contention,
    /// The change would have crossed the departure limit: not applied, and import is switched
    /// off with the hold.
    #[error("a mass deactivation was held")]
    Held(Box<Hold>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An `If-Match` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: the person must exist.
    Any,
    /// One of these versions.
    Versions(Vec<u64>),
}

impl IfMatch {
    fn check(this: Option<&IfMatch>, version: u64) -> Result<(), ProvisioningError> {
        match this {
            Some(IfMatch::Versions(v)) if !v.contains(&version) => Err(ProvisioningError::PreconditionFailed),
            _ => Ok(()),
        }
    }
}

/// The result of a SCIM create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub person: Person,
    /// A manual person with the same userName was taken over instead of duplicated.
    pub adopted: bool,
}

/// Outcome of a PATCH whose operations are read by the caller.
#[derive(Debug, thiserror::Error)]
pub enum PatchError<E> {
    /// The operations themselves are wrong.
    #[error("{0}")]
    Request(E),
    #[error(transparent)]
    Provisioning(#[from] ProvisioningError),
}

/// What a change did, in an administrator's words: "deactivated; changed: Display name, Work
/// e-mail; not imported: Mobile phone". `active` is the person's state after the change.
fn summary(changed: &[Field], ignored: &[Field], active: bool) -> Said {
    let mut parts = Vec::new();
    if changed.contains(&Field::Active) {
        parts.push(Said::new(if active { "reactivated" } else { "deactivated" }));
    }
    let rest: Vec<Field> = changed.iter().copied().filter(|f| *f != Field::Active).collect();
    if !rest.is_empty() {
        parts.push(Said::new("fields-changed").with("fields", rest));
    }
    if !ignored.is_empty() {
        parts.push(Said::new("fields-not-imported").with("fields", ignored));
    }
    Said::all(parts).unwrap_or_else(|| Said::new("no-change"))
}

/// What a create stored: "with User name, Display name; not imported: Mobile phone", and
/// "inactive" when Entra created the person deactivated.
fn created_summary(fields: &[Field], ignored: &[Field], active: bool) -> Said {
    let shown: Vec<Field> = fields.iter().copied().filter(|f| *f != Field::Active).collect();
    let mut parts = vec![Said::new("created-with").with("fields", shown)];
    if !active {
        parts.push(Said::new("created-inactive"));
    }
    if !ignored.is_empty() {
        parts.push(Said::new("fields-not-imported").with("fields", ignored));
    }
    Said::all(parts).unwrap_or_else(|| Said::new("no-change"))
}

/// The hold a refused departure makes: `current` would have left as `action`.
fn hold(
    current: &Person,
    action: DepartureAction,
    crossing: Crossing,
    limit: &DepartureLimit,
    at: ens_domain::Timestamp,
) -> Hold {
    Hold {
        attempted: crossing.departed + 1,
        threshold: crossing.threshold,
        window_minutes: limit.rule.window_minutes,
        since: limit.since,
        held: Departure {
            person_id: current.id,
            user_name: current.values.user_name().to_string(),
            display_name: current.values.text(Field::DisplayName).map(str::to_owned),
            action,
            at,
        },
    }
}

/// The fields a request carried (set or removed), each once.
fn carried(changes: &[FieldChange]) -> Vec<Field> {
    let mut fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
    fields.sort();
    fields.dedup();
    fields
}

fn map_write(e: StoreError, user_name: &str) -> ProvisioningError {
    match e {
        StoreError::Duplicate(UniqueKey::UserName) => {
            ProvisioningError::UserNameTaken { user_name: user_name.to_owned(), holder: None }
        }
        StoreError::NotFound => ProvisioningError::NotFound,
        e => ProvisioningError::Store(e),
    }
}

impl Ports {
    /// Resolves the enterprise from a bearer token. Unknown token: `Unauthorized`; known but
    /// import switched off: `Disabled`.
    pub fn scim_authenticate(&self, token: &str) -> Result<ScimImport, ProvisioningError> {
        if token.is_empty() {
            return Err(ProvisioningError::Unauthorized);
        }
        self.authenticate_hash(&SecretToken::new(token.to_owned()).hash())
    }

    /// [`Ports::scim_authenticate`] for a token already hashed.
    pub(crate) fn authenticate_hash(&self, hash: &TokenHash) -> Result<ScimImport, ProvisioningError> {
        let mut import = self.setup.scim_import_by_token(hash)?.ok_or(ProvisioningError::Unauthorized)?;
        match import.token_use(hash, self.clock.now()) {
            None => return Err(ProvisioningError::Unauthorized),
            // Entra has the new token: the old one is not needed any more.
            Some(TokenUse::Current) if import.previous_token.is_some() => {
                import = self.retire_previous_token(import.enterprise_id, Retirement::NewTokenUsed, Actor::Scim)?;
            }
            Some(_) => {}
        }
        if !import.state.accepts_scim() {
            return Err(ProvisioningError::Disabled { enterprise: import.enterprise_id, state: import.state });
        }
        Ok(import)
    }

    fn activity(&self, import: &ScimImport, kind: ActivityKind, person: &Person, detail: Said) -> Activity {
        Activity {
            enterprise_id: import.enterprise_id,
            at: self.clock.now(),
            kind,
            actor: Actor::Scim,
            outcome: Outcome::Applied,
            person_id: Some(person.id),
            user_name: Some(person.values.user_name().to_string()),
            detail,
        }
    }

    /// Records a SCIM change that was refused because the request was wrong, so principals
    /// see in the activity log what Entra tried. Best effort: the refusal stands either way.
    pub fn scim_record_rejection(
        &self,
        import: &ScimImport,
        kind: ActivityKind,
        person: Option<PersonId>,
        user_name: Option<String>,
        reason: Said,
    ) {
        // The person's userName, when the request did not carry it. A refused one is kept
        // only as long as a valid one can be: the log must not store whatever size was sent.
        let user_name = user_name.map(|u| cut(&u, MAX_LOGGED_VALUE)).or_else(|| {
            let p = person?;
            self.persons.person(import.enterprise_id, p).ok().flatten().map(|p| p.values.user_name().to_string())
        });
        let entry = Activity {
            enterprise_id: import.enterprise_id,
            at: self.clock.now(),
            kind,
            actor: Actor::Scim,
            outcome: Outcome::Rejected,
            person_id: person,
            user_name,
            detail: reason,
        };
        if let Err(e) = self.activity.record(&entry) {
            tracing::warn!(error = %e, "could not record a rejected SCIM change");
        }
    }

    #[tracing::instrument(level = "debug", name = "usecase.scim_get", skip_all, fields(enterprise = %import.enterprise_id))]
    pub fn scim_get(&self, import: &ScimImport, id: PersonId) -> Result<Person, ProvisioningError> {
        self.persons.person(import.enterprise_id, id)?.ok_or(ProvisioningError::NotFound)
    }

    #[tracing::instrument(level = "debug", name = "usecase.scim_query", skip_all, fields(enterprise = %import.enterprise_id))]
    pub fn scim_query(&self, import: &ScimImport, query: &PersonQuery) -> Result<PersonPage, ProvisioningError> {
        Ok(self.persons.query_persons(import.enterprise_id, query)?)
    }

    /// Creates a person, or takes over the manual person with the same userName.
    #[tracing::instrument(level = "debug", name = "usecase.scim_create", skip_all, fields(enterprise = %import.enterprise_id))]
    pub fn scim_create(&self, import: &ScimImport, changes: Vec<FieldChange>) -> Result<Created, ProvisioningError> {
        let carried = carried(&changes);
        let (kept, ignored) = import.mapping.split(changes);
        let values = PersonValues::from_changes(&kept)?;
        let e = import.enterprise_id;
        for _ in 0..MAX_ATTEMPTS {
            // Insert first: a new person, the usual case, costs one write and no lookup; the
            // unique index says when the userName is taken.
            let now = self.clock.now();
            let mut person = Person {
                id: PersonId::from_uuid(self.ids.new_id()),
                enterprise_id: e,
                source: Source::Scim,
                values: values.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
                scim_updated_at: Some(now),
                inactive_since: None,
            };
            person.track_active(true, now);
            let fields: Vec<Field> = person.values.iter().map(|(f, _)| f).collect();
            let log = self.activity(
                import,
                ActivityKind::PersonCreated,
                &person,
                created_summary(&fields, &ignored, person.values.active()),
            );
            let marks = self.marks_due(e, Some(EntraMark::Created), &carried, now);
            let write = PersonWrite { marks: &marks, ..PersonWrite::new(&log, &self.deadline) };
            match self.persons.insert_person(&person, &write) {
                Ok(()) => {
                    self.marks_written(e, &marks, now);
                    return Ok(Created { person, adopted: false });
                }
                Err(StoreError::Duplicate(UniqueKey::UserName)) => {}
                Err(e) => return Err(map_write(e, values.user_name().as_str())),
            }
            match self.persons.person_by_user_name(e, values.user_name())? {
                Some(existing) if existing.source == Source::Manual => {
                    let mut adopted = existing.clone();
                    adopted.values.apply(&kept)?;
                    adopted.source = Source::Scim;
                    adopted.version += 1;
                    adopted.updated_at = now;
                    adopted.scim_updated_at = Some(now);
                    adopted.track_active(existing.values.active(), now);
                    let changed = existing.values.differing_fields(&adopted.values);
                    let detail =
                        Said::new("took-over").with("changes", summary(&changed, &ignored, adopted.values.active()));
                    let log = self.activity(import, ActivityKind::PersonCreated, &adopted, detail);
                    let limit = import.departure_limit(now);
                    let write = PersonWrite {
                        departures: Some(&limit),
                        marks: &marks,
                        ..PersonWrite::new(&log, &self.deadline)
                    };
                    match self.persons.update_person(&adopted, &write) {
                        Ok(()) => {
                            self.marks_written(e, &marks, now);
                            return Ok(Created { person: adopted, adopted: true });
                        }
                        Err(StoreError::Conflict | StoreError::NotFound) => continue,
                        Err(StoreError::DeparturesHeld(c)) => {
                            return Err(self.held(import, &existing, DepartureAction::Deactivated, c, &limit));
                        }
                        Err(e) => return Err(map_write(e, values.user_name().as_str())),
                    }
                }
                Some(holder) => {
                    return Err(ProvisioningError::UserNameTaken {
                        user_name: values.user_name().to_string(),
                        holder: Some(holder.id),
                    });
                }
                // Deleted in between: try again.
                None => continue,
            }
        }
        Err(ProvisioningError::Contention)
    }

    /// Replaces the imported fields (PUT): those in `changes` are set, the other imported
    /// fields are cleared; fields that are not imported stay as they are.
    #[tracing::instrument(level = "debug", name = "usecase.scim_replace", skip_all, fields(enterprise = %import.enterprise_id))]
    pub fn scim_replace(
        &self,
        import: &ScimImport,
        id: PersonId,
        changes: Vec<FieldChange>,
        if_match: Option<&IfMatch>,
    ) -> Result<Person, ProvisioningError> {
        let carried = carried(&changes);
        let (kept, ignored) = import.mapping.split(changes);
        let replacement = PersonValues::from_changes(&kept)?;
        self.update_with(import, id, if_match, ActivityKind::PersonReplaced, &ignored, |current| {
            let mut next = current.values.clone();
            for f in import.mapping.fields() {
                next.set(f, replacement.get(f))?;
            }
            Ok((next, carried.clone()))
        })
    }

    /// Applies changes computed from the current person (PATCH). `compute` gets the person as
    /// stored and the mapping, and may be called again if the person changed in between.
    #[tracing::instrument(level = "debug", name = "usecase.scim_patch", skip_all, fields(enterprise = %import.enterprise_id))]
    pub fn scim_patch<E>(
        &self,
        import: &ScimImport,
        id: PersonId,
        if_match: Option<&IfMatch>,
        compute: impl Fn(&Person, &Mapping) -> Result<Vec<FieldChange>, E>,
    ) -> Result<Person, PatchError<E>> {
        let mut request_error = None;
        let mut ignored_fields = Vec::new();
        let result = self.update_with(import, id, if_match, ActivityKind::PersonPatched, &[], |current| {
            let changes = match compute(current, &import.mapping) {
                Ok(c) => c,
                Err(e) => {
                    request_error = Some(e);
                    return Err(Abort.into());
                }
            };
            let carried = carried(&changes);
            let (kept, ignored) = import.mapping.split(changes);
            ignored_fields = ignored;
            let mut next = current.values.clone();
            next.apply(&kept)?;
            Ok((next, carried))
        });
        match (result, request_error) {
            (_, Some(e)) => Err(PatchError::Request(e)),
            (r, None) => r.map_err(PatchError::Provisioning),
        }
    }

    /// The common write path of PUT and PATCH: read, check If-Match, compute, write with the
    /// next version; again if someone else wrote in between.
    fn update_with(
        &self,
        import: &ScimImport,
        id: PersonId,
        if_match: Option<&IfMatch>,
        kind: ActivityKind,
        ignored: &[Field],
        mut next_values: impl FnMut(&Person) -> Result<(PersonValues, Vec<Field>), UpdateError>,
    ) -> Result<Person, ProvisioningError> {
        for _ in 0..MAX_ATTEMPTS {
            let current = self.scim_get(import, id)?;
            IfMatch::check(if_match, current.version)?;
            let (values, carried) = match next_values(&current) {
                Ok(v) => v,
                Err(UpdateError::Field(e)) => return Err(e.into()),
                Err(UpdateError::Abort) => return Err(ProvisioningError::NotFound),
            };
            let changed = current.values.differing_fields(&values);
            if changed.is_empty() && current.source == Source::Scim {
                // Nothing to write: Entra re-sent what we have, or only fields we ignore —
                // which is worth knowing (mapping drift).
                self.mark_alone(import.enterprise_id, &carried);
                return Ok(current);
            }
            let now = self.clock.now();
            let mut next = Person {
                values,
                source: Source::Scim,
                version: current.version + 1,
                updated_at: now,
                scim_updated_at: Some(now),
                ..current.clone()
            };
            next.track_active(current.values.active(), now);
            let mut detail = summary(&changed, ignored, next.values.active());
            if current.source == Source::Manual {
                detail = Said::new("took-over").with("changes", detail);
            }
            let log = self.activity(import, kind, &next, detail);
            let limit = import.departure_limit(now);
            let marks = self.marks_due(import.enterprise_id, None, &carried, now);
            let write =
                PersonWrite { departures: Some(&limit), marks: &marks, ..PersonWrite::new(&log, &self.deadline) };
            match self.persons.update_person(&next, &write) {
                Ok(()) => {
                    self.marks_written(import.enterprise_id, &marks, now);
                    return Ok(next);
                }
                Err(StoreError::Conflict) => continue,
                Err(StoreError::DeparturesHeld(c)) => {
                    return Err(self.held(import, &current, DepartureAction::Deactivated, c, &limit));
                }
                Err(e) => return Err(map_write(e, next.values.user_name().as_str())),
            }
        }
        Err(ProvisioningError::Contention)
    }

    #[tracing::instrument(level = "debug", name = "usecase.scim_delete", skip_all, fields(enterprise = %import.enterprise_id))]
    pub fn scim_delete(
        &self,
        import: &ScimImport,
        id: PersonId,
        if_match: Option<&IfMatch>,
    ) -> Result<(), ProvisioningError> {
        for _ in 0..MAX_ATTEMPTS {
            let current = self.scim_get(import, id)?;
            IfMatch::check(if_match, current.version)?;
            let log = self.activity(import, ActivityKind::PersonDeleted, &current, Said::new("deleted"));
            let limit = import.departure_limit(log.at);
            let write = PersonWrite { departures: Some(&limit), ..PersonWrite::new(&log, &self.deadline) };
            match self.persons.delete_person(import.enterprise_id, id, current.version, &write) {
                Ok(true) => return Ok(()),
                Ok(false) => return Err(ProvisioningError::NotFound),
                Err(StoreError::Conflict) => continue,
                Err(StoreError::DeparturesHeld(c)) => {
                    return Err(self.held(import, &current, DepartureAction::Deleted, c, &limit));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(ProvisioningError::Contention)
    }

    /// A departure the limit refused: import is switched off with the hold (nothing of the
    /// request was written), and the request is answered as held.
    fn held(
        &self,
        import: &ScimImport,
        current: &Person,
        action: DepartureAction,
        crossing: Crossing,
        limit: &DepartureLimit,
    ) -> ProvisioningError {
        let hold = hold(current, action, crossing, limit, self.clock.now());
        self.hold_departures(import, &hold);
        ProvisioningError::Held(Box::new(hold))
    }
}

/// Why computing a person's next values stopped.
enum UpdateError {
    Field(FieldError),
    /// The caller's own error, kept by the caller.
    Abort,
}

struct Abort;

impl From<Abort> for UpdateError {
    fn from(_: Abort) -> Self {
        UpdateError::Abort
    }
}

impl From<FieldError> for UpdateError {
    fn from(e: FieldError) -> Self {
        UpdateError::Field(e)
    }
}

#[cfg(test)]
mod tests;
