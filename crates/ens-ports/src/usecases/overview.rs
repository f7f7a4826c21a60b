//! What operators watch across every enterprise (the metrics' gauges): two aggregate queries,
//! never a walk over the enterprises, so that its cost does not grow with them.

use std::time::Duration;

use crate::Ports;
use crate::outbound::{ImportCensus, StoreError};

/// The service as a whole, as the database sees it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overview {
    /// Enterprises by the state of their import.
    pub imports: ImportCensus,
    /// Notices waiting to be delivered.
    pub outbox_undelivered: u64,
    /// How long the oldest of them has waited (`None`: none waits).
    pub oldest_undelivered_age: Option<Duration>,
    /// Of the enterprises whose import is on, how long the one Entra has been silent to the
    /// longest has not heard from it (`None`: no import is on).
    pub longest_silence: Option<Duration>,
}

impl Ports {
    pub fn overview(&self) -> Result<Overview, StoreError> {
        let imports = self.census.import_census()?;
        let outbox = self.census.outbox_census()?;
        let now = self.clock.now();
        Ok(Overview {
            imports,
            outbox_undelivered: outbox.undelivered,
            oldest_undelivered_age: outbox.oldest_queued_at.map(|t| now.since(t)),
            longest_silence: imports.quietest_since.map(|t| now.since(t)),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ens_domain::{EmailAddress, RequestEnd, SecretToken, SyncState, TokenInfo, TokenUse};

    use crate::memory::{ManualClock, MemoryStore, RecordingMailer, SeqIds};
    use crate::outbound::{Clock as _, SetupStore as _};
    use crate::testing::cheap_passwords;
    use crate::{Policy, Ports};

    fn ports() -> (Ports, Arc<ManualClock>, Arc<MemoryStore>) {
        let store = Arc::new(MemoryStore::new());
        let clock = Arc::new(ManualClock::default());
        let ports = Ports::new(
            store.clone(),
            clock.clone(),
            Arc::new(SeqIds::default()),
            Arc::new(RecordingMailer::default()),
            cheap_passwords(),
            Policy::default(),
        );
        (ports, clock, store)
    }

    /// An enterprise whose import is on since now, with one address to warn.
    fn enabled(ports: &Ports, store: &MemoryStore, clock: &ManualClock, name: &str) -> ens_domain::ScimImport {
        let e = ports.create_enterprise(name).expect("enterprise");
        let mut i = store.scim_import(e.id).expect("store").expect("exists");
        i.version += 1;
        let t = SecretToken::new(format!("token-of-{name}"));
        i.token = Some(TokenInfo { hash: t.hash(), created_at: clock.now(), last4: t.last4() });
        i.state = SyncState::Enabled { since: clock.now(), by: None };
        i.notify = vec![EmailAddress::parse("ops@contoso.example").expect("valid")];
        store.update_scim_import(&i, None, &[]).expect("stored");
        i
    }

    #[test]
    fn counts_states_the_outbox_and_the_longest_silence() {
        let (ports, clock, store) = ports();
        let empty = ports.overview().expect("overview");
        assert_eq!((empty.imports.on, empty.longest_silence, empty.oldest_undelivered_age), (0, None, None));

        ports.create_enterprise("Off").expect("enterprise");
        let quiet = enabled(&ports, &store, &clock, "Quiet");
        clock.advance(std::time::Duration::from_secs(600));
        let busy = enabled(&ports, &store, &clock, "Busy");
        let failing = enabled(&ports, &store, &clock, "Failing");
        clock.advance(std::time::Duration::from_secs(60));
        // Entra calls Busy only.
        store.touch_scim_request(busy.enterprise_id, TokenUse::Current, clock.now()).expect("touched");
        ports.guard_observe(
            &failing,
            RequestEnd::DatabaseError,
            &ens_domain::Said::verbatim("the database refused a change"),
        );
        clock.advance(std::time::Duration::from_secs(30));

        let o = ports.overview().expect("overview");
        assert_eq!((o.imports.on, o.imports.off, o.imports.failed), (2, 1, 1));
        assert_eq!(o.longest_silence, Some(std::time::Duration::from_secs(690)), "Quiet: switched on 690 s ago");
        assert_eq!(o.outbox_undelivered, 1, "the switch-off notice");
        assert_eq!(o.oldest_undelivered_age, Some(std::time::Duration::from_secs(30)));

        // Quiet hears from Entra: now Busy is the most silent (30 s).
        store.touch_scim_request(quiet.enterprise_id, TokenUse::Current, clock.now()).expect("touched");
        ports.deliver_notices().expect("delivered");
        let o = ports.overview().expect("overview");
        assert_eq!(o.longest_silence, Some(std::time::Duration::from_secs(30)));
        assert_eq!((o.outbox_undelivered, o.oldest_undelivered_age), (0, None));
    }

    #[test]
    fn held_incidents_are_counted_without_the_database() {
        use crate::faults::{Fault, FaultyStore};
        let store = Arc::new(FaultyStore::new(Arc::new(MemoryStore::new())));
        let clock = Arc::new(ManualClock::default());
        let ports = Ports::new(
            store.clone(),
            clock.clone(),
            Arc::new(SeqIds::default()),
            Arc::new(RecordingMailer::default()),
            cheap_passwords(),
            Policy::default(),
        );
        let import = enabled(&ports, store.inner(), &clock, "Contoso");
        store.set_fault(Some(Fault::Everything));
        ports.guard_observe(
            &import,
            RequestEnd::DatabaseUnavailable,
            &ens_domain::Said::verbatim("the database could not be reached"),
        );
        assert_eq!(ports.held_incidents(), 1);
        assert!(ports.overview().is_err(), "the census needs the database");
        store.set_fault(None);
        ports.guard_tick();
        assert_eq!(ports.held_incidents(), 0, "recorded once the database answers");
        assert_eq!(ports.overview().expect("overview").imports.failed, 1);
    }
}
