//! `Census`: counts across every enterprise for operators' gauges, one aggregate query each.
//! `scim_imports` has one row per enterprise and the outbox only the notices of incidents, so
//! both are small enough to aggregate without an index of their own.

use diesel::dsl::{case_when, count_star, min};
use diesel::prelude::*;
use ens_domain::Timestamp;
use ens_ports::{Census, ImportCensus, OutboxCensus, StoreError};

use crate::schema::{outbox, scim_imports};
use crate::{DieselStore, corrupt, to_u64};

impl Census for DieselStore {
    fn import_census(&self) -> Result<ImportCensus, StoreError> {
        let (by_state, quietest) = self.read(|c| {
            let by_state: Vec<(String, i64)> = scim_imports::table
                .group_by(scim_imports::state)
                .select((scim_imports::state, count_star()))
                .load(c)?;
            // Last heard from Entra: its last request, or the switch-on if that came later
            // (or Entra has not called since).
            let heard = case_when(
                scim_imports::last_request_at.gt(scim_imports::state_since.nullable()),
                scim_imports::last_request_at.assume_not_null(),
            )
            .otherwise(scim_imports::state_since);
            let quietest: Option<i64> =
                scim_imports::table.filter(scim_imports::state.eq("enabled")).select(min(heard)).first(c)?;
            Ok((by_state, quietest))
        })?;
        let mut census = ImportCensus { quietest_since: quietest.map(Timestamp::from_micros), ..Default::default() };
        for (state, n) in by_state {
            let n = to_u64(n);
            match state.as_str() {
                "enabled" => census.on = n,
                "disabled_by_principal" => census.off = n,
                "disabled_by_failure" => census.failed = n,
                _ => return Err(corrupt("state")),
            }
        }
        Ok(census)
    }

    fn outbox_census(&self) -> Result<OutboxCensus, StoreError> {
        let (n, oldest): (i64, Option<i64>) = self.read(|c| {
            outbox::table
                .filter(outbox::delivered_at.is_null())
                .filter(outbox::abandoned_at.is_null())
                .select((count_star(), min(outbox::created_at)))
                .first(c)
        })?;
        Ok(OutboxCensus { undelivered: to_u64(n), oldest_queued_at: oldest.map(Timestamp::from_micros) })
    }
}
