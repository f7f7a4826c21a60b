//! The Person list's health: will an alert reach everyone?
//!
//! - **Channels.** ENS+ alerts a person on a phone number or an e-mail address
//!   ([`CHANNELS`]). An active person with none of them cannot be alerted. A SCIM person whose
//!   only channels are fields the enterprise no longer imports is reachable today, but the
//!   value is not kept up to date by Entra any more.
//! - **Mapping drift.** Entra sends every mapped attribute that has a value when it creates a
//!   person; a PATCH carries only what changed. So a field imported here that no request has
//!   carried since it was selected, although Entra has created persons since, is most likely
//!   not mapped in Entra ([`Drift::NotSentByEntra`]); a field Entra sends that is not imported
//!   here is one a principal may want ([`Drift::NotImported`]). Both are judged from
//!   [`EntraMark`]s: when Entra last created a person, and when a request last carried each
//!   field.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::catalogue::Field;
use crate::mapping::Mapping;
use crate::person::{Person, PersonValues, Source};
use crate::time::Timestamp;

/// The fields ENS+ can alert a person on.
pub const CHANNELS: [Field; 4] = [Field::PhoneMobile, Field::PhoneWork, Field::EmailWork, Field::EmailOther];

/// Which of the [`CHANNELS`] hold a value: one bit each, in their order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channels(u8);

impl Channels {
    pub const NONE: Channels = Channels(0);
    /// How many distinct sets of channels there are.
    pub const COUNT: u8 = 1 << CHANNELS.len();

    pub fn of(values: &PersonValues) -> Self {
        Self::matching(|f| values.text(f).is_some())
    }

    /// The channel fields `mapping` imports.
    pub fn imported(mapping: &Mapping) -> Self {
        Self::matching(|f| mapping.admits(f))
    }

    fn matching(mut pred: impl FnMut(Field) -> bool) -> Self {
        Channels(CHANNELS.iter().enumerate().filter(|(_, f)| pred(**f)).fold(0, |m, (i, _)| m | (1 << i)))
    }

    pub fn from_bits(bits: u8) -> Self {
        Channels(bits & (Self::COUNT - 1))
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn intersects(self, other: Channels) -> bool {
        self.0 & other.0 != 0
    }

    /// Every set of channels, from none to all.
    pub fn every() -> impl Iterator<Item = Channels> {
        (0..Self::COUNT).map(Channels)
    }

    /// The sets a person who "cannot be alerted" has: none.
    pub fn unreachable() -> Vec<Channels> {
        vec![Channels::NONE]
    }

    /// The sets of a person whose every channel is a field `imported` does not contain.
    pub fn only_outside(imported: Channels) -> Vec<Channels> {
        Self::every().filter(|c| !c.is_empty() && !c.intersects(imported)).collect()
    }
}

/// How an active person stands for alerting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Reachable,
    /// Active, and no channel holds a value.
    Unreachable,
    /// A SCIM person whose channels are all fields no longer imported: Entra does not keep
    /// them up to date.
    OnlyNotImported,
    /// Inactive: not alerted anyway.
    Inactive,
}

impl Reach {
    pub fn of(person: &Person, mapping: &Mapping) -> Reach {
        let channels = Channels::of(&person.values);
        if !person.values.active() {
            Reach::Inactive
        } else if channels.is_empty() {
            Reach::Unreachable
        } else if person.source == Source::Scim && !channels.intersects(Channels::imported(mapping)) {
            Reach::OnlyNotImported
        } else {
            Reach::Reachable
        }
    }
}

/// What ENS+ remembers of Entra's requests, per enterprise: when Entra last created a person,
/// and when a request last carried each field (a value set or removed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntraMark {
    Created,
    Sent(Field),
}

impl EntraMark {
    /// Stable key, as stored: `created`, or the field's key.
    pub fn key(self) -> &'static str {
        match self {
            EntraMark::Created => "created",
            EntraMark::Sent(f) => f.key(),
        }
    }

    pub fn parse(key: &str) -> Option<EntraMark> {
        match key {
            "created" => Some(EntraMark::Created),
            k => Field::from_key(k).map(EntraMark::Sent),
        }
    }
}

/// A field on which ENS+'s mapping and Entra's seem to disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// Imported here since `selected_since`, but no request from Entra has carried it since,
    /// although Entra has created persons since (last at `last_created`): select it in
    /// Entra's mapping, or stop importing it here.
    NotSentByEntra { field: Field, selected_since: Timestamp, last_sent: Option<Timestamp>, last_created: Timestamp },
    /// Entra sent it (last at `last_sent`), and it is not imported: select it here to have it.
    NotImported { field: Field, last_sent: Timestamp },
}

impl Drift {
    pub fn field(&self) -> Field {
        match self {
            Drift::NotSentByEntra { field, .. } | Drift::NotImported { field, .. } => *field,
        }
    }

    /// What to do, in a principal's words.
    pub fn advice(&self) -> &'static str {
        match self {
            Drift::NotSentByEntra { .. } => "select it in Entra's attribute mapping, or stop importing it here",
            Drift::NotImported { .. } => "Entra sends it: select it here if you want it in the Person list",
        }
    }
}

/// How long ago Entra must have sent a field that is not imported for it to count as sent.
pub const NOT_IMPORTED_WINDOW: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The fields whose mapping drifts, in catalogue order. `selected_since` says since when each
/// imported field is imported (a field missing from it: since ever).
pub fn drift(
    mapping: &Mapping,
    selected_since: &BTreeMap<Field, Timestamp>,
    marks: &BTreeMap<EntraMark, Timestamp>,
    now: Timestamp,
) -> Vec<Drift> {
    let last_created = marks.get(&EntraMark::Created).copied();
    Field::all()
        // Required fields come with every create; nothing to advise.
        .filter(|f| !f.is_required())
        .filter_map(|field| {
            let last_sent = marks.get(&EntraMark::Sent(field)).copied();
            if mapping.admits(field) {
                let since = selected_since.get(&field).copied().unwrap_or(Timestamp::UNIX_EPOCH);
                let created = last_created.filter(|c| *c > since)?;
                last_sent.is_none_or(|s| s < since).then_some(Drift::NotSentByEntra {
                    field,
                    selected_since: since,
                    last_sent,
                    last_created: created,
                })
            } else {
                let sent = last_sent.filter(|s| now.since(*s) <= NOT_IMPORTED_WINDOW)?;
                Some(Drift::NotImported { field, last_sent: sent })
            }
        })
        .collect()
}

/// How many persons an enterprise has, by kind: the counts on Setup.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonCounts {
    /// (source, active, channels) → persons.
    pub by_class: BTreeMap<(Source, bool, Channels), u64>,
}

impl PersonCounts {
    pub fn add(&mut self, source: Source, active: bool, channels: Channels, n: i64) {
        let e = self.by_class.entry((source, active, channels)).or_default();
        *e = e.saturating_add_signed(n);
    }

    fn sum(&self, pred: impl Fn(Source, bool, Channels) -> bool) -> u64 {
        self.by_class.iter().filter(|((s, a, c), _)| pred(*s, *a, *c)).map(|(_, n)| n).sum()
    }

    pub fn total(&self) -> u64 {
        self.sum(|_, _, _| true)
    }

    pub fn active(&self) -> u64 {
        self.sum(|_, a, _| a)
    }

    pub fn from_source(&self, source: Source) -> u64 {
        self.sum(|s, _, _| s == source)
    }

    /// Active persons with no channel: they cannot be alerted.
    pub fn unreachable(&self) -> u64 {
        self.sum(|_, a, c| a && c.is_empty())
    }

    /// Active SCIM persons whose every channel is a field `mapping` no longer imports.
    pub fn only_not_imported(&self, mapping: &Mapping) -> u64 {
        let imported = Channels::imported(mapping);
        self.sum(|s, a, c| a && s == Source::Scim && !c.is_empty() && !c.intersects(imported))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{EnterpriseId, PersonId};
    use crate::person::FieldChange;

    fn person(source: Source, changes: &[FieldChange]) -> Person {
        let mut all = vec![FieldChange::set(Field::UserName, "a@contoso.com")];
        all.extend_from_slice(changes);
        Person {
            id: PersonId::from_uuid(uuid::Uuid::nil()),
            enterprise_id: EnterpriseId::from_uuid(uuid::Uuid::nil()),
            source,
            values: PersonValues::from_changes(&all).expect("valid"),
            version: 1,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            scim_updated_at: None,
            inactive_since: None,
        }
    }

    #[test]
    fn channels_are_the_phone_numbers_and_e_mail_addresses() {
        let p = person(Source::Scim, &[FieldChange::set(Field::EmailWork, "a@contoso.com")]);
        assert_eq!(Channels::of(&p.values).bits(), 0b0100);
        assert_eq!(Channels::every().count(), 16);
        let no_phones =
            Mapping::from_fields(Field::all().filter(|f| !matches!(f, Field::PhoneMobile | Field::PhoneWork)))
                .expect("valid");
        assert_eq!(Channels::imported(&no_phones).bits(), 0b1100);
        assert_eq!(Channels::only_outside(Channels::from_bits(0b1100)).len(), 3, "mobile, work, both");
    }

    #[test]
    fn reach_follows_channels_activity_and_the_mapping() {
        let m = Mapping::default();
        let mobile = [FieldChange::set(Field::PhoneMobile, "+41 79 000 00 00")];
        assert_eq!(Reach::of(&person(Source::Scim, &mobile), &m), Reach::Reachable);
        assert_eq!(Reach::of(&person(Source::Scim, &[]), &m), Reach::Unreachable);
        let inactive = [FieldChange::set(Field::Active, false)];
        assert_eq!(Reach::of(&person(Source::Scim, &inactive), &m), Reach::Inactive);
        let no_mobile = Mapping::from_fields(Field::all().filter(|f| *f != Field::PhoneMobile)).expect("valid");
        assert_eq!(Reach::of(&person(Source::Scim, &mobile), &no_mobile), Reach::OnlyNotImported);
        assert_eq!(Reach::of(&person(Source::Manual, &mobile), &no_mobile), Reach::Reachable, "a principal's value");
    }

    #[test]
    fn counts_answer_the_setup_questions() {
        let mut c = PersonCounts::default();
        c.add(Source::Scim, true, Channels::NONE, 3);
        c.add(Source::Scim, true, Channels::from_bits(1), 10);
        c.add(Source::Scim, false, Channels::NONE, 4);
        c.add(Source::Manual, true, Channels::NONE, 1);
        c.add(Source::Manual, true, Channels::NONE, -1);
        assert_eq!((c.total(), c.active(), c.from_source(Source::Manual)), (17, 13, 0));
        assert_eq!(c.unreachable(), 3);
        let no_mobile = Mapping::from_fields(Field::all().filter(|f| *f != Field::PhoneMobile)).expect("valid");
        assert_eq!(c.only_not_imported(&no_mobile), 10);
        assert_eq!(c.only_not_imported(&Mapping::default()), 0);
    }

    #[test]
    fn drift_needs_a_create_since_the_selection() {
        let t = |n: i64| Timestamp::from_micros(n * 1_000_000);
        let m = Mapping::from_fields(Field::all().filter(|f| *f != Field::Title)).expect("valid");
        let since = BTreeMap::from([(Field::PhoneFax, t(100))]);
        let mut marks = BTreeMap::from([(EntraMark::Sent(Field::DisplayName), t(50))]);
        // No create since the fax was selected: not sending it means nothing yet.
        marks.insert(EntraMark::Created, t(90));
        let fields: Vec<Field> = drift(&m, &since, &marks, t(200)).iter().map(Drift::field).collect();
        assert!(!fields.contains(&Field::PhoneFax), "{fields:?}");
        assert!(fields.contains(&Field::GivenName), "never sent although persons were created: {fields:?}");
        assert!(!fields.contains(&Field::DisplayName), "sent after it was selected (since ever)");
        marks.insert(EntraMark::Created, t(150));
        assert!(drift(&m, &since, &marks, t(200)).iter().any(|d| d.field() == Field::PhoneFax));
        marks.insert(EntraMark::Sent(Field::PhoneFax), t(160));
        assert!(!drift(&m, &since, &marks, t(200)).iter().any(|d| d.field() == Field::PhoneFax));
        // Sent, not imported.
        marks.insert(EntraMark::Sent(Field::Title), t(190));
        let d = drift(&m, &since, &marks, t(200));
        assert!(d.contains(&Drift::NotImported { field: Field::Title, last_sent: t(190) }), "{d:?}");
        assert!(
            !drift(&m, &since, &marks, t(190).saturating_add(NOT_IMPORTED_WINDOW * 2))
                .iter()
                .any(|d| d.field() == Field::Title)
        );
        for mark in [EntraMark::Created, EntraMark::Sent(Field::Title)] {
            assert_eq!(EntraMark::parse(mark.key()), Some(mark));
        }
    }
}
